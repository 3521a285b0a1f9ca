/**
 * Start in order, stop in reverse, monitor all: the services agent's actions, each step
 * recorded in the status file as it happens.
 */
import type { Deadline } from '../exec/deadline.ts';
import type { Logger } from '../log/logger.ts';
import { OCF, type OcfCode } from '../ocf/codes.ts';
import { StepFailure, type Backend, type Health } from './backend.ts';
import type { ServiceDef } from './spec.ts';
import { readStatus, writeStatusAtomic, type ServicesStatus, type StepState, type StepStatus } from './status-file.ts';
import { monitorVerdict, type Verdict } from './verdict.ts';

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

  constructor(env: StepsEnv, action: string, previous: ServicesStatus | null = readStatus(env.statusFile)) {
    this.env = env;
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

function failureCode(error: unknown): { code: OcfCode; reason: string } {
  if (error instanceof StepFailure) return { code: error.code ?? OCF.ERR_GENERIC, reason: error.message };
  return { code: OCF.ERR_GENERIC, reason: (error as Error)?.message ?? String(error) };
}

async function healthOf(env: StepsEnv, def: ServiceDef): Promise<Health> {
  try {
    return await env.backendFor(def).status(def, env.deadline);
  } catch (error) {
    const { reason } = failureCode(error);
    if (error instanceof StepFailure && error.code === OCF.ERR_INSTALLED) throw error;
    return { state: 'failed', reason, pid: null };
  }
}

export async function monitorAll(env: StepsEnv): Promise<Verdict> {
  const health = [];
  for (const def of env.defs) health.push({ name: def.name, health: await healthOf(env, def) });
  const verdict = monitorVerdict(health);
  // Record newly found failures so the operator sees them; leave the file alone otherwise.
  const previous = readStatus(env.statusFile);
  const news = health.filter((h) => h.health.state === 'failed' && previous?.steps.find((s) => s.name === h.name)?.state === 'started');
  if (news.length > 0) {
    const rec = new Recorder(env, 'monitor', previous);
    for (const n of news) rec.set(n.name, 'failed', { reason: (n.health as { reason: string }).reason });
    rec.save();
  }
  return verdict;
}

export async function startAll(env: StepsEnv): Promise<Verdict> {
  const rec = new Recorder(env, 'start');
  for (const def of env.defs) if (rec.get(def.name).state !== 'started') rec.set(def.name, 'pending');
  rec.save();
  for (const def of env.defs) {
    const backend = env.backendFor(def);
    let health: Health;
    try {
      health = await healthOf(env, def);
    } catch (error) {
      const { code, reason } = failureCode(error);
      rec.set(def.name, 'failed', { reason });
      rec.save();
      return { code, reason: `service ${def.name} failed to start: ${reason}` };
    }
    if (health.state === 'running') {
      env.log.info(`service ${def.name} already running`);
      rec.set(def.name, 'started', { pid: health.pid, durationMs: rec.get(def.name).durationMs });
      rec.save();
      continue;
    }
    if (health.state === 'failed') {
      env.log.warn(`service ${def.name} found failed before start (${health.reason}); cleaning up first`);
      await backend.stop(def, env.deadline.within(def.stopTimeoutMs ?? env.defaultStopTimeoutMs)).catch(() => {});
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
      const { code, reason } = failureCode(error);
      rec.set(def.name, 'failed', { reason, durationMs: rec.now() - began });
      rec.save();
      return { code, reason: `service ${def.name} failed to start: ${reason}` };
    }
  }
  return { code: OCF.SUCCESS };
}

export async function stopAll(env: StepsEnv): Promise<Verdict> {
  const rec = new Recorder(env, 'stop');
  const failures: string[] = [];
  for (const def of [...env.defs].reverse()) {
    const began = rec.now();
    const backend = env.backendFor(def);
    rec.set(def.name, 'stopping', { pid: rec.get(def.name).pid });
    rec.save();
    try {
      await backend.stop(def, env.deadline.within(def.stopTimeoutMs ?? env.defaultStopTimeoutMs));
      const after = await healthOf(env, def);
      if (after.state === 'running') throw new StepFailure('still running after stop');
      rec.set(def.name, 'stopped', { pid: null, durationMs: rec.now() - began });
      env.log.info(`service ${def.name} stopped`, { ms: rec.now() - began });
    } catch (error) {
      const { code, reason } = failureCode(error);
      if (code === OCF.ERR_INSTALLED) {
        // what cannot run on this node is not running on it
        env.log.warn(`service ${def.name}: ${reason}; counting it as stopped`);
        rec.set(def.name, 'stopped', { pid: null, reason, durationMs: rec.now() - began });
        rec.save();
        continue;
      }
      // keep going: every other service must still be stopped
      rec.set(def.name, 'failed', { reason: `stop: ${reason}`, durationMs: rec.now() - began });
      failures.push(`${def.name}: ${reason}`);
    }
    rec.save();
  }
  if (failures.length > 0) return { code: OCF.ERR_GENERIC, reason: `could not stop ${failures.join('; ')}` };
  return { code: OCF.SUCCESS };
}
