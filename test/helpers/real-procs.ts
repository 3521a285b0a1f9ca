/**
 * Process identity for tests that supervise real daemons: a process is its pid *and* its start
 * time (field 22 of /proc/<pid>/stat), so a recycled pid is never taken for the process a test
 * saw. Read straight from /proc (the lab shares the host's PID namespace); never by name.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  comm: string;
  /** Field 3: R, S, D, Z… */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks since boot. */
  startTicks: number;
  uid: number;
  /** `net:[inode]`, or null (a zombie has no namespaces left). */
  netns: string | null;
  cmdline: string[];
}

/** What a test remembers of a process it saw. */
export interface Identity {
  pid: number;
  startTicks: number;
  /** For messages only. */
  what: string;
}

export function procInfo(pid: number): ProcInfo | null {
  let stat: string;
  let status: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const f = stat.slice(close + 2).split(' '); // f[0] is field 3
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
  let netns: string | null = null;
  try {
    netns = readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    netns = null;
  }
  let cmdline: string[] = [];
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    cmdline = [];
  }
  return {
    pid,
    comm,
    state: f[0]!,
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    session: Number(f[3]),
    startTicks: Number(f[19]),
    uid,
    netns,
    cmdline,
  };
}

/** Every process (zombies included: filter on `state`). */
export function allProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = procInfo(Number(entry));
    if (p) out.push(p);
  }
  return out;
}

export function identityOf(pid: number, what: string): Identity | null {
  const p = procInfo(pid);
  return p && p.state !== 'Z' ? { pid, startTicks: p.startTicks, what } : null;
}

/** True while the very process of `id` runs (not a zombie, same start time). */
export function stillRuns(id: Identity): boolean {
  const p = procInfo(id.pid);
  return p !== null && p.state !== 'Z' && p.startTicks === id.startTicks;
}

/** Signal the process of `id` only after re-checking its identity; false when it is not there. */
export function signalIdentity(id: Identity, signal: NodeJS.Signals): boolean {
  if (!stillRuns(id)) return false;
  try {
    process.kill(id.pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function describeProc(p: ProcInfo): string {
  return `${p.pid} (uid ${p.uid}, pgrp ${p.pgrp}, session ${p.session}, ${p.state}) ${p.cmdline.join(' ') || `[${p.comm}]`}`;
}

/** Clock ticks since boot now (from /proc/uptime; USER_HZ is 100 on Linux). */
export function ticksNow(): number {
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return Math.floor(uptime * 100);
}

/** PostgreSQL's postmaster.pid: line 1 the pid, line 2 the data directory, line 3 the start epoch. */
export function parsePostmasterPid(text: string): { pid: number; dataDir: string; startEpoch: number; lines: string[] } | null {
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  if (!Number.isSafeInteger(pid) || pid <= 1) return null;
  return { pid, dataDir: lines[1] ?? '', startEpoch: Number(lines[2]), lines };
}
