/**
 * One HAProxy instance, one operation: claim, release or check, each as facts (read), decision
 * (claim.ts) and side effects (apply.ts). The agent runs these over every socket it is given.
 *
 * Several writers may act on one HAProxy at once (two nodes' starts, an old node's stop or
 * monitor beside the new node's start, a reload in between). HAProxy has no compare-and-set, so
 * every change that takes a server out is preceded by a fresh read (one round trip, `show
 * servers state; show info`), and:
 * - a server that became ready since this claim began belongs to a newer claim: this claim
 *   yields (puts back its own server and fails), and never takes the newer one out;
 * - this node's server taken out since it was made ready means a newer claim took over: yield;
 * - both claims yielding (they began at the same instant): each tries again after a random pause;
 * - another HAProxy process than at the beginning (a reload): the claim starts over on it;
 * - a release changes only servers that are still this node's at that instant.
 * What is left is the single round trip between such a read and the change that follows it.
 */
import type { Deadline } from '../exec/deadline.ts';
import { sleep } from '../exec/wait.ts';
import type { Logger } from '../log/logger.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import { runStep, waitDrained, type ApplyEnv } from './apply.ts';
import { judge, label, planClaim, planRelease, type ClaimPlan, type Verdict } from './claim.ts';
import type { Reading, RuntimeClient } from './client.ts';
import { serverOf, type RetargetConfig } from './config.ts';
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
const MAX_ATTEMPTS = 4;

/** The servers' state and the process, in one round trip. */
const read = (instance: Instance, env: OpEnv): Promise<Reading> => instance.client.read(env.deadline, { info: true });

const markAt = (r: Reading, env: OpEnv): ProcessMark => markOf(r.info!, (env.nowS ?? wallS)());

/** Refuse a socket that is not `level admin` before changing anything. */
export function requireAdmin(instance: Instance, level: string | undefined): void {
  if (level !== 'admin') {
    const where = instance.client.address.text;
    throw new RuntimeApiError('permission-denied', where, 'show cli level', `HAProxy socket ${where} is level ${level}, not admin: add 'level admin' to its 'stats socket' line`, level);
  }
}

/** Read the facts a start needs in one round trip: the CLI level, the servers, the process. */
export async function readForClaim(instance: Instance, env: OpEnv): Promise<Reading> {
  const r = await instance.client.read(env.deadline, { level: true, info: true });
  requireAdmin(instance, r.level);
  return r;
}

/** Save the servers' state where HAProxy's `server-state-file` reads it, ending in a newline (without one, 2.6 ignores the last line). */
export function saveState(instance: Instance, text: string, log: Logger): void {
  if (!instance.stateFile) return;
  writeFileAtomic(instance.stateFile, text.endsWith('\n') ? text : `${text}\n`, 0o644);
  log.debug(`${instance.client.address.text}: servers' state saved to ${instance.stateFile}`);
}

export class ClaimNotTaken extends Error {
  constructor(socket: string, why: string) {
    // the backend/server first: Pacemaker keeps 128 bytes of an exit reason
    super(`${why} (HAProxy at ${socket} does not show the claim)`);
    this.name = 'ClaimNotTaken';
  }
}

type Attempt = { kind: 'done'; reading: Reading } | { kind: 'lost'; why: string } | { kind: 'again'; why: string; pause: boolean };

/**
 * Has another writer acted since `r0`? A reload (another process), this node's server taken out,
 * or another server made ready: a newer claim. On a newer claim this one puts back what it made
 * ready in the write backends and yields; when nobody holds it after that, it tries again.
 */
