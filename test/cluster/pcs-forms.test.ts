/**
 * Every `pcs status` form, captured live from the two-node lab in seven states
 * (test/fixtures/cluster/lab-forms, capture-forms.sh), and the pcs 0.9 / Corosync 2 forms from
 * public issue text (issue-forms): each parses, without warnings, into the kind its command
 * prints; what a failing form really prints (empty stdout, `Error:` on stderr) has an explicit
 * answer; text that is no form is a typed error with its line.
 */
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { parsePcsStatus } from '../../lib/cluster/pcs-status.ts';
import { ClusterParseError } from '../../lib/cluster/errors.ts';
import type { PcsStatusKind } from '../../lib/cluster/pcs-model.ts';
import { FIXTURES } from './fixtures.ts';

const LAB = `${FIXTURES}lab-forms/`;
const OLD = `${FIXTURES}issue-forms/`;
const lab = (name: string) => readFileSync(LAB + name);
const old = (name: string) => readFileSync(OLD + name);

export const LAB_SCENARIOS = ['healthy', 'standby-node', 'maintenance-node', 'maintenance-cluster', 'failed-action', 'killed-node', 'no-quorum'];

/** Form (file name part) → the kind the parser must detect. */
export const FORMS: Record<string, PcsStatusKind> = {
  status: 'status', 'status-full': 'status', 'status-hide-inactive': 'status', 'status-resources': 'resources',
  'status-nodes': 'nodes', 'status-nodes-both': 'nodes', 'status-nodes-config': 'nodes', 'status-nodes-corosync': 'nodes',
  'status-cluster': 'cluster', 'status-corosync': 'corosync', 'status-quorum': 'quorum', 'status-pcsd': 'pcsd',
  'status-xml': 'xml',
};

/** Forms that fail in every lab state: exit 1, nothing on stdout, pcs's reason on stderr. */
const FAILING: Record<string, string> = {
  'status-resources-full': "Specified option '--full' is not supported in this command",
  'status-qdevice-net': 'unable to run command /usr/bin/corosync-qnetd-tool -s: No such file or directory',
  'status-booth': 'unable to run command /usr/sbin/booth status -c booth: No such file or directory',
};

/** The exit codes capture-forms.sh recorded: form → scenario → code. */
function exitCodes(): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(LAB + 'exit-codes.tsv', 'utf8').split('\n').filter(Boolean)) {
    const [form, scenario, rc] = line.split('\t');
    out.set(`${form} ${scenario}`, Number(rc));
  }
  return out;
}

t.test('every form × every scenario: stdout parses into its kind, without warnings', async (t) => {
  const codes = exitCodes();
  let parsed = 0;
  for (const scenario of LAB_SCENARIOS) {
    for (const [form, kind] of Object.entries(FORMS)) {
      const name = `pcs-0.11.5-${form}-${scenario}.txt`;
      const bytes = lab(name);
      if (bytes.length === 0) {
        // pcs status quorum without quorum: pcs fails (exit 1, stderr only). Checked below.
        t.equal(`${form} ${scenario}`, 'status-quorum no-quorum', `${name}: only this capture is empty`);
        continue;
      }
      const s = parsePcsStatus(bytes);
      t.equal(s.kind, kind, `${name}: kind`);
      t.same(s.warnings, [], `${name}: no warnings`);
      t.ok(codes.has(`${form} ${scenario}`), `${name}: exit code recorded`);
      parsed++;
    }
  }
  t.equal(parsed, LAB_SCENARIOS.length * Object.keys(FORMS).length - 1);
  t.equal(readdirSync(LAB).filter((f) => f.endsWith('.txt')).length, LAB_SCENARIOS.length * (Object.keys(FORMS).length + Object.keys(FAILING).length));
});

