/**
 * The DRBD part of the report: each local resource as this node sees it (its own role and disk,
 * the peer's role and disk over the connection), a running resync, split-brain suspicion with
 * evidence (drbd-status-parser's rule, plus the drbd agent's split-brain node attribute that
 * crm_mon shows for every node), and what makes it degraded. Pure.
 */
import { factsFor, type DrbdStatus } from 'drbd-status-parser';
import type { ClusterStatus } from '../cluster/model.ts';
import type { DrbdResourceReport } from './report.ts';

/** The drbd agent's node attribute (lib/drbd/attributes.ts splitBrainAttr). */
const splitBrainAttr = (resource: string): string => `ocfkit-drbd-${resource}-split-brain`;

/** The Pacemaker name of the peer DRBD calls `name` (8.4 says only `peer`). */
function peerNode(name: string, localNode: string | null, cs: ClusterStatus | null): string | null {
  const names = cs?.nodes.map((n) => n.name) ?? [];
  if (names.includes(name)) return name;
  const others = names.filter((n) => n !== localNode);
  return others.length === 1 ? others[0]! : null;
}

export function drbdView(drbd: DrbdStatus, localNode: string | null, cs: ClusterStatus | null): DrbdResourceReport[] {
  return drbd.resources.map((r) => {
    const f = factsFor(r);
    const vol = r.volumes[0];
    const conn = r.connections[0];
    const pv = conn?.volumes[0];
    const peer = conn ? peerNode(conn.name, localNode, cs) : null;
    const me = localNode ?? 'this node';
    const them = peer ?? conn?.name ?? 'the peer';
    const who = (x: string | null | undefined): string | null => (x === 'local' ? localNode : x ? (peerNode(x, localNode, cs) ?? x) : null);
    const sync = f.sync[0];
    const resync = sync ? { from: who(sync.from), to: who(sync.to), percent: sync.percent ?? null, paused: sync.paused } : null;
    const evidence = [...f.splitBrainEvidence];
    for (const [node, attrs] of Object.entries(cs?.nodeAttributes ?? {})) {
      const v = attrs[splitBrainAttr(r.name)];
      if (v !== undefined && v !== '' && v !== '0') evidence.push(`${node}: node attribute ${splitBrainAttr(r.name)}=${v} (set by the drbd agent)`);
    }
    const suspected = f.splitBrainSuspected || evidence.length > f.splitBrainEvidence.length;
    const problems: string[] = [];
    const disk = vol?.disk ?? 'Unknown';
    const connection = conn?.state ?? (r.connections.length === 0 ? 'StandAlone' : 'Unknown');
    if (suspected) problems.push(`split brain suspected on ${r.name}`);
    if (resync) problems.push(`resync${resync.paused ? ' (paused)' : ''} ${resync.from ?? '?'} → ${resync.to ?? '?'}${resync.percent !== null ? ` ${resync.percent.toFixed(1)}% done` : ''}`);
    if (connection !== 'Connected') problems.push(`${r.name} not connected to ${them} (${connection}): the peer's disk is unknown`);
    if (disk !== 'UpToDate' && !resync) problems.push(`${me}'s disk is ${disk}`);
    const peerDisk = pv?.peerDisk ?? 'DUnknown';
    if (connection === 'Connected' && peerDisk !== 'UpToDate' && !resync) problems.push(`${them}'s disk is ${peerDisk}`);
    return {
      name: r.name,
      local: { node: localNode, role: r.role, disk },
      connection,
      peer: conn ? { node: peer, role: conn.peerRole, disk: peerDisk, replication: pv?.replication ?? 'Unknown' } : null,
      resync,
      splitBrain: { suspected, evidence },
      problems,
    };
  });
}
