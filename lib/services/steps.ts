/**
 * Start in order, stop in reverse, monitor all: the services agent's actions, each step
 * recorded in the status file as it happens.
 */
import { Deadline } from '../exec/deadline.ts';
import type { Logger } from '../log/logger.ts';
import { StepFailure, type Backend, type Health } from './backend.ts';
import type { ServiceDef } from './spec.ts';
import { readStatus, writeStatusAtomic, type ServicesStatus, type StepState, type StepStatus } from './status-file.ts';
import { summarize, type Summary } from './verdict.ts';

/** How an action over all services ended. `notInstalled`: it failed because software is missing here. */
export type ActionResult = { ok: true } | { ok: false; reason: string; notInstalled: boolean };

/** What each later service keeps back, at least, when stop timeouts add up to more than the stop has. */
const KILL_SHARE_MS = 1000;

export interface StepsEnv {
  defs: ServiceDef[];
  backendFor: (def: ServiceDef) => Backend;
  deadline: Deadline;
  log: Logger;
  statusFile: string;
  resource: string;
  node: string;
  defaultStartTimeoutMs: number;
  defaultStopTimeoutMs: number;
  now?: () => number;
}

class Recorder {
  private readonly status: ServicesStatus;
  private readonly env: StepsEnv;
  /** Whether a status file was there before this action. */
  readonly existed: boolean;

  constructor(env: StepsEnv, action: string, previous: ServicesStatus | null = readStatus(env.statusFile)) {
    this.env = env;
    this.existed = previous !== null;
    const now = new Date(this.now()).toISOString();
    const steps = env.defs.map((d): StepStatus => {
      const old = previous?.steps.find((s) => s.name === d.name);
      return old ? { ...old, kind: d.kind } : { name: d.name, kind: d.kind, state: 'pending', since: now, durationMs: null, reason: null, pid: null };
    });
    this.status = { version: 1, resource: env.resource, node: env.node, action, updatedAt: now, steps };
  }

  now(): number {
    return (this.env.now ?? Date.now)();
  }

  set(name: string, state: StepState, extra: Partial<StepStatus> = {}): void {
    const step = this.status.steps.find((s) => s.name === name)!;
    const changed = step.state !== state || extra.reason !== undefined;
    Object.assign(step, { state, reason: null, ...extra });
    if (changed) step.since = new Date(this.now()).toISOString();
  }

  get(name: string): StepStatus {
    return this.status.steps.find((s) => s.name === name)!;
  }

  save(): void {
    this.status.updatedAt = new Date(this.now()).toISOString();
    try {
      writeStatusAtomic(this.env.statusFile, this.status);
    } catch (error) {
      // the status file informs operators; it must never fail an action
      this.env.log.warn(`cannot write status file ${this.env.statusFile}: ${(error as Error).message}`);
    }
  }
}

function failureOf(error: unknown): { reason: string; notInstalled: boolean } {
  if (error instanceof StepFailure) return { reason: error.message, notInstalled: error.notInstalled };
  return { reason: (error as Error)?.message ?? String(error), notInstalled: false };
}

async function healthOf(env: StepsEnv, def: ServiceDef): Promise<Health> {
  try {
    return await env.backendFor(def).status(def, env.deadline);
  } catch (error) {
    const { reason, notInstalled } = failureOf(error);
    return notInstalled ? { state: 'unavailable', reason } : { state: 'failed', reason, pid: null };
  }
}

export async function monitorAll(env: StepsEnv): Promise<Summary> {
  const health = [];
  for (const def of env.defs) health.push({ name: def.name, health: await healthOf(env, def) });
  const summary = summarize(health);
  // Record newly found failures so the operator sees them; leave the file alone otherwise.
  const previous = readStatus(env.statusFile);
  const news = health.filter((h) => h.health.state === 'failed' && previous?.steps.find((s) => s.name === h.name)?.state === 'started');
  if (news.length > 0) {
    const rec = new Recorder(env, 'monitor', previous);
    for (const n of news) rec.set(n.name, 'failed', { reason: (n.health as { reason: string }).reason });
    rec.save();
  }
  return summary;
}

