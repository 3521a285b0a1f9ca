/**
 * What ocfkit started, by identity: our record of a service's process (pid and start time from
 * /proc, and the process group we may signal whole), and a daemon's own pid file as the daemon
 * writes it. Nothing is ever signalled on the word of a pid file alone.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { groupMembers, procStat, sameProcess, startedSince, type ProcessIdentity } from '../exec/proc.ts';
import { signalGroup, signalProcess } from '../exec/signal.ts';
import { writeFileAtomic } from '../fs/atomic.ts';

export interface Tracked extends ProcessIdentity {
  /**
   * A process group ocfkit created or the service leads itself, signalled as a whole; null when
   * the process sits in a group that is not ours (then only the process itself is signalled).
   */
  pgid: number | null;
}

/** Our record, or null when there is none or it is not ours (unreadable, foreign shape). */
export function readTracked(path: string): Tracked | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const r = JSON.parse(text) as Partial<Tracked>;
    const pid = r.pid;
    if (!Number.isSafeInteger(pid) || pid! <= 1 || typeof r.start !== 'string' || !/^\d+$/.test(r.start)) return null;
    const pgid = Number.isSafeInteger(r.pgid) && r.pgid! > 1 ? r.pgid! : null;
    return { pid: pid!, start: r.start, pgid };
  } catch {
    return null;
  }
}

/** Write our record durably; throws when it cannot be written (the caller must then undo). */
export function writeTracked(path: string, tracked: Tracked): void {
  writeFileAtomic(path, JSON.stringify(tracked) + '\n');
}

export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * The pid a daemon wrote into its own pid file: the first line, as PostgreSQL's
 * postmaster.pid (pid, data directory, start time, port, …) and every classic pid file have it.
 */
export function readDaemonPid(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const first = text.split('\n', 1)[0]!.trim();
  if (!/^\d{1,10}$/.test(first)) return null;
  const pid = Number(first);
  return pid > 1 ? pid : null;
}

/**
 * How we may signal a daemon we saw appear: its own group when it leads one, the group of the
 * command we started when it stayed there, else nothing but itself.
 */
export function adopt(pid: number, ourGroup: number | null): Tracked | null {
  const s = procStat(pid);
  if (!s) return null;
  const pgid = s.pgid === pid || (ourGroup !== null && s.pgid === ourGroup) ? s.pgid : null;
  return { pid, start: s.start, pgid };
}

/** The processes of the record's group that are ours: they started no earlier than its main process. */
function groupLeft(t: Tracked): number {
  if (t.pgid === null) return 0;
  return groupMembers(t.pgid).filter((m) => startedSince(m, t.start)).length;
}

/** Is anything of ours still running: the main process, or any process of our group? */
export function anythingLeft(t: Tracked): boolean {
  return sameProcess(t) || groupLeft(t) > 0;
}

/** Signal everything of ours: the group as a whole (ESRCH means none left), the main process by identity. */
export function signalAll(t: Tracked, signal: NodeJS.Signals): void {
  if (t.pgid !== null && groupLeft(t) > 0) signalGroup(t.pgid, signal);
  if (t.pgid === null || procStat(t.pid)?.pgid !== t.pgid) signalProcess(t, signal);
}
