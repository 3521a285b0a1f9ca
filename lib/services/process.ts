/**
 * Process facts for supervised services: pid files that carry the process start time (so a
 * recycled pid is never mistaken for our service), liveness, and group signals.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { writeFileAtomic } from './atomic.ts';
import { sleep } from '../exec/signal.ts';

/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. null when gone. */
export function startTime(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // the command name (field 2) may contain spaces and parentheses: split after the last ')'
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); a zombie has exited already
  if (rest[0] === 'Z') return null;
  return rest[19] ?? null;
}

export function isAlive(pid: number): boolean {
  return startTime(pid) !== null;
}

export interface PidRecord {
  pid: number;
  /** Present in our own pid files; absent in a daemon's. */
  start: string | null;
}

export function readPidFile(path: string): PidRecord | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const [pidText, start] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 1) return null;
  return { pid, start: start ?? null };
}

export function writePidFile(path: string, pid: number, start: string | null): void {
  writeFileAtomic(path, start ? `${pid} ${start}\n` : `${pid}\n`);
}

export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Is the process the pid file names still the one that wrote it? */
export function recordAlive(record: PidRecord): boolean {
  const now = startTime(record.pid);
  return now !== null && (record.start === null || record.start === now);
}


/** Wait until `gone()` is true or `ms` pass; true when it went. */
export async function waitUntil(gone: () => boolean, ms: number, step = 50): Promise<boolean> {
  const end = Date.now() + ms;
  while (!gone()) {
    if (Date.now() >= end) return false;
    await sleep(Math.min(step, Math.max(1, end - Date.now())));
  }
  return true;
}
