/**
 * What ocfkit started, by identity: our record of a service's process (pid and start time from
 * /proc, and the process group we may signal whole), the mark every process we start carries
 * in its environment (so that a worker which left the group by setsid, a daemon that restarted
 * itself under a new pid, or what a start killed midway left are still found), and a daemon's
 * own pid file as the daemon writes it. Nothing is ever signalled on the word of a pid file alone.
 */
import { readFileSync, readlinkSync, unlinkSync } from 'node:fs';
import { bootId, groupMembers, procStat, processesWithEnv, sameProcess, startedSince, type ProcessIdentity } from '../exec/proc.ts';
import { signalGroup, signalProcess } from '../exec/signal.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import { readJsonFile } from '../fs/json.ts';

export interface Tracked extends ProcessIdentity {
  /**
   * A process group ocfkit created or the service leads itself, signalled as a whole; null when
   * the process sits in a group that is not ours (then only the process itself is signalled).
   */
  pgid: number | null;
}

/** The environment variable that marks the processes of a service (and all they start) as ours. */
export const MARK_VARIABLE = 'OCFKIT_SERVICE';

/** Everything of a service that may be ours: the record, when there is one, and the mark (`NAME=value`). */
export interface Ours {
  record: Tracked | null;
  mark: string;
}

/**
 * The mark of the service whose record is at `recordPath`: unique per node, resource and
 * service. The record's path alone is not unique where nodes share one kernel and so one
 * process table (the namespace lab, node containers): two nodes' `svc` would read each other's
 * processes as theirs. The mount namespace the agent runs in tells those nodes apart, and on a
 * real server it is the same for every agent run, so a later stop still finds what a killed
 * start left.
 */
export function markOf(recordPath: string): string {
  return `${MARK_VARIABLE}=${recordPath}@${mountNamespace()}`;
}

let mntns: string | undefined;
function mountNamespace(): string {
  if (mntns === undefined) {
    try {
      mntns = readlinkSync('/proc/self/ns/mnt');
    } catch {
      mntns = 'mnt:?';
    }
  }
  return mntns;
}

/** Our record, or null when there is none or it is not ours (unreadable, foreign shape). */
export function readTracked(path: string): Tracked | null {
  const r = readJsonFile(path) as (Partial<Tracked> & { boot?: unknown }) | null;
  if (!r || typeof r !== 'object') return null;
  const pid = r.pid;
  if (!Number.isSafeInteger(pid) || pid! <= 1 || typeof r.start !== 'string' || !/^[1-9]\d*$/.test(r.start)) return null;
  // start times count from boot: a record of another boot names nothing of ours
  if (r.boot !== undefined && r.boot !== bootId()) return null;
  const pgid = Number.isSafeInteger(r.pgid) && r.pgid! > 1 ? r.pgid! : null;
  return { pid: pid!, start: r.start, pgid };
}

/** Write our record durably; throws when it cannot be written (the caller must then undo). */
export function writeTracked(path: string, tracked: Tracked): void {
  const { pid, start, pgid } = tracked;
  writeFileAtomic(path, JSON.stringify({ pid, start, pgid, boot: bootId() }) + '\n');
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

/** The processes carrying the mark, but not the main process of the record (signalled apart). */
function marked(o: Ours): ProcessIdentity[] {
  return processesWithEnv(o.mark).filter((p) => !(o.record && p.pid === o.record.pid));
}

/** Is anything of ours still running: the main process, any process of our group, any process carrying our mark? */
export function anythingLeft(o: Ours): boolean {
  const t = o.record;
  return (t !== null && (sameProcess(t) || groupLeft(t) > 0)) || marked(o).length > 0;
}

/**
 * Signal everything of ours: the group as a whole (ESRCH means none left), the main process
 * and every marked process by identity.
 */
export function signalAll(o: Ours, signal: NodeJS.Signals): void {
  const t = o.record;
  if (t !== null) {
    if (t.pgid !== null && groupLeft(t) > 0) signalGroup(t.pgid, signal);
    if (t.pgid === null || procStat(t.pid)?.pgid !== t.pgid) signalProcess(t, signal);
  }
  for (const p of marked(o)) signalProcess(p, signal);
}
