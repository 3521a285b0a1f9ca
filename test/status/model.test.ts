/**
 * buildStatus over real inputs: crm_mon output of the contract stack in each situation
 * (test/fixtures/status, Pacemaker 2.1.5), DRBD 8.4.11 captures of the two-VM lab (drbd-vm) and
 * one simulator capture (Outdated), the event log per contract 1, services status files.
 * Every verdict, every step state, a pending promote and start, degraded DRBD.
 */
import t from 'tap';
import { join } from 'node:path';
import { buildStatus } from '../../lib/status/build.ts';
import type { StatusReport, StepReport } from '../../lib/status/report.ts';
import { CLUSTER_FIX, EVENTS, facts, OUTDATED, stack, svcFile, vm } from './helpers.ts';

const step = (r: StatusReport, name: string): StepReport => {
  const s = r.failover?.steps.find((x) => x.name === name || x.name === `fence ${name}` || (name === 'fencing' && x.kind === 'fencing'));
  if (!s) throw new Error(`no step ${name} in ${JSON.stringify(r.failover?.steps.map((x) => x.name))}`);
  return s;
};

t.test('healthy: node2 active after a hard-kill takeover, every step done with Pacemaker\'s times', async (t) => {
  const r = buildStatus(facts({ crmMon: stack('healthy-node2-active'), drbd: vm('13-pacemaker-managed-promoted-node2', 'node2'), events: EVENTS, services: svcFile('started') }));
  t.equal(r.verdict.state, 'healthy', r.verdict.reason);
  t.match(r.verdict.reason, /^node2 is active: 9\/9 steps done; DRBD UpToDate\/UpToDate Connected$/);
  t.equal(r.activeNode, 'node2');
  t.same(r.stack, { clone: 'drbd-data-clone', primitive: 'drbd-data', fs: 'fs-data', vip: 'vip', haproxy: 'haproxy-target', services: 'app-services' });
  const f = r.failover!;
  t.match(f, { phase: 'last', from: 'node1', to: 'node2', state: 'done', done: 9, total: 9 });
  t.same(f.steps.map((s) => [s.kind, s.name, s.state]), [
    ['fencing', 'fence node1', 'done'], ['promote', 'drbd-data', 'done'], ['mount', 'fs-data', 'done'], ['vip', 'vip', 'done'],
    ['haproxy', 'haproxy-target', 'done'], ['services', 'app-services', 'done'], ['service', 'mq', 'done'], ['service', 'sched', 'done'], ['service', 'db', 'done'],
  ]);
  // the failover starts when node1 was lost (event log, µs), not at the earlier 10:00 takeover
  t.equal(f.startedAt, '2026-11-27T11:22:30.412Z');
  // fencing: from the loss to the fencing result
  t.match(step(r, 'node1'), { startedAt: '2026-11-27T11:22:30.412Z', endedAt: '2026-11-27T11:22:31.950120Z', durationMs: 1537.783 });
  // promote: the event's time, the duration crm_mon's history measured (exec-time 60 ms)
  t.match(step(r, 'drbd-data'), { durationMs: 60, endedAt: '2026-11-27T11:22:33.002Z', source: 'event-log' });
  t.match(step(r, 'app-services'), { durationMs: 4800 });
  t.match(step(r, 'db'), { state: 'done', durationMs: 2901, endedAt: '2026-11-27T11:22:39.051Z', startedAt: '2026-11-27T11:22:36.150Z', source: 'services-status' });
  t.equal(f.endedAt, '2026-11-27T11:22:39.060Z');
  t.equal(r.cluster.fencingConfigured, true);
  t.same(r.cluster.fenceDevices.map((d) => d.id), ['fence-node1', 'fence-node2']);
  t.match(r.nodes, [{ name: 'node1', role: 'Unpromoted', active: false, promotionScore: 1000, drbdDisk: 'UpToDate', notPromotable: null }, { name: 'node2', active: true, local: true, promotionScore: 10000 }]);
  t.same(r.failedActions, []);
  // the four sources this test gives, each good (an `every` over the list also held for an empty one)
  t.same(r.sources.map((s) => [s.name, s.ok]), [['crm_mon', true], ['drbd', true], ['event-log', true], ['services-status', true]], 'every source answered');
});

