/**
 * The side effects: one step of a claim or release plan on one HAProxy instance, and the
 * bounded wait for drained servers to finish their sessions (the order and the re-reading
 * between steps are retarget.ts's).
 */
import type { Deadline } from '../exec/deadline.ts';
import { sleep } from '../exec/wait.ts';
import type { Logger } from '../log/logger.ts';
import { label, type Step } from './claim.ts';
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

export async function runStep(env: ApplyEnv, step: Step): Promise<void> {
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
  const backends = [...new Set(servers.map((s) => s.backend))];
  while (pending.size > 0) {
    // one backend: only its servers' rows (a `show stat` of a large configuration is megabytes)
    const rows = await env.client.showStat(env.deadline, backends.length === 1 ? backends[0] : undefined);
    for (const row of rows) {
      const key = `${row.proxy}/${row.name}`;
      if (pending.has(key) && (row.sessions === 0 || row.status.startsWith('DOWN') || row.status.startsWith('MAINT'))) pending.delete(key);
    }
    if (pending.size === 0 || until.expired()) break;
    await sleep(Math.min(env.pollMs ?? 50, until.remaining()));
  }
  return [...pending];
}

export { waitDrained };
