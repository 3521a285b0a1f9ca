/**
 * The side of fence-peer / unfence-peer that talks to DRBD and the CIB: facts (one DRBD status
 * read, `crm_node -n`, one `cibadmin --query` through lib/cluster), then the pure plan
 * (decide.ts), then at most one `cibadmin` write, checked by reading the CIB again.
 * Every command is an argument array bounded by the handler's deadline.
 */
import { outcome, type Runner } from '../../exec/run.ts';
import type { Deadline } from '../../exec/deadline.ts';
import { readCib, type Cib } from '../../cluster/index.ts';
import { readStatus } from '../tools.ts';
import { resourceNameProblem } from '../validate.ts';
import { allowedNode, constraintId, constraintXml, ownConstraint, promotableCloneOf, promotedSpelling, FenceConfigError } from './constraint.ts';
import { FENCE_EXIT, peersOf, planFence, planUnfence, type Existing } from './decide.ts';

export interface HandlerEnv {
  exec: Runner;
  deadline: Deadline;
  /** The handler's environment (DRBD_RESOURCE, DRBD_PEERS, DRBD_NODE_ID_n, DRBD_MY_NODE_ID, DRBD_CONF). */
  env: Record<string, string | undefined>;
  /** --resource, --clone, --node overrides. */
  resource?: string;
  clone?: string;
  node?: string;
}

export interface HandlerResult {
  exit: number;
  message: string;
  /** What was written to the CIB, if anything. */
  wrote: 'created' | 'replaced' | 'deleted' | null;
}

/** Per call: a CIB operation waits at most this long (a DC election can take a while). */
const CIB_CAP_MS = 30_000;

class HandlerError extends Error {}

/** The DRBD peers' host names from the handler environment (8.4: DRBD_PEERS; 9: DRBD_NODE_ID_n but mine). */
export function namedPeers(env: Record<string, string | undefined>): string[] {
  const mine = env.DRBD_MY_NODE_ID;
  const nine = Object.entries(env)
    .filter(([k, v]) => /^DRBD_NODE_ID_\d+$/.test(k) && v && k !== `DRBD_NODE_ID_${mine}`)
    .flatMap(([, v]) => v!.split(/\s+/).filter(Boolean));
  if (nine.length > 0) return nine;
  return (env.DRBD_PEERS ?? env.DRBD_PEER ?? '').split(/\s+/).filter(Boolean);
}

function resourceOf(h: HandlerEnv): string {
  const r = h.resource ?? h.env.DRBD_RESOURCE;
  if (!r) throw new HandlerError('no DRBD resource: DRBD sets DRBD_RESOURCE for its handlers (or pass --resource)');
  const problem = resourceNameProblem(r);
  if (problem) throw new HandlerError(problem.replace("parameter 'drbd_resource'", 'DRBD_RESOURCE'));
  return r;
}

async function nodeName(h: HandlerEnv): Promise<string> {
  if (h.node) return h.node;
  const r = await h.exec('crm_node', ['-n'], { deadline: h.deadline, timeoutMs: CIB_CAP_MS });
  const name = r.stdout.trim();
  if (r.failed || !/^\S+$/.test(name)) throw new HandlerError(`cannot learn this node's Pacemaker name: crm_node -n ${outcome(r)}`);
  return name;
}

async function cib(h: HandlerEnv): Promise<Cib> {
  const r = await readCib({ deadline: h.deadline.within(CIB_CAP_MS), runner: h.exec });
  if (r.kind === 'ok') return r.value;
  if (r.kind === 'parse-error') throw new HandlerError(`cibadmin --query: ${r.error.message}`);
  throw new HandlerError(`cannot read the CIB: ${r.message}`);
}

async function facts(h: HandlerEnv, resource: string) {
  const s = await readStatus({ exec: h.exec, deadline: h.deadline, conf: h.env.DRBD_CONF ?? '/etc/drbd.conf', resource });
  if (s.kind !== 'ok') throw new HandlerError(`cannot read the state of DRBD resource ${resource}: ${s.reason}`);
  return s.facts;
}

