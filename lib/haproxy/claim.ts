/**
 * The decision: from one HAProxy instance's servers (facts) to whether this node holds the
 * claim, and which server should be in which admin state. Pure: no I/O.
 *
 * The claim of node N, mode=state: in every write backend N's server is ready (and UP where a
 * health check is configured) and every other server is out (drain or maint); in every read
 * backend N's server is ready. mode=addr: every write backend has one server, ready, whose
 * address (and port, when given) is N's.
 */
import { nodeOf, serverOf, type NodeAddress, type RetargetConfig } from './config.ts';
import type { AdminMode, ServerState } from './servers-state.ts';

/** The configuration does not match what HAProxy has: a fact about the config, not the state. */
export class ClaimConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimConfigError';
  }
}

export type Verdict =
  | { kind: 'held'; draining: ServerState[] }
  | { kind: 'other'; holder: string; where: string }
  | { kind: 'none'; where: string }
  | { kind: 'mismatch'; reason: string };

export type Step =
  | { op: 'state'; backend: string; server: string; state: AdminMode }
  | { op: 'addr'; backend: string; server: string; ip: string; port: number | undefined };

export interface ClaimPlan {
  /** First: what makes this node serve (ready, address). */
  first: Step[];
  /** Then: servers to drain before they go to maintenance. */
  drain: ServerState[];
  /** Then: servers straight to maintenance (already drained or already down). */
  maint: ServerState[];
}

export const label = (s: Pick<ServerState, 'backend' | 'name'>): string => `${s.backend}/${s.name}`;

function backendServers(servers: ServerState[], backend: string): ServerState[] {
  const list = servers.filter((s) => s.backend === backend);
  if (list.length === 0) throw new ClaimConfigError(`backend '${backend}' does not exist in HAProxy (or has no server)`);
  return list;
}

function own(list: ServerState[], backend: string, server: string, node: string): ServerState {
  const s = list.find((x) => x.name === server);
  if (!s) throw new ClaimConfigError(`backend '${backend}' has no server '${server}' for node '${node}'`);
  return s;
}

function single(list: ServerState[], backend: string): ServerState {
  if (list.length !== 1) throw new ClaimConfigError(`backend '${backend}' has ${list.length} servers; mode=addr needs exactly one`);
  return list[0]!;
}

function addressOf(config: RetargetConfig, node: string): NodeAddress {
  const a = config.addresses.get(node);
  if (!a) throw new ClaimConfigError(`no address for node '${node}' in 'addresses'`);
  return a;
}

const at = (s: ServerState, a: NodeAddress): boolean => s.addr === a.ip && (a.port === undefined || s.port === a.port);

function down(s: ServerState): string | null {
  return s.checked && s.opState !== 'running' ? `${label(s)} is DOWN by health check (${s.opState})` : null;
}

type BackendVerdict = Verdict;

function judgeStateBackend(config: RetargetConfig, node: string, backend: string, servers: ServerState[]): BackendVerdict {
  const list = backendServers(servers, backend);
  const mine = own(list, backend, serverOf(config, node), node);
  const othersReady = list.filter((s) => s !== mine && s.admin === 'ready');
  if (mine.admin === 'ready') {
    if (othersReady.length > 0) return { kind: 'mismatch', reason: `${othersReady.map(label).join(', ')} ready beside ${label(mine)} (re-enabled by hand?)` };
    const sick = down(mine);
    if (sick) return { kind: 'mismatch', reason: sick };
    return { kind: 'held', draining: list.filter((s) => s !== mine && s.admin === 'drain') };
  }
  if (othersReady.length === 1) {
    const holder = othersReady[0]!;
    return { kind: 'other', holder: nodeOf(config, holder.name) ?? holder.name, where: label(holder) };
  }
  return { kind: 'none', where: `${label(mine)} is ${mine.admin}${othersReady.length > 1 ? `, ${othersReady.length} others ready` : ''}` };
}

function judgeAddrBackend(config: RetargetConfig, node: string, backend: string, servers: ServerState[]): BackendVerdict {
  const s = single(backendServers(servers, backend), backend);
  const mine = addressOf(config, node);
  if (at(s, mine)) {
    if (s.admin !== 'ready') return { kind: 'none', where: `${label(s)} points at ${node} but is ${s.admin}` };
    const sick = down(s);
    if (sick) return { kind: 'mismatch', reason: sick };
    return { kind: 'held', draining: [] };
  }
  for (const [other, a] of config.addresses) {
    if (other !== node && at(s, a) && s.admin === 'ready') return { kind: 'other', holder: other, where: label(s) };
  }
  return { kind: 'none', where: `${label(s)} is at ${s.addr ?? '-'}:${s.port ?? '-'} (${s.admin})` };
}