t.test('what failing forms really print has an explicit answer', async (t) => {
  const codes = exitCodes();
  for (const scenario of LAB_SCENARIOS) {
    // pcs 0.11.5 refuses `status resources --full`; qdevice and booth need tools Debian's pcs
    // does not pull in: exit 1, nothing on stdout, one Error line on stderr.
    for (const [form, reason] of Object.entries(FAILING)) {
      t.equal(codes.get(`${form} ${scenario}`), 1, `${form} ${scenario}: exit 1`);
      t.equal(lab(`pcs-0.11.5-${form}-${scenario}.txt`).length, 0);
      const empty = t.throws(() => parsePcsStatus(lab(`pcs-0.11.5-${form}-${scenario}.txt`))) as ClusterParseError;
      t.match(empty, { source: 'pcs-status', reason: 'empty input', line: 1 });
      const err = parsePcsStatus(lab(`pcs-0.11.5-${form}-${scenario}.stderr`));
      // (in t.match an empty array matches any array: the empty ones are checked with t.same)
      t.match(err, { kind: 'error', pcsErrors: [reason], layout: 'common' });
      t.same(err.warnings, [], `${form} ${scenario}: no warnings`);
      t.ok(err.unknown.includes('nodes') && err.unknown.includes('instances') && err.unknown.includes('quorum'));
    }
    // No pcsd in the lab: `status pcsd` exits 2 with every node Offline, a Warning on stderr.
    t.equal(codes.get(`status-pcsd ${scenario}`), 2);
    t.same(parsePcsStatus(lab(`pcs-0.11.5-status-pcsd-${scenario}.txt`)).pcsdStatus, { node1: 'Offline', node2: 'Offline' });
    const pcsdStderr = parsePcsStatus(lab(`pcs-0.11.5-status-pcsd-${scenario}.stderr`));
    t.match(pcsdStderr, { kind: 'error', pcsWarnings: [/known-hosts/] });
    t.same(pcsdStderr.pcsErrors, [], 'a warning, no error');
  }
  // Without quorum pcs 0.11.5 cannot print quorum status at all (corosync-quorumtool -p exits 2).
  t.equal(codes.get('status-quorum no-quorum'), 1);
  t.match(parsePcsStatus(lab('pcs-0.11.5-status-quorum-no-quorum.stderr')), { kind: 'error', pcsErrors: ['Unable to get quorum status:'] });
  // Merged as a script runs it (`2>&1`): the output, then pcs's warning.
  const merged = Buffer.concat([lab('pcs-0.11.5-status-cluster-healthy.txt'), lab('pcs-0.11.5-status-cluster-healthy.stderr')]);
  const m = parsePcsStatus(merged);
  t.match(m, { kind: 'cluster', pcsWarnings: [/known-hosts/], pcsdStatus: { node1: 'Offline' } });
  t.same(m.warnings, [], 'the merged warning is no parse warning');
});

t.test('status nodes: lists by state, and the nodes they describe', async (t) => {
  const standby = parsePcsStatus(lab('pcs-0.11.5-status-nodes-standby-node.txt'));
  t.same(standby.nodeLists!.pacemaker, { online: ['node1'], standby: ['node2'], standbyWithResources: [], maintenance: [], offline: [] });
  t.same(standby.nodeLists!.pacemakerRemote, { online: [], standby: [], standbyWithResources: [], maintenance: [], offline: [] });
  t.equal(standby.nodeLists!.corosync, null);
  t.equal(standby.nodeLists!.configured, null);
  t.match(standby.nodes.find((n) => n.name === 'node2'), { online: true, standby: true, resourcesRunning: 0, unclean: false });
  t.match(standby.limits, { knowsNodes: true, knowsResources: false, knowsSummary: false, knowsFailures: false });
  t.ok(standby.unknown.includes('nodes[].unclean'));
  t.ok(standby.unknown.includes('instances'));
  t.match(parsePcsStatus(lab('pcs-0.11.5-status-nodes-maintenance-node.txt')).nodeLists!.pacemaker, { maintenance: ['node2'], online: ['node1'] });
  const both = parsePcsStatus(lab('pcs-0.11.5-status-nodes-both-killed-node.txt'));
  t.same(both.nodeLists!.corosync, { online: ['node1'], offline: ['node2'] });
  t.same(both.nodeLists!.pacemaker!.offline, ['node2']);
  t.match(both.nodes.find((n) => n.name === 'node2'), { online: false });
  const corosync = parsePcsStatus(lab('pcs-0.11.5-status-nodes-corosync-healthy.txt'));
  t.same(corosync.nodeLists, { pacemaker: null, pacemakerRemote: null, corosync: { online: ['node1', 'node2'], offline: [] }, configured: null });
  t.same(corosync.nodes, [], 'corosync membership is not pacemaker node state');
  t.equal(corosync.limits.knowsNodes, false);
  const config = parsePcsStatus(lab('pcs-0.11.5-status-nodes-config-killed-node.txt'));
  t.same(config.nodeLists, { pacemaker: null, pacemakerRemote: null, corosync: null, configured: { corosync: ['node1', 'node2'], pacemaker: ['node1', 'node2'] } });
  t.same(config.nodes, []);
  // No quorum: node2 is UNCLEAN (never fenced); the nodes form can only say Offline.
  t.same(parsePcsStatus(lab('pcs-0.11.5-status-nodes-no-quorum.txt')).nodeLists!.pacemaker!.offline, ['node2']);
});