async function contest(instance: Instance, env: OpEnv, r0: Reading, r: Reading, plan: ClaimPlan): Promise<Attempt | null> {
  const { config, node } = env;
  const where = instance.client.address.text;
  const m0 = markAt(r0, env);
  const m = markAt(r, env);
  if (!sameProcess(m0, m)) return { kind: 'again', why: `HAProxy at ${where} was reloaded or restarted during the claim (pid ${m0.pid} → ${m.pid})`, pause: false };
  const before = new Map(r0.servers.map((s) => [label(s), s]));
  if (config.mode === 'addr') {
    for (const step of plan.first) {
      if (step.op !== 'addr') continue;
      const s = r.servers.find((x) => x.backend === step.backend && x.name === step.server);
      if (s && (s.addr !== step.ip || (step.port !== undefined && s.port !== step.port))) {
        return { kind: 'lost', why: `${label(s)} was re-pointed at ${s.addr ?? '-'}:${s.port ?? '-'} during the claim of ${node} (a newer claim)` };
      }
    }
    return null;
  }
  let conflict: string | null = null;
  for (const b of config.writeBackends) {
    const list = r.servers.filter((s) => s.backend === b);
    const mine = list.find((s) => s.name === serverOf(config, node));
    const newer = list.filter((s) => s !== mine && s.admin === 'ready' && before.get(label(s))?.admin !== 'ready');
    if (mine && mine.admin !== 'ready') conflict = `${label(mine)} was set ${mine.admin} during the claim of ${node} (a newer claim)`;
    else if (newer.length > 0) conflict = `${newer.map(label).join(', ')} was made ready during the claim of ${node} (a newer claim)`;
    if (conflict) break;
  }
  if (!conflict) return null;
  // yield: this node's server goes back out where this claim made it ready; the newer claim stands
  const env2 = applyEnv(instance, env);
  for (const step of plan.first) {
    if (step.op !== 'state' || step.state !== 'ready' || !config.writeBackends.includes(step.backend)) continue;
    const now = r.servers.find((s) => s.backend === step.backend && s.name === step.server);
    if (now?.admin === 'ready') await runStep(env2, { ...step, state: 'maint' });
  }
  const after = await read(instance, env);
  const holder = after.servers.find((s) => config.writeBackends.includes(s.backend) && s.admin === 'ready');
  if (holder) return { kind: 'lost', why: `${conflict}; left to ${label(holder)}` };
  return { kind: 'again', why: `${conflict}, and nobody holds it now`, pause: true };
}

function applyEnv(instance: Instance, env: OpEnv): ApplyEnv {
  return { client: instance.client, deadline: env.deadline, log: env.log, drainTimeoutMs: env.config.drainTimeoutMs };
}

async function attemptClaim(instance: Instance, env: OpEnv, r0: Reading): Promise<Attempt> {
  const { client } = instance;
  const aenv = applyEnv(instance, env);
  const plan = planClaim(env.config, env.node, r0.servers);
  for (const step of plan.first) await runStep(aenv, step);
  const out = [...plan.drain, ...plan.maint];
  if (plan.first.length + out.length > 0) {
    let r = await read(instance, env);
    let c = await contest(instance, env, r0, r, plan);
    if (c) return c;
    const now = (s: { backend: string; name: string }) => r.servers.find((x) => x.backend === s.backend && x.name === s.name);
    for (const s of plan.drain) if (now(s)?.admin === 'ready') await runStep(aenv, { op: 'state', backend: s.backend, server: s.name, state: 'drain' });
    if (plan.drain.length > 0) {
      const left = await waitDrained(aenv, plan.drain);
      if (left.length > 0) env.log.warn(`${left.join(', ')} still had sessions after drain_timeout; maintenance now (existing connections are not cut) on ${client.address.text}`);
      r = await read(instance, env);
      c = await contest(instance, env, r0, r, plan);
      if (c) return c;
    }
    for (const s of out) if (now(s) && now(s)!.admin !== 'maint') await runStep(aenv, { op: 'state', backend: s.backend, server: s.name, state: 'maint' });
  }
  // read back, waiting (within the deadline) for a health check to see this node's server UP
  for (;;) {
    const r = await read(instance, env);
    const c = await contest(instance, env, r0, r, plan);
    if (c) return c;
    const verdict = judge(env.config, env.node, r.servers);
    if (verdict.kind === 'held') return { kind: 'done', reading: r };
    const rising = verdict.kind === 'mismatch' && /DOWN by health check/.test(verdict.reason);
    if (!rising || env.deadline.remaining() < 200) return { kind: 'lost', why: describe(verdict) };
    await sleep(100);
  }
}

/**
 * Claim: this node's servers ready first (traffic moves at once), the others drained (bounded by
 * drain_timeout) then in maintenance; succeeds only when HAProxy reads back the claim. `first`:
 * a reading already made (start reads the level with it; monitor re-asserts from its own).
 */
