/**
 * One HAProxy instance, one operation: claim, release or check, each as facts (read), decision
 * (claim.ts) and side effects (apply.ts). The agent runs these over every socket it is given.
 */
import type { Deadline } from '../exec/deadline.ts';
import { sleep } from '../exec/wait.ts';
import type { Logger } from '../log/logger.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import { applyPlan } from './apply.ts';
import { judge, label, planClaim, planRelease, type Verdict } from './claim.ts';
import type { RuntimeClient } from './client.ts';
import type { RetargetConfig } from './config.ts';
import { RuntimeApiError } from './errors.ts';
import { markOf, sameProcess, type ProcessMark } from './record.ts';

export interface Instance {
  client: RuntimeClient;
  /** Where to save `show servers state` after a change (server-state-file), or null. */
  stateFile: string | null;
}

export interface OpEnv {
  config: RetargetConfig;
  node: string;
  deadline: Deadline;
  log: Logger;
  /** Wall clock in seconds (process identity marks). */
  nowS?: () => number;
}

const wallS = (): number => Date.now() / 1000;

/** Refuse a socket that is not `level admin` before changing anything. */
export async function requireAdmin(instance: Instance, deadline: Deadline): Promise<void> {
  const level = await instance.client.cliLevel(deadline);
  if (level !== 'admin') {
    const where = instance.client.address.text;
    throw new RuntimeApiError('permission-denied', where, 'show cli level', `HAProxy socket ${where} is level ${level}, not admin: add 'level admin' to its 'stats socket' line`, level);
  }
}

/** Save the servers' state where HAProxy's `server-state-file` reads it, ending in a newline (without one, 2.6 ignores the last line). */
export async function saveState(instance: Instance, deadline: Deadline, log: Logger): Promise<void> {
  if (!instance.stateFile) return;
  let text = await instance.client.raw('show servers state', deadline);
  if (!text.endsWith('\n')) text += '\n';
  writeFileAtomic(instance.stateFile, text, 0o644);
  log.debug(`${instance.client.address.text}: servers' state saved to ${instance.stateFile}`);
}

async function mark(instance: Instance, env: OpEnv): Promise<ProcessMark> {
  return markOf(await instance.client.showInfo(env.deadline), (env.nowS ?? wallS)());
}

/**
 * Claim: this node's servers ready first (traffic moves at once), the others drained (bounded by
 * drain_timeout) then in maintenance; succeeds only when HAProxy reads back the claim, waiting
 * (within the deadline) for a health check to see this node's server UP.
 */
export async function claim(instance: Instance, env: OpEnv): Promise<ProcessMark> {
  const { client } = instance;
  const before = await client.showServersState(env.deadline);
  await applyPlan({ client, deadline: env.deadline, log: env.log, drainTimeoutMs: env.config.drainTimeoutMs }, planClaim(env.config, env.node, before));
  let verdict: Verdict;
  for (;;) {
    verdict = judge(env.config, env.node, await client.showServersState(env.deadline));
    if (verdict.kind === 'held' || env.deadline.remaining() < 200) break;
    // someone else's change in between is not ours to wait out; a health check rising is
    if (verdict.kind !== 'mismatch' || !/DOWN by health check/.test(verdict.reason)) break;
    await sleep(100);
  }
  if (verdict.kind !== 'held') throw new ClaimNotTaken(client.address.text, describe(verdict));
  await saveState(instance, env.deadline, env.log);
  return mark(instance, env);
}

export class ClaimNotTaken extends Error {
  constructor(socket: string, why: string) {
    super(`HAProxy at ${socket} does not show the claim: ${why}`);
    this.name = 'ClaimNotTaken';
  }
}

/** Release this node's claim, if it still holds it; another node's claim is left alone. */
export async function release(instance: Instance, env: OpEnv): Promise<void> {
  const { client } = instance;
  const servers = await client.showServersState(env.deadline);
  const plan = planRelease(env.config, env.node, servers);
  if (plan.first.length + plan.drain.length + plan.maint.length === 0) {
    env.log.info(`${client.address.text}: nothing of ${env.node}'s claim left to release`);
    return;
  }
  await applyPlan({ client, deadline: env.deadline, log: env.log, drainTimeoutMs: env.config.drainTimeoutMs }, plan);
  await saveState(instance, env.deadline, env.log);
}

export interface CheckResult {
  verdict: Verdict;
  /** Set when the claim was re-asserted because HAProxy is another process than at claim time. */
  restored?: string;
  mark?: ProcessMark;
}

/**
 * Check: does HAProxy show this node's claim? With `recorded` (the process the claim was made
 * on; recurring monitors only), a reloaded or restarted HAProxy gets the claim re-asserted, and
 * drained servers whose drain_timeout has passed go to maintenance.
 */
export async function check(instance: Instance, env: OpEnv, recorded: ProcessMark | undefined): Promise<CheckResult> {
  const { client } = instance;
  const servers = await client.showServersState(env.deadline);
  const verdict = judge(env.config, env.node, servers);
  if (!recorded) return { verdict };
  const now = await mark(instance, env);
  if (!sameProcess(now, recorded)) {
    const why = `HAProxy at ${client.address.text} is a new process (pid ${recorded.pid} → ${now.pid}): reloaded or restarted`;
    if (verdict.kind === 'held') return { verdict, mark: now };
    env.log.warn(`${why}; its state lost the claim (${describe(verdict)}): re-asserting`);
    return { verdict: { kind: 'held', draining: [] }, restored: why, mark: await claim(instance, env) };
  }
  if (verdict.kind === 'held' && verdict.draining.length > 0) {
    const overdue = verdict.draining.filter((s) => s.opState === 'stopped' || s.sinceChangeS * 1000 >= env.config.drainTimeoutMs);
    for (const s of overdue) {
      await client.setState(s.backend, s.name, 'maint', env.deadline);
      env.log.info(`${client.address.text}: ${label(s)} drained for ${s.sinceChangeS} s → maint`);
    }
  }
  return { verdict };
}

export function describe(v: Verdict): string {
  switch (v.kind) {
    case 'held':
      return 'held';
    case 'other':
      return `node ${v.holder} holds it (${v.where} ready)`;
    case 'none':
      return `no node holds it (${v.where})`;
    case 'mismatch':
      return v.reason;
  }
}