t.test('status cluster: summary and node list under "Cluster Status:", then PCSD Status', async (t) => {
  const s = parsePcsStatus(lab('pcs-0.11.5-status-cluster-killed-node.txt'));
  t.match(s, { kind: 'cluster', layout: 'pcs0.11', stack: 'corosync', dc: 'node1', quorum: true, nodesConfigured: 2, resourcesConfigured: 6, pacemakerdState: 'Pacemaker is running' });
  t.same(s.nodes.map((n) => [n.name, n.online, n.isDc]), [['node1', true, true], ['node2', false, false]]);
  t.same(s.pcsdStatus, { node1: 'Offline', node2: 'Offline' });
  t.match(s.limits, { knowsSummary: true, knowsNodes: true, knowsResources: false, knowsFailures: false });
  t.same(s.instances, []);
  t.ok(s.unknown.includes('instances') && s.unknown.includes('failures'));
  t.equal(parsePcsStatus(lab('pcs-0.11.5-status-cluster-maintenance-cluster.txt')).maintenanceMode, true);
  t.equal(parsePcsStatus(lab('pcs-0.11.5-status-cluster-no-quorum.txt')).quorum, false);
  t.match(parsePcsStatus(lab('pcs-0.11.5-status-cluster-no-quorum.txt')).nodes.find((n) => n.name === 'node2'), { unclean: true, online: false });
});

t.test('status corosync and status quorum: membership and votequorum', async (t) => {
  const c = parsePcsStatus(lab('pcs-0.11.5-status-corosync-healthy.txt'));
  t.match(c, { kind: 'corosync', quorum: null, quorumInfo: null });
  t.same(c.membership, [
    { nodeId: '1', votes: 1, qdevice: null, name: 'node1', local: true },
    { nodeId: '2', votes: 1, qdevice: null, name: 'node2', local: false },
  ]);
  t.ok(c.unknown.includes('quorum'));
  const q = parsePcsStatus(lab('pcs-0.11.5-status-quorum-healthy.txt'));
  t.match(q, { kind: 'quorum', quorum: true, limits: { knowsMembership: true, knowsVotequorum: true, knowsSummary: false } });
  t.match(q.quorumInfo, { provider: 'corosync_votequorum', nodes: 2, nodeId: '1', quorate: true, expectedVotes: 2, highestExpected: 2, totalVotes: 2, quorum: 1, quorumNote: null, flags: ['2Node', 'Quorate', 'WaitForAll'] });
  t.same(q.quorumInfo!.extra, {}, 'every line known'); // (an empty object in t.match matches any object)
  t.match(q.quorumInfo!.ringId, /^\d+\.[0-9a-f]+$/);
  t.same(q.membership!.map((m) => [m.name, m.qdevice, m.local]), [['node1', 'NR', true], ['node2', 'NR', false]]);
  t.notOk(q.unknown.includes('quorum'));
  t.ok(q.unknown.includes('dc'));
  const killed = parsePcsStatus(lab('pcs-0.11.5-status-quorum-killed-node.txt'));
  t.match(killed.quorumInfo, { nodes: 1, totalVotes: 1, quorate: true });
  t.same(parsePcsStatus(lab('pcs-0.11.5-status-corosync-no-quorum.txt')).membership!.map((m) => m.name), ['node1']);
});

t.test('status xml: crm_mon XML through the crm_mon parser, whole in crmMon', async (t) => {
  for (const scenario of LAB_SCENARIOS) {
    const s = parsePcsStatus(lab(`pcs-0.11.5-status-xml-${scenario}.txt`));
    t.match(s, { kind: 'xml', layout: 'common', limits: { knowsSummary: true, knowsResources: true, knowsNodeIds: true } });
    t.equal(s.crmMon!.source, 'crm_mon-xml');
    t.equal(s.dc, s.crmMon!.dc);
    t.same(s.instances, s.crmMon!.instances);
    t.same(s.unknown, ['clusterName', 'pcsdStatus', 'daemonStatus', 'membership', 'quorumInfo', 'nodeLists']);
  }
  // Its errors are the crm_mon parser's, typed, with the element path and line.
  const e = t.throws(() => parsePcsStatus('<pacemaker-result>\n<nodes><node/></nodes></pacemaker-result>')) as ClusterParseError;
  t.match(e, { source: 'pcs-status', path: '/pacemaker-result/nodes[1]/node[1]', line: 2, reason: /^crm_mon XML \(pcs status xml\): <node> has no name/ });
});

t.test('status --full and --hide-inactive in the new scenarios', async (t) => {
  const full = parsePcsStatus(lab('pcs-0.11.5-status-full-failed-action.txt'));
  t.match(full.failures, [{ resource: 'dummy', task: 'monitor', status: 'complete' }]);
  t.ok(full.limits.knowsNodeIds);
  const hide = parsePcsStatus(lab('pcs-0.11.5-status-hide-inactive-standby-node.txt'));
  // 6 instances configured, the 4 active ones listed (as in the capture): each read, none invented as Stopped
  // (an `every(role !== 'Stopped')` also held for an empty list, i.e. for a form not understood at all)
  t.same(hide.instances.map((i) => [i.id, i.role, i.nodes]), [
    ['fence-node2', 'Started', ['node1']],
    ['dummy', 'Started', ['node1']],
    ['db', 'Promoted', ['node1']],
    ['web', 'Started', ['node1']],
  ], 'inactive instances hidden');
  t.equal(parsePcsStatus(lab('pcs-0.11.5-status-no-quorum.txt')).quorum, false);
});

