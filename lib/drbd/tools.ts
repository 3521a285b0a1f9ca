/**
 * Running drbdadm and drbdsetup, found on PATH (real DRBD, the lab's simulator, or a test's
 * stand-ins: the agent cannot tell them apart). Every call is bounded by the operation's deadline.
 */
import { outcome, type ExecResult, type Runner } from '../exec/run.ts';
import type { Deadline } from '../exec/deadline.ts';
import { parseEvents2, DrbdParseError } from 'drbd-status-parser';
import { factsFromStatus, type DrbdFacts } from './facts.ts';
import { parseVersion, VersionParseError, type DrbdVersion } from './version.ts';
import { nowDumpProblem } from './events2-check.ts';

/**
 * Most bytes of a status dump read: one resource prints a few hundred bytes a volume; anything
 * near this is not a status, and holding hundreds of MB of it would cost the node its memory.
 */
export const MAX_STATUS_BYTES = 1 << 20;

export interface ToolEnv {
  exec: Runner;
  deadline: Deadline;
  /** drbdconf, passed to drbdadm as `-c`. */
  conf: string;
  resource: string;
}

export type StatusRead =
  | { kind: 'ok'; facts: DrbdFacts; result: ExecResult }
  /** drbdsetup could not be started at all (ENOENT, EACCES). */
  | { kind: 'missing'; reason: string }
  | { kind: 'failed'; reason: string };

/**
 * One status read: `drbdsetup events2 --now <res>`. It works on both generations (drbdsetup-84
 * on 8.4, drbdsetup on 9) and lists nothing but `exists -` when the resource is down.
 */
export async function readStatus(env: ToolEnv, timeoutMs?: number): Promise<StatusRead> {
  const r = await env.exec('drbdsetup', ['events2', '--now', env.resource], { deadline: env.deadline, timeoutMs, maxBuffer: MAX_STATUS_BYTES });
  if (r.spawnError) return { kind: 'missing', reason: `drbdsetup ${outcome(r)}` };
  if (r.failed) return { kind: 'failed', reason: `drbdsetup events2 ${outcome(r)}` };
  if (Buffer.byteLength(r.stdout) >= MAX_STATUS_BYTES) return { kind: 'failed', reason: `drbdsetup events2 output: more than ${MAX_STATUS_BYTES} bytes` };
  const problem = nowDumpProblem(r.stdout, env.resource);
  if (problem) return { kind: 'failed', reason: `drbdsetup events2 output: ${problem}` };
  try {
    return { kind: 'ok', facts: factsFromStatus(parseEvents2(r.stdout), env.resource), result: r };
  } catch (error) {
    if (error instanceof DrbdParseError) return { kind: 'failed', reason: `drbdsetup events2 output: ${error.message}` };
    throw error;
  }
}

/**
 * `cut`: drbdadm did not answer (timed out, killed by a signal): a fault of this moment, not
 * proof that DRBD is missing here.
 */
export type VersionRead = { kind: 'ok'; version: DrbdVersion } | { kind: 'missing'; reason: string } | { kind: 'failed'; reason: string; cut: boolean };

export async function readVersion(env: ToolEnv): Promise<VersionRead> {
  const r = await env.exec('drbdadm', ['--version'], { deadline: env.deadline });
  if (r.spawnError) return { kind: 'missing', reason: `drbdadm ${outcome(r)}` };
  if (r.timedOut || r.signal) return { kind: 'failed', reason: `drbdadm --version ${outcome(r)}`, cut: true };
  // drbdadm --version exits 0, and 20 on some utils when the module is missing: judge the text
  try {
    return { kind: 'ok', version: parseVersion(r.stdout) };
  } catch (error) {
    if (error instanceof VersionParseError) return { kind: 'failed', reason: `${error.message} (${outcome(r)})`, cut: false };
    throw error;
  }
}

/** `drbdadm -c <conf> <verb…> <resource>`. */
export function drbdadm(env: ToolEnv, verb: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
  return env.exec('drbdadm', ['-c', env.conf, ...verb, env.resource], { deadline: env.deadline, timeoutMs: opts.timeoutMs, logLevel: 'info' });
}

/** The last line drbdadm wrote on stderr (its message), for an exit reason. */
export function lastLine(r: ExecResult): string {
  return (r.stderr.trim() || r.stdout.trim()).split('\n').pop()?.slice(0, 200) ?? '';
}