t.test('the event log de-duplicates by id (two recipients) and keeps the earlier takeover out', async (t) => {
  const f = facts({ crmMon: stack('healthy-node2-active'), events: EVENTS });
  const ev = f.events.ok ? f.events.value.events : [];
  t.equal(ev.filter((e) => e.task === 'promote').length, 2, 'each promote once, though written twice');
  const r = buildStatus(f);
  t.equal(r.failover!.from, 'node1');
  t.notOk(r.failover!.steps.some((s) => s.endedAt?.startsWith('2026-11-27T10:')), 'nothing from the 10:00 takeover');
});

t.test('no event log: states and durations from crm_mon, fencing unknown, one line saying so', async (t) => {
  const r = buildStatus(facts({ crmMon: stack('healthy-node2-active'), drbd: vm('13-pacemaker-managed-promoted-node2', 'node2'), events: null }));
  t.equal(r.verdict.state, 'healthy');
  t.match(step(r, 'fencing'), { state: 'unknown', detail: /event log/ });
  t.match(r.failover, { state: 'done', done: 5, total: 5 }, 'unknown fencing is counted neither way');
  t.match(step(r, 'drbd-data'), { state: 'done', durationMs: 60, endedAt: '2026-11-27T11:22:33.000Z', source: 'crm_mon' });
  t.match(r.sources.find((s) => s.name === 'event-log'), { ok: false, detail: /not found/ });
});

t.test('a promote still running: failing over, later steps pending', async (t) => {
  const r = buildStatus(facts({ crmMon: stack('promote-pending'), events: EVENTS, now: Date.parse('2026-11-27T11:22:35Z') }));
  t.equal(r.verdict.state, 'failing-over', r.verdict.reason);
  t.match(r.verdict.reason, /^node2 taking over: drbd-data running \(1\/6 steps done\)$/);
  t.equal(r.activeNode, null);
  t.match(r.nodes.find((n) => n.name === 'node2'), { role: 'Promoting', active: false });
  t.match(step(r, 'drbd-data'), { state: 'running', startedAt: '2026-11-27T11:22:33.000Z', durationMs: 2000 });
  for (const s of ['fs-data', 'vip', 'haproxy-target', 'app-services']) t.match(step(r, s), { state: 'pending', detail: 'waits for drbd-data' });
  t.match(r.failover, { phase: 'current', state: 'running' });
});

t.test('crm_mon shows a start still running: that step running, the next pending, not healthy', async (t) => {
  const r = buildStatus(facts({ crmMon: stack('start-pending'), drbd: vm('13-pacemaker-managed-promoted-node2', 'node2'), events: null, now: Date.parse('2026-11-27T11:22:40Z') }));
  t.equal(r.verdict.state, 'failing-over');
  t.equal(r.activeNode, 'node2', 'Promoted already');
  t.match(step(r, 'haproxy-target'), { state: 'running', durationMs: 6000 });
  t.match(step(r, 'app-services'), { state: 'pending', detail: 'waits for haproxy-target' });
  t.match(r.failover, { done: 3, total: 5 }, 'fencing unknown without an event log is counted neither way');
});

t.test('services in progress from the status file: starting is running, the next pending', async (t) => {
  const r = buildStatus(facts({ crmMon: stack('start-pending'), events: EVENTS, services: svcFile('sched-starting'), now: Date.parse('2026-11-27T11:22:37.402Z') }));
  t.match(step(r, 'mq'), { state: 'done', durationMs: 1160 });
  t.match(step(r, 'sched'), { state: 'running', durationMs: 2000, startedAt: '2026-11-27T11:22:35.402Z' });
  t.match(step(r, 'db'), { state: 'pending', detail: 'waits for sched' });
});

