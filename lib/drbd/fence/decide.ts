/**
 * What `fence-peer` and `unfence-peer` do, decided from facts. Pure.
 *
 * Exit codes of DRBD's fence-peer handler convention (drbd.conf(5), `handlers`): 3 the peer is
 * already outdated or worse; 4 the peer was fenced (here: Promoted is kept off it by a
 * constraint); 5 the peer is unreachable, assumed dead; 6 outdate yourself; 7 the peer was
 * node-level fenced (STONITH). Anything else is a failure: DRBD keeps I/O frozen under
 * `fencing resource-and-stonith`, and logs the handler as broken.
 */
import type { Cib, NodeState } from '../../cluster/index.ts';
import type { DrbdFacts } from '../facts.ts';

export const FENCE_EXIT = { failed: 1, fenced: 4, unreachable: 5, stonithed: 7 } as const;

export type PeerState = 'online' | 'down-clean' | 'unclean';

export interface PeerView {
  name: string;
  state: PeerState;
  /** Why, for the log: the node_state attributes as read. */
  evidence: string;
}

/**
 * A node as the CIB status sees it: in the membership and the controller group (`true`/`online`,
 * or a join timestamp since Pacemaker 2.1.7) → online; out of both and expected down (a clean
 * stop, or fenced) → down-clean; anything else (no node_state, half-joined, lost) → unclean.
 */
export function peerState(status: readonly NodeState[], name: string): PeerView {
  const ns = status.find((s) => s.uname === name);
  if (!ns) return { name, state: 'unclean', evidence: 'no node_state' };
  const evidence = `in_ccm=${ns.inCcm} crmd=${ns.crmdOnline ? 'online' : 'offline'} expected=${ns.expected ?? '-'} join=${ns.join ?? '-'}`;
  if (ns.inCcm && ns.crmdOnline) return { name, state: 'online', evidence };
  if (!ns.inCcm && !ns.crmdOnline && ns.expected === 'down') return { name, state: 'down-clean', evidence };
  return { name, state: 'unclean', evidence };
}

/** The peers to judge: those DRBD named, else every other node of the CIB. */
export function peersOf(cib: Cib, me: string, named: readonly string[]): PeerView[] {
  const names = named.length > 0 ? named.filter((n) => n !== me) : cib.configuration.nodes.map((n) => n.uname).filter((n) => n !== me);
  return [...new Set(names)].map((n) => peerState(cib.status, n));
}

export type Existing = { present: false } | { present: true; allowed: string | null };

export type FencePlan =
  | { kind: 'place'; replace: boolean; exit: number; message: string }
  | { kind: 'none'; exit: number; message: string };

export function planFence(f: DrbdFacts, me: string, peers: readonly PeerView[], existing: Existing, id: string): FencePlan {
  if (!f.configured) return { kind: 'none', exit: FENCE_EXIT.failed, message: `DRBD resource ${f.resource} is not configured here: cannot judge my data, not placing ${id}` };
  if (existing.present && existing.allowed === me) return { kind: 'none', exit: FENCE_EXIT.fenced, message: `${id} is already in place (Promoted only on ${me})` };
  if (existing.present && existing.allowed !== null) {
    return { kind: 'none', exit: FENCE_EXIT.failed, message: `${id} keeps Promoted on ${existing.allowed}: that node fenced this one, whose data may be the outdated copy; not replacing it` };
  }
  const replace = existing.present;
  if (f.connected && f.peer === 'UpToDate') {
    return { kind: 'none', exit: FENCE_EXIT.failed, message: `connected, and every peer disk is UpToDate (${f.summary}): nothing to fence, not placing ${id}` };
  }
  const where = peers.map((p) => `${p.name} ${p.state} (${p.evidence})`).join(', ') || 'no peer node known';
  const allOnline = peers.length > 0 && peers.every((p) => p.state === 'online');
  const allClean = peers.length > 0 && peers.every((p) => p.state === 'down-clean');
  if (allOnline && (f.local === 'UpToDate' || f.local === 'Consistent')) {
    return { kind: 'place', replace, exit: FENCE_EXIT.fenced, message: `peers reachable [${where}], my disk is ${f.local}: Promoted kept on ${me} by ${id}` };
  }
  if (allClean && f.local === 'UpToDate') {
    return { kind: 'place', replace, exit: FENCE_EXIT.stonithed, message: `peers down (cleanly or fenced) [${where}], my disk is UpToDate: Promoted kept on ${me} by ${id}` };
  }
  if (f.local === 'UpToDate') {
    return { kind: 'place', replace, exit: FENCE_EXIT.unreachable, message: `a peer is unclean [${where}], my disk is UpToDate: Promoted kept on ${me} by ${id}` };
  }
  return { kind: 'none', exit: FENCE_EXIT.failed, message: `my disk is ${f.local}, not UpToDate, and not every peer is reachable [${where}]: not placing ${id} (my data must not become the only Promoted copy)` };
}

export type UnfencePlan = { kind: 'remove'; message: string } | { kind: 'none'; ok: boolean; message: string };

/**
 * unfence-peer (after-resync-target): remove our constraint only when every local disk is
 * UpToDate and every peer disk is known UpToDate (connected), as after a finished resync.
 * Otherwise fail loudly: the constraint stays, and the operator must know.
 */
export function planUnfence(f: DrbdFacts, existing: Existing, id: string): UnfencePlan {
  if (!existing.present) return { kind: 'none', ok: true, message: `no constraint ${id}: nothing to remove` };
  if (!f.configured) return { kind: 'none', ok: false, message: `DRBD resource ${f.resource} is not configured here: not removing ${id}` };
  if (f.local !== 'UpToDate' || f.laggingVolumes.length > 0) {
    const lag = f.laggingVolumes.map((v) => `volume ${v.volume} ${v.disk}`).join(', ');
    return { kind: 'none', ok: false, message: `not removing ${id}: local disk is ${f.local}${lag ? ` (${lag})` : ''}, not UpToDate on every volume (${f.summary})` };
  }
  if (f.peer !== 'UpToDate') {
    return { kind: 'none', ok: false, message: `not removing ${id}: the peer's disk is ${f.peer === 'Unknown' ? 'unknown (not connected)' : 'not UpToDate'} (${f.summary})` };
  }
  return { kind: 'remove', message: `every disk is UpToDate (${f.summary}): removing ${id}` };
}
