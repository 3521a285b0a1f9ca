/**
 * buildStatus: facts → the report. Pure: no clock, no files, no processes (the facts carry
 * `now`). The verdict is decided last, from the parts.
 */
import type { ClusterStatus } from '../cluster/model.ts';
import { crmTime, iso } from './crm-time.ts';
import { drbdView } from './drbd-view.ts';
import type { StatusFacts } from './facts.ts';
import { SCHEMA, type DrbdResourceReport, type FailoverReport, type NodeReport, type SourceReport, type StatusReport } from './report.ts';
import { baseId, resolveIds, type ResolvedIds } from './roles.ts';
import { buildFailover, runningTask } from './steps.ts';
import { decideVerdict } from './verdict.ts';

function promotionScore(cs: ClusterStatus, node: string, primitive: string | null): number | null {
  if (!primitive) return null;
  const scores = cs.promotionScores[node] ?? {};
  for (const [k, v] of Object.entries(scores)) if (baseId(k) === primitive) return v;
  return null;
}

const WHY_NOT: Record<string, string> = {
  Outdated: 'its DRBD disk is Outdated (it missed writes the peer has): DRBD refuses to promote it',
  Inconsistent: 'its DRBD disk is Inconsistent (a resync target): it cannot be promoted until the resync ends',
  Diskless: 'its DRBD disk is Diskless (detached)',
  Failed: 'its DRBD disk Failed',
};

function nodeReports(cs: ClusterStatus, ids: ResolvedIds, localNode: string | null, drbd: DrbdResourceReport[]): NodeReport[] {
  return cs.nodes.map((n) => {
    const inst = cs.instances.find((i) => i.cloneId === ids.clone && i.nodes.includes(n.name));
    const running = ids.primitive ? runningTask(cs, n.name, ids.primitive) : null;
    const role = running ? `${running[0]!.toUpperCase()}${running.slice(1).replace(/e$/, '')}ing` : (inst?.role ?? 'Stopped');
    const view = drbd[0];
    const isLocal = n.name === localNode;
    const drbdDisk = view ? (isLocal ? view.local.disk : view.peer?.node === n.name ? view.peer.disk : null) : null;
    const drbdRole = view ? (isLocal ? view.local.role : view.peer?.node === n.name ? view.peer.role : null) : null;
    const score = promotionScore(cs, n.name, ids.primitive);
    let notPromotable: string | null = null;
    if (role !== 'Promoted' || !n.online || n.unclean) {
      if (n.unclean) notPromotable = 'UNCLEAN (waiting to be fenced)';
      else if (!n.online) notPromotable = 'offline';
      else if (n.standby) notPromotable = 'in standby';
      else if (n.maintenance) notPromotable = 'in maintenance';
      else if (drbdDisk && WHY_NOT[drbdDisk]) notPromotable = WHY_NOT[drbdDisk]!;
      else if (score !== null && score <= 0) notPromotable = `promotion score ${score}: the drbd agent does not offer it`;
    }
    return {
      name: n.name, local: isLocal, online: n.online, standby: n.standby, maintenance: n.maintenance, unclean: n.unclean, isDc: n.isDc,
      role, active: role === 'Promoted' && n.online && !n.unclean, promotionScore: score, drbdDisk, drbdRole, notPromotable,
    };
  });
}

function sources(f: StatusFacts): SourceReport[] {
  const out: SourceReport[] = [];
  out.push(f.cluster.ok
    ? { name: 'crm_mon', ok: true, detail: `crm_mon: ${f.cluster.value.nodes.length} nodes, ${f.cluster.value.instances.length} resource instances` }
    : { name: 'crm_mon', ok: false, detail: `crm_mon: ${f.cluster.reason}` });
  out.push(f.drbd.ok
    ? { name: 'drbd', ok: true, detail: `drbdsetup events2: ${f.drbd.value.resources.length} resource${f.drbd.value.resources.length === 1 ? '' : 's'} here` }
    : { name: 'drbd', ok: false, detail: `DRBD: ${f.drbd.reason}` });
  if (f.events.ok) {
    const e = f.events.value;
    const skipped = e.skipped ? `; ${e.skipped} line${e.skipped === 1 ? '' : 's'} skipped (first: ${e.firstSkip})` : '';
    out.push({ name: 'event-log', ok: true, detail: `event log ${e.path}: ${e.events.length} events${e.truncated ? ' (newest only)' : ''}${skipped}` });
  } else out.push({ name: 'event-log', ok: false, detail: `event log: ${f.events.reason}` });
  if (f.services) {
    out.push(f.services.ok
      ? { name: 'services-status', ok: true, detail: `services status ${f.services.path ?? ''}: ${f.services.value.steps.length} services (${f.services.value.action} on ${f.services.value.node})` }
      : { name: 'services-status', ok: false, detail: `services status: ${f.services.reason}` });
  }
  return out;
}

