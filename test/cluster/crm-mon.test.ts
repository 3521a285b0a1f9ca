import t from 'tap';
import { parseCrmMonXml } from '../../lib/cluster/crm-mon.ts';
import { ClusterParseError } from '../../lib/cluster/errors.ts';
import { fixtures, read } from './fixtures.ts';

const files = fixtures(/crm_mon-(xml|as-xml)|crm_mon-as-xml/);

t.test('every crm_mon fixture parses without warnings (snapshot per fixture)', async (t) => {
  t.ok(files.length >= 19, `${files.length} fixtures`);
  for (const f of files) {
    const s = parseCrmMonXml(read(f));
    t.same(s.warnings, [], `${f}: no warnings`);
    t.matchSnapshot(s, f);
  }
});

const both = (scenario: string) => [`pcmk2.1.5-crm_mon-xml-${scenario}.xml`, `pcmk2.1.5-crm_mon-as-xml-${scenario}.xml`];
const inst = (s: ReturnType<typeof parseCrmMonXml>, id: string, node?: string) =>
  s.instances.find((i) => i.id === id && (node === undefined || i.nodes.includes(node)));

t.test('healthy two-node pair: summary, nodes, promotable clone, group, scores', async (t) => {
  for (const f of both('two-node-healthy')) {
    const s = parseCrmMonXml(read(f));
    t.equal(s.format, f.includes('as-xml') ? 'crm_mon' : 'pacemaker-result');
    t.equal(s.dc, 'node1');
    t.equal(s.quorum, true);
    t.equal(s.maintenanceMode, false);
    t.equal(s.stonithEnabled, true);
    t.equal(s.noQuorumPolicy, 'ignore');
    t.same(s.nodes.map((n) => [n.name, n.online, n.isDc, n.type]), [['node1', true, true, 'member'], ['node2', true, false, 'member']]);
    t.match(inst(s, 'db', 'node1'), { cloneId: 'db-clone', role: 'Promoted', agent: 'ocf:pacemaker:Stateful', managed: true, failed: false });
    t.match(inst(s, 'db', 'node2'), { role: 'Unpromoted' });
    t.match(inst(s, 'web'), { groupId: 'g-web', cloneId: null, role: 'Started', nodes: ['node1'] });
    t.same(s.promotionScores, { node1: { db: 10 }, node2: { db: 5 } });
    t.equal(s.collections.find((c) => c.id === 'db-clone')?.promotable, true);
    t.equal(s.collections.find((c) => c.id === 'ping-clone')?.promotable, false);
  }
});

t.test('standby, offline, unclean and maintenance nodes', async (t) => {
  const node2 = (scenario: string) => both(scenario).map((f) => parseCrmMonXml(read(f)).nodes.find((n) => n.name === 'node2')!);
  for (const n of node2('standby-node')) t.match(n, { online: true, standby: true, maintenance: false });
  for (const n of node2('offline-node')) t.match(n, { online: false, unclean: false });
  for (const n of node2('unclean-node')) t.match(n, { online: false, unclean: true });
  for (const n of node2('maintenance-node')) t.match(n, { online: true, maintenance: true });
  for (const f of both('maintenance-cluster')) {
    const s = parseCrmMonXml(read(f));
    t.equal(s.maintenanceMode, true);
    t.ok(s.instances.every((i) => !i.managed), 'everything unmanaged');
  }
  const sched = parseCrmMonXml(read('pcmk2.1.5-crm_mon-xml-sched-bug-5028-detach-maintenance-mode.xml'));
  t.equal(sched.maintenanceMode, true);
  t.equal(sched.dc, 'bl460g6b');
  const noDc = parseCrmMonXml(read('pcmk2.1.5-crm_mon-xml-sched-node-maintenance-1.xml'));
  t.equal(noDc.dc, null);
  t.equal(noDc.quorum, false);
  t.match(noDc.nodes.find((n) => n.name === 'node2'), { maintenance: true });
});

t.test('failed actions with exit reasons, bans, orphan, unmanaged, disabled', async (t) => {
  for (const f of both('failed-actions')) {
    const s = parseCrmMonXml(read(f));
    t.same(
      s.failures.map((x) => [x.resource, x.node, x.task, x.exitCode, x.exitReason, x.status]),
      [
        ['web', 'node1', 'monitor', 1, 'state file /run/web.state is missing', 'complete'],
        ['db', 'node2', 'start', 5, 'database binary /usr/bin/db not found', 'complete'],
        ['ping', 'node2', 'start', 1, null, 'Timed Out'],
      ],
    );
    t.equal(s.failures[0]!.intervalMs, 10_000);
    t.match(inst(s, 'web'), { failed: true });
    t.match(inst(s, 'app'), { managed: false, role: 'Started' });
    t.match(inst(s, 'batch'), { role: 'Stopped', targetRole: 'Stopped', active: false });
    t.same(inst(s, 'batch')!.nodes, [], 'batch runs nowhere'); // (`nodes: []` in t.match matches any list)
    t.match(inst(s, 'old-rsc'), { orphaned: true });
    t.match(s.bans.find((b) => b.id === 'cli-ban-web-on-node2'), { resource: 'web', node: 'node2', weight: -1_000_000, promotedOnly: false });
    const web = s.history.find((h) => h.node === 'node1' && h.resource === 'web')!;
    t.equal(web.failCount, 1);
    t.equal(web.operations.find((o) => o.task === 'monitor')?.intervalMs, 10_000);
  }
});

