/**
 * What every way of running a service offers the steps: health as facts of the service
 * (never OCF codes: the agent maps them), start, and a stop that leaves nothing of ours running.
 */
import type { Deadline } from '../exec/deadline.ts';
import { outcome, type Runner } from '../exec/run.ts';
import type { Logger } from '../log/logger.ts';
import type { ServiceDef } from './spec.ts';

export type Health =
  | { state: 'running'; pid: number | null }
  | { state: 'stopped' }
  | { state: 'failed'; reason: string; pid: number | null }
  /** It cannot run on this node (its software or systemd is missing), and nothing of it runs. */
  | { state: 'unavailable'; reason: string };

export interface BackendEnv {
  exec: Runner;
  log: Logger;
  /** Where our records of what we started live (per node, cleared at boot). */
  stateDir: string;
  /** Where foreground services' stdout/stderr go. */
  logDir: string;
  /** The agent's PATH, used to resolve programs. */
  path: string;
}

export interface Backend {
  status(def: ServiceDef, deadline: Deadline): Promise<Health>;
  /** Start and wait until ready; throws StepFailure. Returns the main pid when known. */
  start(def: ServiceDef, deadline: Deadline): Promise<number | null>;
  /**
   * Stop whatever of this service we started, and make sure it is gone, by `deadline`: the
   * stop command or SIGTERM, a grace of everything but the SIGKILL reserve, then SIGKILL.
   * Throws StepFailure when something of ours survives.
   */
  stop(def: ServiceDef, deadline: Deadline): Promise<void>;
}

/** A step that could not be done. `notInstalled`: the software is missing on this node. */
export class StepFailure extends Error {
  readonly notInstalled: boolean;
  constructor(reason: string, options: { notInstalled?: boolean } = {}) {
    super(reason);
    this.name = 'StepFailure';
    this.notInstalled = options.notInstalled ?? false;
  }
}

/** A check may take this long at most, whatever the deadline leaves. */
const CHECK_CAP_MS = 10_000;

/** Run the service's `check`, if it has one: null when it passes, else what went wrong. */
export async function runCheck(env: BackendEnv, def: ServiceDef, deadline: Deadline): Promise<string | null> {
  if (!def.check) return null;
  const r = await env.exec(def.check[0]!, def.check.slice(1), { deadline, timeoutMs: CHECK_CAP_MS, env: def.env, cwd: def.cwd, reapGroup: true });
  return r.failed ? `check ${outcome(r)}` : null;
}

/** Time kept back at the end of a stop for SIGKILL and the wait for the exit. */
export function killReserve(deadline: Deadline): number {
  return Math.min(1000, deadline.remaining() / 4);
}