/** Does `node` hold the claim on this instance? Throws ClaimConfigError when the config does not fit HAProxy's. */
export function judge(config: RetargetConfig, node: string, servers: ServerState[]): Verdict {
  const verdicts = config.writeBackends.map((b) =>
    config.mode === 'addr' ? judgeAddrBackend(config, node, b, servers) : judgeStateBackend(config, node, b, servers),
  );
  const mismatch = verdicts.find((v) => v.kind === 'mismatch');
  if (mismatch) return mismatch;
  const heldAll = verdicts.every((v) => v.kind === 'held');
  if (heldAll) {
    for (const b of config.readBackends) {
      const mine = own(backendServers(servers, b), b, serverOf(config, node), node);
      if (mine.admin !== 'ready') return { kind: 'mismatch', reason: `read backend: ${label(mine)} is ${mine.admin}` };
    }
    return { kind: 'held', draining: verdicts.flatMap((v) => (v.kind === 'held' ? v.draining : [])) };
  }
  const held = verdicts.filter((v) => v.kind === 'held');
  const other = verdicts.find((v) => v.kind === 'other');
  if (held.length > 0) {
    const missing = verdicts.find((v) => v.kind !== 'held') as Exclude<Verdict, { kind: 'held' }>;
    const where = missing.kind === 'other' ? `${missing.where} (node ${missing.holder})` : missing.kind === 'none' ? missing.where : '';
    return { kind: 'mismatch', reason: `claim held only in part: ${where}` };
  }
  if (other) return other;
  return verdicts.find((v) => v.kind === 'none')!;
}

/** What to change so that `node` holds the claim. */
export function planClaim(config: RetargetConfig, node: string, servers: ServerState[]): ClaimPlan {
  const plan: ClaimPlan = { first: [], drain: [], maint: [] };
  if (config.mode === 'addr') {
    const mine = addressOf(config, node);
    for (const b of config.writeBackends) {
      const s = single(backendServers(servers, b), b);
      if (s.addr === null) throw new ClaimConfigError(`${label(s)} has no address (init-addr none or a name to resolve): HAProxy only lets the configuration file set it`);
      if (!at(s, mine)) plan.first.push({ op: 'addr', backend: b, server: s.name, ip: mine.ip, port: mine.port });
      if (s.admin !== 'ready') plan.first.push({ op: 'state', backend: b, server: s.name, state: 'ready' });
    }
    return plan;
  }
  for (const b of [...config.writeBackends, ...config.readBackends]) {
    const list = backendServers(servers, b);
    const mine = own(list, b, serverOf(config, node), node);
    if (mine.admin !== 'ready') plan.first.push({ op: 'state', backend: b, server: mine.name, state: 'ready' });
    if (!config.writeBackends.includes(b)) continue;
    for (const s of list) {
      if (s === mine || s.admin === 'maint') continue;
      // a server that is down takes no traffic to drain: waiting for it would never end
      if (config.drainTimeoutMs > 0 && s.opState !== 'stopped') plan.drain.push(s);
      else plan.maint.push(s);
    }
  }
  return plan;
}

/** What to change so that `node` gives up its claim, leaving any other node's claim alone. */
export function planRelease(config: RetargetConfig, node: string, servers: ServerState[]): ClaimPlan {
  const plan: ClaimPlan = { first: [], drain: [], maint: [] };
  for (const b of config.writeBackends) {
    const list = servers.filter((s) => s.backend === b);
    if (config.mode === 'addr') {
      const s = list.length === 1 ? list[0]! : undefined;
      const mine = config.addresses.get(node);
      if (s && mine && at(s, mine) && s.admin !== 'maint') plan.maint.push(s);
      continue;
    }
    const mine = list.find((s) => s.name === serverOf(config, node));
    if (!mine || mine.admin === 'maint') continue;
    if (config.drainTimeoutMs > 0 && mine.opState !== 'stopped') plan.drain.push(mine);
    else plan.maint.push(mine);
  }
  return plan;
}