export async function startAll(env: StepsEnv): Promise<ActionResult> {
  const rec = new Recorder(env, 'start');
  for (const def of env.defs) if (rec.get(def.name).state !== 'started') rec.set(def.name, 'pending');
  rec.save();
  const fail = (def: ServiceDef, error: unknown, durationMs: number | null = null): ActionResult => {
    const { reason, notInstalled } = failureOf(error);
    rec.set(def.name, 'failed', { reason, durationMs });
    rec.save();
    return { ok: false, reason: `service ${def.name} failed to start: ${reason}`, notInstalled };
  };
  for (const def of env.defs) {
    const backend = env.backendFor(def);
    const health = await healthOf(env, def);
    if (health.state === 'unavailable') return fail(def, new StepFailure(health.reason, { notInstalled: true }));
    if (health.state === 'running') {
      env.log.info(`service ${def.name} already running`);
      rec.set(def.name, 'started', { pid: health.pid, durationMs: rec.get(def.name).durationMs });
      rec.save();
      continue;
    }
    if (health.state === 'failed') {
      env.log.warn(`service ${def.name} found failed before start (${health.reason}); cleaning up first`);
      try {
        await backend.stop(def, env.deadline.within(def.stopTimeoutMs ?? env.defaultStopTimeoutMs));
      } catch (error) {
        return fail(def, new StepFailure(`what was left of it could not be stopped: ${failureOf(error).reason}`));
      }
    }
    const began = rec.now();
    rec.set(def.name, 'starting', { pid: null, durationMs: null });
    rec.save();
    env.log.info(`starting service ${def.name}`, { kind: def.kind });
    try {
      const pid = await backend.start(def, env.deadline.within(def.startTimeoutMs ?? env.defaultStartTimeoutMs));
      rec.set(def.name, 'started', { pid, durationMs: rec.now() - began });
      rec.save();
      env.log.info(`service ${def.name} started`, { ms: rec.now() - began, pid: pid ?? undefined });
    } catch (error) {
      return fail(def, error, rec.now() - began);
    }
  }
  return { ok: true };
}

/**
 * The time one service's stop may take: its stop_timeout plus the SIGKILL reserve, less what
 * the services still to stop after it keep back, so each of them still gets at least its SIGKILL.
 */
export function stopWindow(remainingMs: number, stopTimeoutMs: number, later: number): number {
  const share = later > 0 ? Math.min(KILL_SHARE_MS, remainingMs / (2 * (later + 1))) : 0;
  return Math.max(0, Math.min(stopTimeoutMs + KILL_SHARE_MS, remainingMs - later * share));
}

/** Stop every service, in reverse order, even when one fails. */
export async function stopAll(env: StepsEnv): Promise<ActionResult> {
  const rec = new Recorder(env, 'stop');
  // a stop where nothing ever started (no status file) leaves no trace unless it fails
  const save = (): void => {
    if (rec.existed || failures.length > 0) rec.save();
  };
  const failures: string[] = [];
  const order = [...env.defs].reverse();
  for (const [i, def] of order.entries()) {
    const began = rec.now();
    const backend = env.backendFor(def);
    const window = stopWindow(env.deadline.remaining(), def.stopTimeoutMs ?? env.defaultStopTimeoutMs, order.length - i - 1);
    rec.set(def.name, 'stopping', { pid: rec.get(def.name).pid });
    save();
    try {
      await backend.stop(def, Deadline.after(window));
      const after = await healthOf(env, def);
      if (after.state === 'running') throw new StepFailure('still running after stop');
      rec.set(def.name, 'stopped', { pid: null, durationMs: rec.now() - began });
      env.log.info(`service ${def.name} stopped`, { ms: rec.now() - began });
    } catch (error) {
      // keep going: every other service must still be stopped
      const { reason } = failureOf(error);
      rec.set(def.name, 'failed', { reason: `stop: ${reason}`, durationMs: rec.now() - began });
      failures.push(`${def.name}: ${reason}`);
    }
    save();
  }
  if (failures.length > 0) return { ok: false, reason: `could not stop ${failures.join('; ')}`, notInstalled: false };
  return { ok: true };
}