t.test('the services start failed: degraded with the exit reason, a failed action, the failed service', async (t) => {
  const r = buildStatus(facts({ crmMon: stack('services-start-failed'), drbd: vm('13-pacemaker-managed-promoted-node2', 'node2'), events: EVENTS, services: svcFile('db-failed') }));
  t.equal(r.verdict.state, 'degraded');
  t.match(r.verdict.reason, /app-services failed on node2: start failed \(exit 1\): service db did not become ready within 60s/);
  t.match(step(r, 'app-services'), { state: 'failed' });
  t.match(step(r, 'db'), { state: 'failed', detail: 'did not become ready within 60s (check: exit 1)' });
  t.match(step(r, 'mq'), { state: 'done' });
  t.match(r.failedActions, [{ resource: 'app-services', node: 'node2', task: 'start', exitCode: 1, exitReason: 'service db did not become ready within 60s (check: exit 1)' }]);
  t.match(r.failover, { state: 'failed' });
});

t.test('the standby\'s disk Outdated: no active node, and the reason says why it is not promoted', async (t) => {
  const r = buildStatus(facts({ crmMon: stack('no-active-outdated'), drbd: OUTDATED, events: EVENTS }));
  t.equal(r.verdict.state, 'no-active-node');
  t.match(r.verdict.reason, /^node2 cannot be promoted: its DRBD disk is Outdated/);
  t.match(r.nodes.find((n) => n.name === 'node2'), { drbdDisk: 'Outdated', promotionScore: 0, notPromotable: /Outdated/ });
  t.match(step(r, 'drbd-data'), { state: 'not-started' });
  t.match(step(r, 'fs-data'), { state: 'not-started', detail: 'after drbd-data: not-started' });
  t.match(r.failover, { state: 'stalled', phase: 'last' });
});

t.test('the active node lost and UNCLEAN: failing over, fencing running, the rest waits', async (t) => {
  const r = buildStatus(facts({ crmMon: stack('node1-unclean'), drbd: vm('03-connected-secondary-secondary-uptodate', 'node2'), events: null }));
  t.equal(r.verdict.state, 'failing-over');
  t.equal(r.activeNode, null, 'a Promoted instance on an UNCLEAN node is not an active node');
  t.match(r.nodes.find((n) => n.name === 'node1'), { unclean: true, role: 'Promoted', active: false });
  t.match(step(r, 'node1'), { state: 'running', detail: /UNCLEAN/ });
  t.match(step(r, 'drbd-data'), { state: 'pending', detail: 'waits for fence node1' });
});

t.test('maintenance mode: degraded, with the reason', async (t) => {
  const r = buildStatus(facts({ crmMon: stack('maintenance'), drbd: vm('13-pacemaker-managed-promoted-node2', 'node2'), events: EVENTS }));
  t.equal(r.verdict.state, 'degraded');
  t.ok(r.verdict.reasons.includes('maintenance mode is on: Pacemaker will not fail over'));
  t.equal(r.cluster.maintenanceMode, true);
});

t.test('maintenance of one node (crm_mon fixture of lib/cluster): that node named', async (t) => {
  const r = buildStatus(facts({ crmMon: join(CLUSTER_FIX, 'pcmk2.1.5-crm_mon-xml-maintenance-node.xml'), localNode: 'node1' }));
  t.ok(r.verdict.reasons.some((x) => /node2 is in maintenance/.test(x)), r.verdict.reasons.join(' | '));
  t.equal(r.stack.clone, 'db-clone', 'the only promotable clone, found by shape');
});

