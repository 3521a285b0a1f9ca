/** What every way of running a service offers the agent. */
import type { Deadline } from '../exec/deadline.ts';
import { outcome, type Runner } from '../exec/run.ts';
import type { Logger } from '../log/logger.ts';
import type { OcfCode } from '../ocf/codes.ts';
import type { ServiceDef } from './spec.ts';

export type Health =
  | { state: 'running'; pid: number | null }
  | { state: 'stopped' }
  | { state: 'failed'; reason: string; pid: number | null };

export interface BackendEnv {
  exec: Runner;
  log: Logger;
  /** Where our pid files live (per node, cleared at boot). */
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
  /** Stop and make sure it is gone; throws StepFailure. */
  stop(def: ServiceDef, deadline: Deadline): Promise<void>;
}

/** A step that could not be done; `code` overrides OCF_ERR_GENERIC (e.g. not installed). */
export class StepFailure extends Error {
  readonly code: OcfCode | undefined;
  constructor(reason: string, code?: OcfCode) {
    super(reason);
    this.name = 'StepFailure';
    this.code = code;
  }
}

/** A check may take this long at most, whatever the deadline leaves. */
const CHECK_CAP_MS = 10_000;

/** Run the service's `check`, if it has one: null when it passes, else what went wrong. */
export async function runCheck(env: BackendEnv, def: ServiceDef, deadline: Deadline): Promise<string | null> {
  if (!def.check) return null;
  const r = await env.exec(def.check[0]!, def.check.slice(1), { deadline, timeoutMs: CHECK_CAP_MS, env: def.env, cwd: def.cwd });
  return r.failed ? `check ${outcome(r)}` : null;
}