t.test('bundles flatten to replicas', async (t) => {
  for (const f of [...both('bundle'), 'pcmk2.1.5-crm_mon-as-xml-cts-cli-bundle-promotable.xml']) {
    const s = parseCrmMonXml(read(f));
    const replicas = s.instances.filter((i) => i.bundleId !== null);
    t.ok(replicas.length >= 8, `${f}: replica members`);
    t.ok(replicas.every((i) => i.replica !== null));
    t.ok(s.nodes.some((n) => n.type === 'remote' || n.type === 'guest'), 'bundle nodes are typed');
  }
  const s = parseCrmMonXml(read('pcmk2.1.5-crm_mon-xml-bundle.xml'));
  t.match(s.instances.find((i) => i.id === 'httpd' && i.replica === 0), { role: 'Started', nodes: ['web-bundle-0'], agent: 'ocf:heartbeat:apache' });
  t.equal(s.collections.find((c) => c.kind === 'bundle')?.image, 'localhost/web:1');
});

t.test('legacy Pacemaker 1.1 crm_mon -X: Master/Slave and ocf:: normalised, nested resources', async (t) => {
  const s = parseCrmMonXml(read('upstream-ha_cluster_exporter-crm_mon-as-xml-pcmk1.1.18-hana-master-slave.xml'));
  t.equal(s.format, 'crm_mon');
  t.equal(s.dc, 'hana01');
  const hana = s.instances.filter((i) => i.id === 'rsc_SAPHana_PRD_HDB00');
  t.same(hana.map((i) => [i.role, i.nodes, i.agent]), [
    ['Promoted', ['hana01'], 'ocf:suse:SAPHana'],
    ['Unpromoted', ['hana02'], 'ocf:suse:SAPHana'],
  ]);
  t.same(s.promotionScores, { hana01: { rsc_SAPHana_PRD_HDB00: 150 }, hana02: { rsc_SAPHana_PRD_HDB00: 100 } });
  t.equal(s.bans[0]!.resource, 'msl_SAPHana_PRD_HDB00');
  t.equal(s.history[0]!.failCount, 1_000_000);
});

t.test('unknown roles and elements are warnings; structural problems are typed errors', async (t) => {
  const s = parseCrmMonXml(
    '<pacemaker-result api-version="9"><resources><resource id="x" resource_agent="ocf::h:D" role="Sideways" managed="true"/><widget/></resources><gizmo/></pacemaker-result>',
  );
  t.equal(s.instances[0]!.role, 'Unknown');
  t.equal(s.instances[0]!.agent, 'ocf:h:D');
  // Unknown elements are left out while parsing (never built): on one line, their warnings come first.
  t.same(s.warnings.map((w) => w.path), ['/pacemaker-result/resources[1]/widget[1]', '/pacemaker-result/gizmo[1]', '/pacemaker-result/resources[1]/resource[1]']);
  t.match(s.warnings[2]!.message, /unknown role "Sideways"/);
  const e = t.throws(() => parseCrmMonXml('<pacemaker-result><nodes><node id="1"/></nodes></pacemaker-result>')) as ClusterParseError;
  t.ok(e instanceof ClusterParseError);
  t.equal(e.source, 'crm_mon-xml');
  t.equal(e.path, '/pacemaker-result/nodes[1]/node[1]');
  t.match(e.message, /has no name attribute/);
  t.match(t.throws(() => parseCrmMonXml('<cib/>')), { source: 'crm_mon-xml', path: '/cib' });
  t.match(t.throws(() => parseCrmMonXml('<!DOCTYPE x><x/>')), { source: 'crm_mon-xml', reason: /DOCTYPE/ });
});

t.test('the not-connected result crm_mon prints with exit 102', async (t) => {
  const s = parseCrmMonXml('<pacemaker-result api-version="2.25"><status code="102" message="Not connected"><errors><error>x</error></errors></status></pacemaker-result>');
  t.same(s.result, { code: 102, message: 'Not connected' });
});