export function buildStatus(f: StatusFacts): StatusReport {
  const cs = f.cluster.ok ? f.cluster.value : null;
  const ids = resolveIds(cs, f.ids);
  const drbd = f.drbd.ok ? drbdView(f.drbd.value, f.localNode, cs) : [];
  const nodes = cs ? nodeReports(cs, ids, f.localNode, drbd) : [];
  const promoted = nodes.filter((n) => n.active).map((n) => n.name);
  const activeNode = promoted.length === 1 ? promoted[0]! : null;
  let failover: FailoverReport | null = null;
  if (cs && ids.clone) {
    const promoting = nodes.find((n) => n.role === 'Promoting')?.name;
    const events = f.events.ok ? f.events.value.events : null;
    const lastPromote = events && ids.primitive ? [...events].reverse().find((e) => e.kind === 'resource' && baseId(e.resource!) === ids.primitive && e.task === 'promote') : undefined;
    const candidates = nodes.filter((n) => n.online && !n.standby && !n.unclean && n.role === 'Unpromoted');
    const target = activeNode ?? promoting ?? (lastPromote && nodes.some((n) => n.name === lastPromote.node && n.online) ? lastPromote.node : null) ?? (candidates.length === 1 ? candidates[0]!.name : null);
    if (target) {
      const svc = f.services && f.services.ok ? f.services.value : null;
      let unavailable: string | null = null;
      if (ids.services && (!svc || svc.node !== target)) {
        unavailable = f.localNode !== target ? `per-service steps are in the status file on ${target} (run 'ocfkit status' there)` : f.services && !f.services.ok ? f.services.reason : `no status file for ${ids.services} here`;
      }
      failover = buildFailover({ cs, ids, target, events, services: svc, servicesUnavailable: unavailable, now: f.now, tzOffsetMin: f.tzOffsetMin });
    }
  }
  const fenceDevices = (cs?.instances ?? []).filter((i) => i.agent?.startsWith('stonith:')).map((i) => ({ id: i.id, agent: i.agent, nodes: i.nodes, role: i.role }));
  const failedActions = (cs?.failures ?? []).map((x) => ({
    resource: x.resource, node: x.node, task: x.task, exitCode: x.exitCode, exitStatus: x.exitStatus, exitReason: x.exitReason, status: x.status,
    at: iso(crmTime(x.lastRcChange, f.tzOffsetMin)),
  }));
  const report: StatusReport = {
    schema: SCHEMA,
    generatedAt: new Date(f.now).toISOString(),
    localNode: f.localNode,
    verdict: { state: 'unknown', reason: '', reasons: [] },
    activeNode,
    stack: { clone: ids.clone, primitive: ids.primitive, fs: ids.fs, vip: ids.vip, haproxy: ids.haproxy, services: ids.services },
    cluster: {
      running: cs !== null,
      dc: cs?.dc ?? null,
      quorum: cs ? cs.quorum : null,
      maintenanceMode: cs ? cs.maintenanceMode : null,
      stonithEnabled: cs ? cs.stonithEnabled : null,
      fenceDevices,
      fencingConfigured: cs ? cs.stonithEnabled === true && fenceDevices.length > 0 : null,
    },
    nodes,
    drbd,
    failover,
    failedActions,
    sources: sources(f),
  };
  report.verdict = decideVerdict(report, { promoted, clusterReason: f.cluster.ok ? null : f.cluster.reason, notRunning: !f.cluster.ok && f.cluster.notRunning === true });
  return report;
}
