/**
 * Process facts from /proc: who a pid is (its start time, so a recycled pid is never taken for
 * the process we knew), its group and session, and the members of a group.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A process as ocfkit records it: the pid and its start time (clock ticks since boot). */
export interface ProcessIdentity {
  pid: number;
  start: string;
}

export interface ProcStat extends ProcessIdentity {
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
}

/** /proc/<pid>/stat as it is, zombies included; null when there is no such entry. */
function readStat(pid: number): ProcStat | null {
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // the command name (field 2) may hold spaces and parentheses: split after the last ')'
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state), f[1] ppid, f[2] pgrp, f[3] session, f[19] starttime
  if (f[19] === undefined) return null;
  return { pid, state: f[0]!, ppid: Number(f[1]), pgid: Number(f[2]), sid: Number(f[3]), start: f[19] };
}

/** /proc/<pid>/stat, or null when the process is gone or a zombie (it has exited). */
export function procStat(pid: number): ProcStat | null {
  const s = readStat(pid);
  return s && s.state !== 'Z' && s.state !== 'X' ? s : null;
}

/**
 * Has the process left /proc altogether, not even a zombie waiting for its parent (or init) to
 * reap it? Programs that check a pid with kill(pid, 0), as PostgreSQL does with its lock file,
 * take a zombie for a live process.
 */
export function reaped(identity: ProcessIdentity): boolean {
  return readStat(identity.pid)?.start !== identity.start;
}

export function identityOf(pid: number): ProcessIdentity | null {
  const s = procStat(pid);
  return s && { pid, start: s.start };
}

/** Is the process with this identity still running (not exited, not a recycled pid)? */
export function sameProcess(identity: ProcessIdentity): boolean {
  return procStat(identity.pid)?.start === identity.start;
}

/** This process's own start time: anything started on our behalf started at or after it. */
export function selfStart(): string {
  return procStat(process.pid)!.start;
}

/** Did the process start at or after `start` (clock ticks)? */
export function startedSince(s: ProcessIdentity, start: string): boolean {
  return Number(s.start) >= Number(start);
}

/**
 * This boot's id. Start times count clock ticks since boot, so an identity recorded before a
 * reboot may name a process of this boot that merely started later: records carry the boot id.
 */
export function bootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
}

/**
 * The live processes whose environment (as it was at their exec) holds `entry` (`NAME=value`).
 * A mark in the environment is inherited through fork, setsid, setpgid and double forks, which
 * leave a process group; each is checked again after its environment was read, so a pid
 * recycled meanwhile is not taken for it.
 */
export function processesWithEnv(entry: string): ProcStat[] {
  const needle = Buffer.from(`\0${entry}\0`);
  const found: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) continue;
    const s = procStat(pid);
    if (!s) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (Buffer.concat([Buffer.from([0]), environ, Buffer.from([0])]).includes(needle) && procStat(pid)?.start === s.start) found.push(s);
  }
  return found;
}

/** The live (non-zombie) members of process group `pgid`. */
export function groupMembers(pgid: number): ProcStat[] {
  const members: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    const s = procStat(pid);
    if (s && s.pgid === pgid) members.push(s);
  }
  return members;
}
