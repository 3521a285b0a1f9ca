/**
 * One lock per lab name, held for the whole of `up`, `down` and `demo`, so that two of them on
 * the same lab never interleave (without it, a second `up` tore the first's half-built lab down
 * and the first's clean-up then deleted the second's namespaces).
 *
 * It is ocfkit's file lock (lib/fs/lock.ts) on `<stateRoot>/<name>.lock`, beside the state
 * folder that `down` removes. The lock is per process: nested and concurrent calls within one
 * process share it (a SIGINT handler's `labDown` must not wait for the `labUp` it interrupts).
 */
import { rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Deadline } from '../exec/deadline.ts';
import { acquireLock, describeHolder, type LockHolder } from '../fs/lock.ts';
import type { Logger } from '../log/logger.ts';

export { readHolder } from '../fs/lock.ts';
export type { LockHolder } from '../fs/lock.ts';

export interface LockOptions {
  /** How long to wait for another process that holds the lab (default 120 s; 0: refuse at once). */
  lockWaitMs?: number;
  log?: Logger;
}

export const DEFAULT_LOCK_WAIT_MS = 120_000;

/** The lab is held by another process and stayed held for as long as we were willing to wait. */
export class LabBusyError extends Error {
  readonly lab: string;
  readonly holder: LockHolder | null;
  readonly waitedMs: number;

  constructor(lab: string, holder: LockHolder | null, waitedMs: number) {
    super(`lab '${lab}' is busy: ${describeHolder(holder)}${waitedMs > 0 ? `; still held after waiting ${(waitedMs / 1000).toFixed(0)} s` : ''}`);
    this.name = 'LabBusyError';
    this.lab = lab;
    this.holder = holder;
    this.waitedMs = waitedMs;
  }
}

interface Held {
  release: () => void;
  count: number;
}

const held = new Map<string, Held>();

async function acquire(lab: string, file: string, what: string, options: LockOptions): Promise<Held> {
  const waitMs = Math.max(0, options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
  const started = performance.now();
  const got = await acquireLock(file, what, Deadline.after(waitMs), (holder, left) =>
    options.log?.warn(`lab '${lab}' is busy: ${describeHolder(holder)}; waiting up to ${Math.ceil(left / 1000)} s`, { lab }),
  );
  if ('busy' in got) throw new LabBusyError(lab, got.busy, Math.round(performance.now() - started));
  return { release: got.release, count: 0 };
}

/**
 * Runs `fn` while holding lab `lab`'s lock file `file`. Waits up to `lockWaitMs` for another
 * process to release it, then throws LabBusyError naming the holder.
 */
export async function withLabLock<T>(lab: string, file: string, what: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  let h = held.get(file);
  if (!h) {
    h = await acquire(lab, file, what, options);
    held.set(file, h);
  }
  h.count++;
  try {
    return await fn();
  } finally {
    if (--h.count === 0) {
      held.delete(file);
      h.release();
      try {
        rmdirSync(dirname(file));
      } catch {
        // other labs live there (or it is gone)
      }
    }
  }
}