function existingOf(c: Cib, resource: string, clone: string): Existing {
  const own = ownConstraint(c, resource);
  return own ? { present: true, allowed: allowedNode(own, clone) } : { present: false };
}

async function cibadmin(h: HandlerEnv, args: string[]): Promise<string | null> {
  const r = await h.exec('cibadmin', args, { deadline: h.deadline.within(CIB_CAP_MS), logLevel: 'info' });
  return r.failed ? `cibadmin ${args[0]} ${outcome(r)}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').pop()}` : ''}` : null;
}

async function guarded(fn: () => Promise<HandlerResult>): Promise<HandlerResult> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HandlerError || error instanceof FenceConfigError) return { exit: FENCE_EXIT.failed, message: error.message, wrote: null };
    throw error;
  }
}

/** fence-peer: keep the Promoted role on this node only (DRBD lost the peer while we may be Primary). */
export function fencePeer(h: HandlerEnv): Promise<HandlerResult> {
  return guarded(async () => {
    const resource = resourceOf(h);
    const id = constraintId(resource);
    const f = await facts(h, resource);
    const me = await nodeName(h);
    let c = await cib(h);
    const clone = h.clone ?? promotableCloneOf(c, resource);
    const peers = peersOf(c, me, namedPeers(h.env));
    for (let attempt = 0; ; attempt++) {
      const plan = planFence(f, me, peers, existingOf(c, resource, clone), id);
      if (plan.kind === 'none') return { exit: plan.exit, message: plan.message, wrote: null };
      const xml = constraintXml(resource, clone, me, promotedSpelling(c.validateWith));
      const problem = await cibadmin(h, [plan.replace ? '--replace' : '--create', '--scope', 'constraints', '--xml-text', xml]);
      // read back: the write is only believed when the CIB shows it (or a racing handler placed it)
      c = await cib(h);
      const now = existingOf(c, resource, clone);
      if (now.present && now.allowed === me) {
        return { exit: plan.exit, message: problem ? `${id} is in place (placed concurrently; ${problem})` : plan.message, wrote: plan.replace ? 'replaced' : 'created' };
      }
      if (attempt >= 1) return { exit: FENCE_EXIT.failed, message: `could not place ${id}: ${problem ?? 'the CIB does not show it after the write'}`, wrote: null };
    }
  });
}

/** unfence-peer (after-resync-target): remove our constraint, and only ours, once every disk is UpToDate. */
export function unfencePeer(h: HandlerEnv): Promise<HandlerResult> {
  return guarded(async () => {
    const resource = resourceOf(h);
    const id = constraintId(resource);
    const f = await facts(h, resource);
    const before = await cib(h);
    const own = ownConstraint(before, resource);
    const plan = planUnfence(f, own ? { present: true, allowed: null } : { present: false }, id);
    if (plan.kind === 'none') return { exit: plan.ok ? 0 : FENCE_EXIT.failed, message: plan.message, wrote: null };
    // delete by id, the element alone: never a --modify, which can leave the constraint behind
    const problem = await cibadmin(h, ['--delete', '--scope', 'constraints', '--xml-text', `<rsc_location id="${id}"/>`]);
    const after = await cib(h);
    if (ownConstraint(after, resource)) {
      return { exit: FENCE_EXIT.failed, message: `FAILED to remove ${id}: it is still in the CIB${problem ? ` (${problem})` : ''}; Promoted stays banned from the peer until it is removed (cibadmin --delete --scope constraints --xml-text '<rsc_location id="${id}"/>')`, wrote: null };
    }
    return { exit: 0, message: problem ? `${id} is gone (removed concurrently; ${problem})` : `${plan.message}: removed`, wrote: 'deleted' };
  });
}
