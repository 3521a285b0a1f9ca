import t from 'tap';
import { parsePcsStatus } from '../../lib/cluster/pcs-status.ts';
import { ClusterParseError } from '../../lib/cluster/errors.ts';
import { fixtures, read } from './fixtures.ts';

t.test('every pcs status fixture parses without warnings (snapshot per fixture)', async (t) => {
  const files = [...fixtures(/^pcs/), ...fixtures(/^issue-text-.*\.txt$/)];
  t.ok(files.length >= 30);
  for (const f of files) {
    const s = parsePcsStatus(read(f));
    t.same(s.warnings, [], `${f}: no warnings`);
    t.matchSnapshot(s, f);
  }
});

t.test('pcs 0.11 status --full: summary, ids, attributes, promotion scores', async (t) => {
  const s = parsePcsStatus(read('pcs0.11.5-status-full-two-node-healthy.txt'));
  t.match(s, { layout: 'pcs0.11', kind: 'status', clusterName: 'ocfkit-lab', dc: 'node1', dcId: '1', quorum: true, maintenanceMode: false, nodesConfigured: 2, resourcesConfigured: 7 });
  t.same(s.nodes.map((n) => [n.name, n.id, n.online, n.isDc, n.featureSet]), [['node1', '1', true, true, '<3.15.1'], ['node2', '2', true, false, '<3.15.1']]);
  t.same(s.promotionScores, { node1: { db: 10 }, node2: { db: 5 } });
  t.match(s.instances.find((i) => i.id === 'db' && i.nodes[0] === 'node1'), { cloneId: 'db-clone', role: 'Promoted', agent: 'ocf:pacemaker:Stateful' });
  t.match(s.limits, { knowsNodeIds: true, knowsNodeAttributes: true, knowsAllInstanceAgents: true, knowsOperationHistory: false, knowsBans: false });
  t.notOk(s.unknown.includes('promotionScores'));
});

t.test('plain pcs status: collapsed clones, no attributes; limits say so', async (t) => {
  const s = parsePcsStatus(read('pcs0.11.5-status-two-node-healthy.txt'));
  t.match(s.instances.find((i) => i.cloneId === 'db-clone' && i.role === 'Unpromoted'), { id: 'db', nodes: ['node2'], agent: null });
  t.same(s.instances.filter((i) => i.cloneId === 'ping-clone').map((i) => i.nodes), [['node1'], ['node2']]);
  t.match(s.limits, { knowsNodeIds: false, knowsNodeAttributes: false, knowsAllInstanceAgents: false });
  t.ok(s.unknown.includes('promotionScores'));
  t.ok(s.unknown.includes('instances[].agent (collapsed clone members)'));
});

t.test('node states', async (t) => {
  const node2 = (f: string) => parsePcsStatus(read(f)).nodes.find((n) => n.name === 'node2')!;
  t.match(node2('pcs0.11.5-status-standby-node.txt'), { online: true, standby: true });
  t.match(node2('pcs0.11.5-status-offline-node.txt'), { online: false, standby: false });
  t.match(node2('pcs0.11.5-status-unclean-node.txt'), { online: false, unclean: true });
  t.match(node2('pcs0.11.5-status-maintenance-node.txt'), { online: true, maintenance: true });
  t.equal(parsePcsStatus(read('pcs0.11.5-status-maintenance-cluster.txt')).maintenanceMode, true);
  const pending = parsePcsStatus(read('issue-text-pcs-pcmk2.1.10-status-pending-node-failed-actions.txt'));
  t.match(pending.nodes.find((n) => n.name === 'master-1'), { pending: true, online: false });
});

