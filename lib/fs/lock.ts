/**
 * An exclusive lock on a file, held by this process until it releases it or dies: ocfkit's one
 * lock, for a lab (whole `up`, `down`, `demo`) and for an agent's operations on a resource.
 *
 * It is a kernel flock(2). Node has no flock, so `flock(1)` takes it on a descriptor this
 * process opened and hands down as fd 3 (`flock 3`, the shell's `exec 3>file; flock 3` idiom):
 * the lock belongs to the open file description, which this process keeps, so it holds until we
 * close it or die. Nothing is ever stale and nothing is ever stolen: a holder that is SIGKILLed
 * (an agent Pacemaker timed out) releases it in the kernel.
 *
 * The holder writes its pid, what it does and since when into the file, for the message a
 * waiter prints. Releasing unlinks the file while still holding it; a waiter that then got the
 * unlinked file sees it is no longer the one at the path and starts over.
 */
import { closeSync, fstatSync, ftruncateSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Deadline } from '../exec/deadline.ts';
import { childProcess } from '../exec/lazy.ts';
import { makeDirs } from './dirs.ts';
import { openPlainFile } from './plain.ts';

export interface LockHolder {
  pid: number;
  /** What the holder does: `lab up`, `start`, … */
  what: string;
  /** The holder's command line. */
  argv: string;
  since: string;
}

export type LockAttempt = { release: () => void } | { busy: LockHolder | null };

/** Exit status flock(1) is told to use when the lock stays taken. */
const CONFLICT = 75;

/** The holder record in a lock file, or null (no file, or the holder has not written it yet). */
export function readHolder(file: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof h.pid !== 'number' || typeof h.what !== 'string') return null;
    return { pid: h.pid, what: h.what, argv: String(h.argv ?? ''), since: String(h.since ?? '?') };
  } catch {
    return null;
  }
}

export function describeHolder(holder: LockHolder | null): string {
  if (!holder) return 'another process holds its lock';
  const argv = holder.argv.length > 160 ? `${holder.argv.slice(0, 157)}...` : holder.argv;
  return `pid ${holder.pid} has been running '${holder.what}' on it since ${holder.since} (${argv})`;
}

interface FlockResult {
  code: number | null;
  error: string | null;
  stderr: string;
}

/** `flock <options> 3` on our descriptor, killed if it outlives `timeoutMs`. */
function flock(fd: number, options: readonly string[], timeoutMs: number): Promise<FlockResult> {
  return new Promise((resolve) => {
    let stderr = '';
    let child;
    try {
      child = childProcess().spawn('flock', [...options, '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] });
    } catch (error) {
      resolve({ code: null, error: (error as NodeJS.ErrnoException).code ?? String(error), stderr });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, error: error.code ?? error.message, stderr });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, error: null, stderr });
    });
  });
}

/** The descriptor still names the file at `file` (it was not unlinked by a releasing holder). */
function stillTheFile(fd: number, file: string): boolean {
  try {
    return fstatSync(fd).ino === statSync(file).ino;
  } catch {
    return false;
  }
}

function openLockFile(file: string): number {
  for (;;) {
    makeDirs(dirname(file), 0o755);
    try {
      // never through a planted symbolic link: the holder record truncates what it opens
      return openPlainFile(file, 'read-append', 0o644);
    } catch (error) {
      // the folder was removed between mkdir and open by a releasing holder: again
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/**
 * Take the lock on `file`, waiting for another holder until `deadline`; `onWait` is told once
 * whom we wait for. Throws only when the lock cannot be taken at all (no flock, a read-only
 * folder): then the message says why.
 */
export async function acquireLock(file: string, what: string, deadline: Deadline, onWait?: (holder: LockHolder | null, waitMs: number) => void): Promise<LockAttempt> {
  for (;;) {
    const fd = openLockFile(file);
    let held = false;
    try {
      let r = await flock(fd, ['--exclusive', '--nonblock', '--conflict-exit-code', String(CONFLICT)], 10_000);
      if (r.code === CONFLICT) {
        const left = deadline.remaining();
        if (left <= 0) return { busy: readHolder(file) };
        onWait?.(readHolder(file), left);
        r = await flock(fd, ['--exclusive', '--wait', (left / 1000).toFixed(3), '--conflict-exit-code', String(CONFLICT)], left + 10_000);
        if (r.code === CONFLICT) return { busy: readHolder(file) };
      }
      if (r.code !== 0) throw new Error(`cannot lock ${file}: flock ${r.error ? `could not start (${r.error})` : `exit ${r.code}: ${r.stderr.trim()}`}`);
      // A holder that released removed the file after we opened it: lock the one now there.
      if (!stillTheFile(fd, file)) continue;
      const holder: LockHolder = { pid: process.pid, what, argv: process.argv.slice(1).join(' '), since: new Date().toISOString() };
      ftruncateSync(fd, 0);
      writeSync(fd, `${JSON.stringify(holder)}\n`, 0);
      held = true;
      return { release: () => release(file, fd) };
    } finally {
      if (!held) closeSync(fd);
    }
  }
}

function release(file: string, fd: number): void {
  // Unlink while still holding, then close: a waiter that locks the unlinked file sees it is
  // no longer the file at `file` and starts over on a new one.
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
  closeSync(fd);
}