t.test('degraded DRBD is not healthy: resyncing, peer unknown, split brain', async (t) => {
  const base = { crmMon: stack('healthy-node2-active'), events: EVENTS, services: svcFile('started') };
  // resync: node1 (the standby, here) is the SyncTarget of node2
  const resync = buildStatus(facts({ ...base, drbd: vm('02-initial-sync-in-progress', 'node2'), localNode: 'node1' }));
  t.equal(resync.verdict.state, 'degraded');
  t.match(resync.drbd[0], { connection: 'Connected', resync: { from: 'node2', to: 'node1', paused: false } });
  t.ok(resync.drbd[0]!.resync!.percent! > 0 && resync.drbd[0]!.resync!.percent! < 100, `percent ${resync.drbd[0]!.resync!.percent}`);
  t.match(resync.verdict.reason, /^DRBD resync node2 → node1 \d+\.\d% done$/);
  t.match(resync.nodes.find((n) => n.name === 'node1'), { drbdDisk: 'Inconsistent', notPromotable: /Inconsistent/ });
  // peer unknown: node2 (here) lost its connection to node1
  const lost = buildStatus(facts({ ...base, drbd: vm('05-peer-killed-primary-wfconnection', 'node1') }));
  t.equal(lost.verdict.state, 'degraded');
  t.match(lost.verdict.reason, /^DRBD r0 not connected to node1 \(Connecting\): the peer's disk is unknown$/);
  t.match(lost.drbd[0]!.peer, { node: 'node1', disk: 'DUnknown' });
  // split brain: StandAlone with data of its own
  const sb = buildStatus(facts({ ...base, drbd: vm('09-split-brain-both-primary-standalone', 'node2') }));
  t.equal(sb.verdict.state, 'degraded');
  t.match(sb.verdict.reason, /^DRBD split brain suspected on r0$/);
  t.equal(sb.drbd[0]!.splitBrain.suspected, true);
  t.ok(sb.drbd[0]!.splitBrain.evidence.some((e) => /StandAlone/.test(e)));
  // StandAlone Inconsistent (capture 11): standalone, not a suspected split brain
  const sa = buildStatus(facts({ ...base, drbd: vm('11-standalone-inconsistent-after-interrupted-sync-i-shall-become-syncsource', 'node1') }));
  t.equal(sa.drbd[0]!.splitBrain.suspected, false);
  t.equal(sa.verdict.state, 'degraded');
});

t.test('the cluster down here: verdict unknown, the DRBD view and a line per missing source still there', async (t) => {
  const r = buildStatus(facts({ crmMon: null, drbd: vm('13-pacemaker-managed-promoted-node2', 'node2'), events: null }));
  t.equal(r.verdict.state, 'unknown');
  t.match(r.verdict.reason, /not running on this node/);
  t.match(r.verdict.reasons[1], /^DRBD r0 here: Primary UpToDate, Connected$/);
  t.equal(r.drbd.length, 1);
  t.equal(r.failover, null);
  t.same(r.sources.filter((s) => !s.ok).map((s) => s.name), ['crm_mon', 'event-log']);
});

t.test('no DRBD tools: report built from the rest, the missing source named once', async (t) => {
  const r = buildStatus(facts({ crmMon: stack('healthy-node2-active'), drbd: null, events: EVENTS, services: svcFile('started') }));
  t.equal(r.drbd.length, 0);
  t.equal(r.activeNode, 'node2');
  // t.match with an array pattern checks a prefix only: the count makes it "once"
  t.match(r.sources.filter((s) => !s.ok), [{ name: 'drbd', detail: /no DRBD tools/ }]);
  t.equal(r.sources.filter((s) => !s.ok).length, 1, 'the only missing source');
  t.match(r.verdict.reason, /; DRBD not visible from here$/, 'a healthy verdict says what it could not see');
});

t.test('--resource: ids override detection (the lab\'s minimal stack: stateful-clone, svc)', async (t) => {
  const fx = join(CLUSTER_FIX, 'pcmk2.1.5-crm_mon-xml-lab-two-node-after-failover-svc-failed.xml');
  const auto = buildStatus(facts({ crmMon: fx, localNode: 'node2' }));
  t.match(auto.stack, { clone: 'stateful-clone', primitive: 'stateful', services: 'svc', fs: null, vip: null, haproxy: null });
  t.equal(auto.activeNode, 'node2');
  t.same(auto.failover!.steps.map((s) => s.kind), ['fencing', 'promote', 'services'], 'only configured parts are steps');
  const given = buildStatus(facts({ crmMon: fx, localNode: 'node2', ids: { clone: 'stateful-clone', fs: 'dummy' } }));
  t.same(given.failover!.steps.map((s) => `${s.kind}:${s.name}`), ['fencing:the lost node', 'promote:stateful', 'mount:dummy', 'services:svc']);
  const none = buildStatus(facts({ crmMon: fx, localNode: 'node2', ids: { clone: 'no-such-clone' } }));
  t.equal(none.verdict.state, 'no-active-node');
  t.equal(none.activeNode, null);
});