t.test('failed actions: --full detail and the short 2.1 form', async (t) => {
  const full = parsePcsStatus(read('pcs0.11.5-status-full-failed-actions.txt'));
  t.same(full.failures.map((f) => [f.resource, f.node, f.task, f.exitCode, f.exitReason, f.status]), [
    ['web', 'node1', 'monitor', 1, 'state file /run/web.state is missing', 'complete'],
    ['db', 'node2', 'start', 5, 'database binary /usr/bin/db not found', 'complete'],
    ['ping', 'node2', 'start', 1, null, 'Timed Out'],
  ]);
  const short = parsePcsStatus(read('pcs0.11.5-status-failed-actions.txt'));
  t.same(short.failures.map((f) => [f.resource, f.node, f.task, f.intervalMs, f.exitCode, f.exitReason, f.status]), [
    ['web', 'node1', 'monitor', 10_000, 1, 'state file /run/web.state is missing', 'complete'],
    ['db', 'node2', 'start', 0, 5, 'database binary /usr/bin/db not found', 'complete'],
    ['ping', 'node2', 'start', 0, null, null, 'Timed Out'],
  ]);
  t.match(short.pcsWarnings[0], /moved and their move constraints/);
  t.match(full.instances.find((i) => i.id === 'old-rsc'), { orphaned: true, role: 'Started' });
  t.match(full.instances.find((i) => i.id === 'batch'), { role: 'Stopped', targetRole: 'Stopped' });
  t.match(full.instances.find((i) => i.id === 'app'), { managed: false });
  t.match(full.instances.find((i) => i.id === 'db' && i.nodes[0] === 'node2'), { failed: true, role: 'Unpromoted' });
  t.equal(full.migrationSummary.find((m) => m.resource === 'db')?.failCount, 1_000_000);
});

t.test('pcs status resources and bundles', async (t) => {
  const s = parsePcsStatus(read('pcs0.11.5-status-resources-bundle.txt'));
  t.match(s, { kind: 'resources', dc: null, quorum: null, maintenanceMode: null });
  t.match(s.limits, { knowsNodes: false, knowsSummary: false, knowsFailures: false });
  t.ok(s.unknown.includes('dc'));
  t.match(s.instances.find((i) => i.id === 'web-bundle-0'), { bundleId: 'web-bundle', replica: 0, agent: 'ocf:heartbeat:apache', nodes: ['node1'] });
  const full = parsePcsStatus(read('pcs0.11.5-status-full-bundle.txt'));
  t.match(full.instances.find((i) => i.id === 'httpd' && i.replica === 0), { bundleId: 'web-bundle', nodes: ['web-bundle-0'] });
  t.match(full.nodes.find((n) => n.name === 'web-bundle-0'), { type: 'guest', online: true });
});

t.test('pcs 0.9 / Pacemaker 1.1 layout (derived from published issue text)', async (t) => {
  const ms = parsePcsStatus(read('issue-text-pcmk1.1-master-slave-set-unmanaged.txt'));
  t.equal(ms.layout, 'pcs0.9');
  t.same(ms.instances.map((i) => [i.id, i.cloneId, i.role, i.nodes, i.agent, i.managed]), [
    ['drbd1', 'ms-drbd1', 'Promoted', ['dktest1'], 'ocf:heartbeat:drbd', false],
    ['drbd1', 'ms-drbd1', 'Unpromoted', ['dktest2'], 'ocf:heartbeat:drbd', false],
  ]);
  t.equal(ms.collections[0]!.promotable, true);
  const legacy = parsePcsStatus(read('issue-text-crm_mon2.0.2-legacy-layout-unclean-node.txt'));
  t.match(legacy, { dc: 'rh76hv-02', quorum: false });
  t.match(legacy.nodes.find((n) => n.name === 'rh76hv-01'), { unclean: true, online: false });
  t.same(legacy.instances.map((i) => [i.id, i.groupId]), [['prmStonith1-2', 'grpStonith1'], ['prmStonith2-2', 'grpStonith2']]);
  const collapsed = parsePcsStatus(' Master/Slave Set: ms [d]\n     Masters: [ a ]\n     Slaves: [ b ]\n');
  t.same(collapsed.instances.map((i) => [i.role, i.nodes]), [['Promoted', ['a']], ['Unpromoted', ['b']]]);
});

t.test('oddities are warnings with line numbers; non-status text is a typed error', async (t) => {
  const s = parsePcsStatus('Cluster name: x\nCluster Summary:\n  * Current DC: a (version 1) - partition with quorum\n\nFull List of Resources:\n  * r\t(ocf:h:D):\t Sideways a\n  * what is this\n');
  t.equal(s.instances[0]!.role, 'Unknown');
  t.same(s.warnings.map((w) => w.line), [6, 7]);
  const e = t.throws(() => parsePcsStatus('hello world\n')) as ClusterParseError;
  t.ok(e instanceof ClusterParseError);
  t.match(e, { source: 'pcs-status', line: 1 });
  t.match(t.throws(() => parsePcsStatus('  \n')), { source: 'pcs-status', reason: 'empty input' });
});
