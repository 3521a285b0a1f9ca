/**
 * The one-line verdict at the top of the report, from its parts. Pure. In order:
 *  - unknown: crm_mon gave no state (cluster not running here, crm_mon hung or failed);
 *  - failing-over: a step of the failover is running or pending, or a node awaits fencing;
 *  - no-active-node: the clone is Promoted nowhere (the reason says why not, per node);
 *  - degraded: an active node, but something is wrong or at risk (a step failed or not started,
 *    DRBD not connected / resyncing / peer Outdated / split brain, the other node offline or in
 *    standby, failed actions, maintenance, no quorum, no fencing, two Promoted);
 *  - healthy: none of that.
 */
import type { StatusReport, Verdict } from './report.ts';

export function decideVerdict(r: StatusReport, ctx: { promoted: string[]; clusterReason: string | null; notRunning: boolean }): StatusReport['verdict'] {
  const reasons: string[] = [];
  const out = (state: Verdict): StatusReport['verdict'] => ({ state, reason: reasons[0] ?? '', reasons });
  if (!r.cluster.running) {
    reasons.push(ctx.notRunning ? 'the cluster is not running on this node: its view of the pair is unknown' : `no cluster state: ${ctx.clusterReason ?? 'crm_mon failed'}`);
    for (const d of r.drbd) reasons.push(`DRBD ${d.name} here: ${d.local.role} ${d.local.disk}, ${d.connection}`);
    return out('unknown');
  }
  const clone = r.stack.clone;
  if (!clone) {
    reasons.push('no promotable clone found (name it with --resource)');
    return out('no-active-node');
  }
  const fo = r.failover;
  const steps = fo?.steps ?? [];
  const moving = steps.find((s) => s.state === 'running') ?? steps.find((s) => s.state === 'pending');
  const unclean = r.nodes.find((n) => n.unclean);
  if (ctx.promoted.length > 1) reasons.push(`${clone} is Promoted on ${ctx.promoted.join(' and ')}: two active nodes`);
  if (moving || (unclean && ctx.promoted.length === 0)) {
    const m = moving;
    reasons.push(m ? `${fo!.to ?? '?'} taking over: ${m.kind === 'service' ? `service ${m.name}` : m.name} ${m.state}${fo ? ` (${fo.done}/${fo.total} steps done)` : ''}` : `${unclean!.name} is UNCLEAN: waiting for fencing`);
    return out(ctx.promoted.length > 1 ? 'degraded' : 'failing-over');
  }
  if (ctx.promoted.length === 0) {
    const failed = steps.find((s) => s.state === 'failed');
    if (failed) reasons.push(`${clone} is not Promoted anywhere: ${failed.name} on ${failed.node}: ${failed.detail ?? 'failed'}`);
    else if (r.cluster.maintenanceMode) reasons.push(`${clone} is not Promoted anywhere; maintenance mode is on (Pacemaker changes nothing)`);
    else if (!r.cluster.quorum) reasons.push(`${clone} is not Promoted anywhere: this partition has no quorum`);
    const byOnline = [...r.nodes].sort((a, b) => Number(b.online) - Number(a.online));
    for (const n of byOnline) if (n.notPromotable) reasons.push(`${n.name} cannot be promoted: ${n.notPromotable}`);
    if (reasons.length === 0) reasons.push(`${clone} is not Promoted on any node`);
    return out('no-active-node');
  }
  const active = ctx.promoted[0]!;
  for (const s of steps) {
    if (s.state === 'failed' || s.state === 'not-started') reasons.push(`${s.kind === 'service' ? `service ${s.name}` : s.name} ${s.state === 'failed' ? 'failed' : 'not started'} on ${s.node ?? active}${s.detail ? `: ${s.detail}` : ''}`);
  }
  for (const d of r.drbd) for (const p of d.problems) reasons.push(`DRBD ${p}`);
  for (const n of r.nodes) {
    if (n.active) continue;
    if (n.notPromotable) reasons.push(`${n.name} ${n.notPromotable.startsWith('its') ? 'could not take over: ' + n.notPromotable : `is ${n.notPromotable}: no standby to take over`}`);
    else if (n.role !== 'Unpromoted') reasons.push(`${n.name}: ${clone} is ${n.role} there: no standby to take over`);
  }
  if (r.cluster.maintenanceMode) reasons.push('maintenance mode is on: Pacemaker will not fail over');
  for (const n of r.nodes) if (n.maintenance) reasons.push(`${n.name} is in maintenance: its resources are not managed`);
  if (!r.cluster.quorum) reasons.push('no quorum');
  if (r.cluster.fencingConfigured === false) reasons.push(r.cluster.stonithEnabled ? 'no fence device configured' : 'fencing is off (stonith-enabled=false)');
  for (const a of r.failedActions) reasons.push(`failed action: ${a.resource} ${a.task ?? ''} on ${a.node}${a.exitReason ? `: ${a.exitReason}` : a.exitStatus ? `: ${a.exitStatus}` : ''}`);
  if (reasons.length > 0) return out('degraded');
  const drbdRead = r.sources.find((x) => x.name === 'drbd')?.ok === true;
  const pair = r.drbd[0] ? `; DRBD ${r.drbd[0].local.disk}/${r.drbd[0].peer?.disk ?? '?'} ${r.drbd[0].connection}` : drbdRead ? '' : '; DRBD not visible from here';
  reasons.push(`${active} is active${fo ? `: ${fo.done}/${fo.total} steps done` : ''}${pair}`);
  return out('healthy');
}
