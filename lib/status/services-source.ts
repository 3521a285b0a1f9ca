/**
 * The services agent's status file (contract 6) as `ocfkit status` reads it: ours, missing, or
 * something else at that path, told apart so the report can say which. Bounded: a file larger
 * than 1 MiB is not a status file (one is a few hundred bytes a service).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Never block on a FIFO someone put at the path. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;
import { join } from 'node:path';
import type { ServicesStatus, StepState } from '../services/status-file.ts';

export const MAX_STATUS_FILE_BYTES = 1 << 20;

export type ServicesFileRead =
  | { kind: 'ok'; path: string; value: ServicesStatus }
  | { kind: 'missing'; path: string }
  | { kind: 'invalid'; path: string; reason: string };

/** Where the services agent writes it: `$HA_RSCTMP/ocfkit-services-<resource>.json`. */
export function servicesStatusPath(resource: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.HA_RSCTMP || '/run/resource-agents', `ocfkit-services-${resource}.json`);
}

const STATES: readonly StepState[] = ['pending', 'starting', 'started', 'stopping', 'stopped', 'failed'];

/** Is this parsed JSON a services status file? Returns why not, or null. Pure. */
export function statusFileProblem(o: unknown): string | null {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return 'not a JSON object';
  const s = o as Record<string, unknown>;
  if (s.version !== 1) return 'no "version": 1';
  if (typeof s.resource !== 'string' || typeof s.node !== 'string') return 'no resource or node';
  if (!Array.isArray(s.steps)) return 'no steps[]';
  for (const [i, step] of (s.steps as unknown[]).entries()) {
    const st = step as Record<string, unknown> | null;
    if (!st || typeof st !== 'object' || typeof st.name !== 'string') return `steps[${i}] has no name`;
    if (typeof st.state !== 'string' || !STATES.includes(st.state as StepState)) return `steps[${i}].state is not a step state`;
    if (typeof st.since !== 'string' || !Number.isFinite(Date.parse(st.since))) return `steps[${i}].since is not a time`;
    if (st.durationMs !== null && st.durationMs !== undefined && typeof st.durationMs !== 'number') return `steps[${i}].durationMs is not a number`;
  }
  return null;
}

/** Parse the text of a status file. Pure. */
export function parseServicesStatus(path: string, text: string): ServicesFileRead {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return { kind: 'invalid', path, reason: 'not JSON' };
  }
  const problem = statusFileProblem(o);
  return problem ? { kind: 'invalid', path, reason: problem } : { kind: 'ok', path, value: o as ServicesStatus };
}

/** Read and check the file. I/O errors other than ENOENT become `invalid` with the errno. */
export function readServicesStatus(path: string): ServicesFileRead {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { kind: 'missing', path } : { kind: 'invalid', path, reason: `cannot open (${code})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { kind: 'invalid', path, reason: 'not a regular file' };
    if (st.size > MAX_STATUS_FILE_BYTES) return { kind: 'invalid', path, reason: `${st.size} bytes: too large for a status file` };
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return parseServicesStatus(path, buf.subarray(0, got).toString('utf8'));
  } catch (error) {
    return { kind: 'invalid', path, reason: `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    closeSync(fd);
  }
}
