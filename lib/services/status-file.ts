/**
 * The per-step status file: what the operator CLI reads to show a failover's progress.
 * Written atomically (temporary file, fsync, rename), so a reader never sees half a file.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type StepState = 'pending' | 'starting' | 'started' | 'stopping' | 'stopped' | 'failed';

export interface StepStatus {
  name: string;
  kind: string;
  state: StepState;
  /** When the step entered this state (ISO 8601). */
  since: string;
  /** How long the last start or stop of this step took. */
  durationMs: number | null;
  reason: string | null;
  pid: number | null;
}

export interface ServicesStatus {
  version: 1;
  resource: string;
  node: string;
  /** The last action that wrote the file. */
  action: string;
  updatedAt: string;
  steps: StepStatus[];
}

export function writeStatusAtomic(path: string, status: ServicesStatus): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, JSON.stringify(status, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean
    }
    throw error;
  }
}

/** The status file's content, or null when there is none or it is unreadable. */
export function readStatus(path: string): ServicesStatus | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as ServicesStatus;
    return parsed && parsed.version === 1 && Array.isArray(parsed.steps) ? parsed : null;
  } catch {
    return null;
  }
}
