/**
 * The per-step status file: what the operator CLI reads to show a failover's progress.
 * Written atomically (temporary file, fsync, rename), so a reader never sees half a file.
 */
import { lstatSync, readFileSync, type Stats } from 'node:fs';
import { writeFileAtomic } from '../fs/atomic.ts';
import { readJsonFile } from '../fs/json.ts';

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

/**
 * Replace the status file. Whatever else is at the path (a `status_file` that names a system
 * file by mistake, a folder, a device) is never replaced: that throws instead.
 */
export function writeStatusAtomic(path: string, status: ServicesStatus): void {
  let there: Stats | undefined;
  try {
    there = lstatSync(path);
  } catch {
    // nothing there yet
  }
  if (there && (!there.isFile() || readStatus(path) === null)) {
    throw new Error(`${path} exists and is not an ocfkit status file: left as it is`);
  }
  writeFileAtomic(path, JSON.stringify(status, null, 2) + '\n');
}

/** The status file's content, or null when there is none or it is unreadable. */
export function readStatus(path: string): ServicesStatus | null {
  const parsed = readJsonFile(path) as ServicesStatus | null;
  return parsed && parsed.version === 1 && Array.isArray(parsed.steps) ? parsed : null;
}
