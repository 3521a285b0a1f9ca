/**
 * The side effects: carry out a claim or release plan on one HAProxy instance, wait (bounded)
 * for drained servers to finish their sessions, and read back until HAProxy reports the state
 * asked for.
 */
import type { Deadline } from '../exec/deadline.ts';
import { sleep } from '../exec/wait.ts';
import type { Logger } from '../log/logger.ts';
import { label, type ClaimPlan, type Step } from './claim.ts';
import type { RuntimeClient } from './client.ts';
import type { ServerState } from './servers-state.ts';

export interface ApplyEnv {
  client: RuntimeClient;
  deadline: Deadline;
  log: Logger;
  drainTimeoutMs: number;
  /** Time kept back from draining for what follows (maintenance, read-back). */
  reserveMs?: number;
  pollMs?: number;
}

async function runStep(env: ApplyEnv, step: Step): Promise<void> {
  const where = `${step.backend}/${step.server}`;
  if (step.op === 'addr') {
    const r = await env.client.setAddr(step.backend, step.server, step.ip, step.port, env.deadline);
    env.log.info(`${env.client.address.text}: ${where} addr ${step.ip}${step.port ? `:${step.port}` : ''}: ${r.message}`);
    return;
  }
  await env.client.setState(step.backend, step.server, step.state, env.deadline);
  env.log.info(`${env.client.address.text}: ${where} → ${step.state}`);
}

/**
 * Wait until the drained servers have no session left, or are down (a server that is DOWN gets
 * no traffic and never shows DRAIN: waiting for that would never end), or drain_timeout runs out.
 */
async function waitDrained(env: ApplyEnv, servers: ServerState[]): Promise<string[]> {
  const reserve = env.reserveMs ?? Math.min(1000, env.deadline.remaining() / 4);
  const until = env.deadline.less(reserve).within(env.drainTimeoutMs);
  const pending = new Set(servers.map(label));
  while (pending.size > 0) {
    const rows = await env.client.showStat(env.deadline);
    for (const row of rows) {
      const key = `${row.proxy}/${row.name}`;
      if (pending.has(key) && (row.sessions === 0 || row.status.startsWith('DOWN') || row.status.startsWith('MAINT'))) pending.delete(key);
    }
    if (pending.size === 0 || until.expired()) break;
    await sleep(Math.min(env.pollMs ?? 50, until.remaining()));
  }
  return [...pending];
}

export async function applyPlan(env: ApplyEnv, plan: ClaimPlan): Promise<void> {
  for (const step of plan.first) await runStep(env, step);
  for (const s of plan.drain) {
    if (s.admin !== 'drain') await runStep(env, { op: 'state', backend: s.backend, server: s.name, state: 'drain' });
  }
  if (plan.drain.length > 0) {
    const left = await waitDrained(env, plan.drain);
    if (left.length > 0) env.log.warn(`${env.client.address.text}: ${left.join(', ')} still had sessions after drain_timeout; maintenance now (existing connections are not cut)`);
  }
  for (const s of [...plan.drain, ...plan.maint]) await runStep(env, { op: 'state', backend: s.backend, server: s.name, state: 'maint' });
}

export { waitDrained };