t.test('pcs 0.9 and Corosync 2 forms (public issue text)', async (t) => {
  const cluster = parsePcsStatus(old('issue-text-pcs0.9.115-status-cluster.txt'));
  t.match(cluster, { kind: 'cluster', layout: 'pcs0.9', stack: 'cman', dc: 'node0-priv', dcId: null, quorum: true, dcVersion: '1.1.10-1.el6_4.4-368c726', nodesConfigured: 2, resourcesConfigured: 12 });
  t.equal(cluster.limits.knowsNodes, false, 'the 0.9 cluster form stops before the node list');
  t.ok(cluster.unknown.includes('nodes'));
  const pcsdError = parsePcsStatus(old('issue-text-pcs0.9.115-cluster-status-pcsd-error.txt'));
  t.match(pcsdError, { kind: 'cluster', pcsErrors: ['no nodes found in corosync.conf'] });
  t.same(pcsdError.pcsdStatus, {}, 'no pcsd status line');
  const mapping = parsePcsStatus(old('issue-text-pcs0.9-status-nodes-corosync-error-mapping.txt'));
  t.match(mapping, { kind: 'nodes', pcsErrors: ['Error mapping c7-velleros-sde2a', 'Error mapping c7-velleros-sde2b'] });
  t.same(mapping.nodeLists!.corosync, { online: [], offline: ['c7-velleros-sde2a', 'c7-velleros-sde2b'] });
  const qdevice = parsePcsStatus(old('issue-text-corosync2-quorumtool-qdevice.txt'));
  t.match(qdevice.quorumInfo, { ringId: '1/139', expectedVotes: 3, totalVotes: 3, quorum: 2, flags: ['Quorate', 'Qdevice'] });
  t.same(qdevice.membership!.map((m) => [m.nodeId, m.qdevice, m.name, m.local]), [['1', 'A,V,NMW', 'nfs01', true], ['2', 'A,V,NMW', 'nfs02', false], ['0', null, 'Qdevice', false]]);
  const twoNode = parsePcsStatus(old('issue-text-corosync2-quorumtool-two-node.txt'));
  t.same(twoNode.membership!.map((m) => [m.nodeId, m.name]), [['739312183', 'c1'], ['739312184', 'c2']]);
  const withoutQuorum = parsePcsStatus(old('issue-text-pcs0.9-pcmk1.1.15-status-without-quorum.txt'));
  t.match(withoutQuorum, { kind: 'status', layout: 'pcs0.9', quorum: false, resourcesConfigured: 0 });
  t.same(withoutQuorum.instances, [], 'no resource configured, none listed');
  const v10 = parsePcsStatus(old('issue-text-pcs0.9.157-pcmk1.1.10-status.txt'));
  t.match(v10, { dcId: '1', dcVersion: '1.1.10-42f2063', nodesConfigured: 2, resourcesConfigured: 2, quorum: false });
  t.same(v10.instances.map((i) => [i.id, i.groupId, i.agent, i.role]), [['ClusterIP', 'resource-cluster', 'ocf:heartbeat:IPaddr2', 'Started'], ['resource1', 'resource-cluster', 'lsb:resource1', 'Stopped']]);
  // no warnings for any of these files (t.same: in t.match `warnings: []` matches any list)
  for (const f of readdirSync(OLD)) t.same(parsePcsStatus(old(f)).warnings, [], `${f}: no warnings`);
});

t.test('text that is no form: a typed error with its line', async (t) => {
  const cases: [string, number][] = [
    ['hello world\n', 1],
    ['\n\n  \nsome random text\nmore\n', 4],
    ['Cluster Status:\nPCSD Status:\n', 1],
    ['  node1 is fine\n', 1],
  ];
  for (const [text, line] of cases) {
    const e = t.throws(() => parsePcsStatus(text)) as ClusterParseError;
    t.ok(e instanceof ClusterParseError, JSON.stringify(text));
    t.match(e, { source: 'pcs-status', line }, JSON.stringify(text));
  }
  // Garbage inside a form is a warning with its line, never an exception.
  const s = parsePcsStatus('Pacemaker Nodes:\n Online: a\n what is this\n');
  t.same(s.warnings.map((w) => w.line), [3]);
  const q = parsePcsStatus('Quorum information\n------------------\nQuorate: Yes\nnonsense here\n');
  t.same(q.warnings.map((w) => w.line), [4]);
});