export async function claim(instance: Instance, env: OpEnv, first?: Reading): Promise<ProcessMark> {
  let r0 = first ?? (await read(instance, env));
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptClaim(instance, env, r0);
    if (outcome.kind === 'done') {
      saveState(instance, outcome.reading.text, env.log);
      return markAt(outcome.reading, env);
    }
    if (outcome.kind === 'lost' || attempt >= MAX_ATTEMPTS || env.deadline.remaining() < 300) throw new ClaimNotTaken(instance.client.address.text, outcome.why);
    env.log.warn(`${outcome.why}: claiming again`);
    if (outcome.pause) await sleep(20 + Math.random() * 80);
    r0 = await read(instance, env);
  }
}

/** Release this node's claim, if it still holds it; another node's claim is left alone. */
export async function release(instance: Instance, env: OpEnv): Promise<void> {
  const { client } = instance;
  const aenv = applyEnv(instance, env);
  const first = planRelease(env.config, env.node, (await client.read(env.deadline)).servers);
  if (first.first.length + first.drain.length + first.maint.length === 0) {
    env.log.info(`${client.address.text}: nothing of ${env.node}'s claim left to release`);
    return;
  }
  if (first.drain.length > 0) {
    // read again right before: a newer claim may have put this server in maintenance already
    const plan = planRelease(env.config, env.node, (await client.read(env.deadline)).servers);
    for (const s of plan.drain) if (s.admin === 'ready') await runStep(aenv, { op: 'state', backend: s.backend, server: s.name, state: 'drain' });
    const left = plan.drain.length > 0 ? await waitDrained(aenv, plan.drain) : [];
    if (left.length > 0) env.log.warn(`${left.join(', ')} still had sessions after drain_timeout; maintenance now on ${client.address.text}`);
  }
  // and right before maintenance: in mode=addr a newer claim may have re-pointed the server
  const plan = planRelease(env.config, env.node, (await client.read(env.deadline)).servers);
  for (const s of [...plan.drain, ...plan.maint]) await runStep(aenv, { op: 'state', backend: s.backend, server: s.name, state: 'maint' });
  if (instance.stateFile) saveState(instance, (await client.read(env.deadline)).text, env.log);
}

export interface CheckResult {
  verdict: Verdict;
  /** Set when the claim was re-asserted because HAProxy is another process than at claim time. */
  restored?: string;
  mark?: ProcessMark;
}

/**
 * Check: does HAProxy show this node's claim? One round trip. With `recorded` (the process the
 * claim was made on; recurring monitors only), a reloaded or restarted HAProxy that lost the
 * claim gets it re-asserted, unless another node claimed on the new process since (a server
 * changed after that process started); drained servers past drain_timeout go to maintenance.
 */
export async function check(instance: Instance, env: OpEnv, recorded: ProcessMark | undefined): Promise<CheckResult> {
  const { client } = instance;
  const r = await client.read(env.deadline, { info: recorded !== undefined });
  const verdict = judge(env.config, env.node, r.servers);
  if (!recorded) return { verdict };
  const now = markAt(r, env);
  if (!sameProcess(now, recorded)) {
    const why = `HAProxy at ${client.address.text} is a new process (pid ${recorded.pid} → ${now.pid}): reloaded or restarted`;
    if (verdict.kind === 'held') return { verdict, mark: now };
    if (verdict.kind === 'other') {
      // a server of the write backends changed after the new process started: someone acted on
      // it since (another node's claim), not the reload: that claim is not ours to undo
      const changed = r.servers.filter((s) => env.config.writeBackends.includes(s.backend) && s.sinceChangeS + 1 < r.info!.uptimeS);
      if (changed.length > 0) {
        env.log.info(`${why}; ${describe(verdict)}, and ${changed.map(label).join(', ')} changed since it started: not re-asserting`);
        return { verdict };
      }
    }
    env.log.warn(`${why}; its state lost the claim (${describe(verdict)}): re-asserting`);
    return { verdict: { kind: 'held', draining: [] }, restored: why, mark: await claim(instance, env, r) };
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
      return `${v.where} ready: node ${v.holder} holds it`;
    case 'none':
      return `${v.where}: no node holds it`;
    case 'mismatch':
      return v.reason;
  }
}
