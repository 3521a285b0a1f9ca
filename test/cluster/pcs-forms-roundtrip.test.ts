/**
 * Round trip on the live captures (lab-forms): for each of the seven states, crm_mon XML taken
 * at the same moment and every `pcs status` form agree on every field the form holds.
 */
import t from 'tap';

type Test = import('tap').Test;
import { readFileSync } from 'node:fs';
import { parseCrmMonXml } from '../../lib/cluster/crm-mon.ts';
import { parsePcsStatus } from '../../lib/cluster/pcs-status.ts';
import type { ClusterStatus, NodeStatus, ResourceInstance } from '../../lib/cluster/model.ts';
import type { PcsStatus } from '../../lib/cluster/pcs-model.ts';
import { FIXTURES } from './fixtures.ts';

const LAB = `${FIXTURES}lab-forms/`;
const CIB_FORMS = `${FIXTURES}cib-forms/`;
const SCENARIOS_CIB = ['two-node-healthy', 'standby-node', 'offline-node', 'unclean-node', 'maintenance-node', 'maintenance-cluster', 'failed-actions', 'bundle', 'constraints'];
const SCENARIOS = ['healthy', 'standby-node', 'maintenance-node', 'maintenance-cluster', 'failed-action', 'killed-node', 'no-quorum'];

const read = (name: string) => readFileSync(LAB + name);
const pcs = (form: string, s: string) => parsePcsStatus(read(`pcs-0.11.5-${form}-${s}.txt`));
const key = (i: ResourceInstance) =>
  JSON.stringify([i.id, i.cloneId, i.groupId, i.bundleId, i.replica, i.role, i.nodes, i.managed, i.failed, i.orphaned]);
const nodeFields = (n: NodeStatus) => [n.name, n.type, n.online, n.standby, n.maintenance, n.unclean, n.pending, n.isDc];

function summary(t: Test, text: PcsStatus, xml: ClusterStatus): void {
  t.ok(text.limits.knowsSummary, 'the form has a summary');
  for (const f of ['dc', 'quorum', 'maintenanceMode', 'dcVersion', 'nodesConfigured', 'resourcesConfigured', 'stack'] as const) {
    t.equal(text[f], xml[f], f);
  }
}

/**
 * pcs status nodes: pcs 0.11's own classification of crm_mon's nodes (pcs/status.py,
 * nodes_status): crm_mon's type="remote" (our remote and guest) apart; standby and maintenance
 * are two tests, not one choice.
 */
function expectedLists(xml: ClusterStatus, remote: boolean) {
  const out = { online: [] as string[], standby: [] as string[], standbyWithResources: [] as string[], maintenance: [] as string[], offline: [] as string[] };
  for (const n of xml.nodes.filter((x) => (x.type !== 'member') === remote)) {
    if (!n.online) out.offline.push(n.name);
    else {
      if (n.standby) (n.resourcesRunning !== 0 ? out.standbyWithResources : out.standby).push(n.name);
      if (n.maintenance) out.maintenance.push(n.name);
      if (!n.standby && !n.maintenance) out.online.push(n.name);
    }
  }
  return out;
}

/** What `nodes[]` of the nodes form holds of a node: name, member or not, online, standby, maintenance. */
const listed = (n: NodeStatus) => [n.name, n.type === 'member', n.online, n.online && n.standby, n.online && n.maintenance];

for (const s of SCENARIOS) {
  t.test(s, async (t) => {
    const xml = parseCrmMonXml(read(`pcmk2.1.5-crm_mon-xml-${s}.xml`));

    for (const form of ['status', 'status-full', 'status-hide-inactive', 'status-resources']) {
      t.test(form, async (t) => {
        const text = pcs(form, s);
        if (form !== 'status-resources') {
          summary(t, text, xml);
          t.same(text.nodes.map(nodeFields).sort(), xml.nodes.map(nodeFields).sort(), 'nodes');
          const f = (x: (typeof xml.failures)[number]) => [x.resource, x.node, x.task, x.intervalMs, x.exitReason, x.status];
          t.same(text.failures.map(f), xml.failures.map(f), 'failures');
        }
        // `resources` hides stonith devices; --hide-inactive hides what is not running.
        let expected = xml.instances;
        if (form === 'status-resources') expected = expected.filter((i) => !(i.agent ?? '').startsWith('stonith:'));
        if (form === 'status-hide-inactive') expected = expected.filter((i) => i.active);
        t.same(text.instances.map(key).sort(), expected.map(key).sort(), 'instances');
        if (text.limits.knowsNodeAttributes) t.same(text.promotionScores, xml.promotionScores, 'promotion scores');
      });
    }

    t.test('status-cluster', async (t) => {
      const text = pcs('status-cluster', s);
      summary(t, text, xml);
      if (text.limits.knowsNodes) t.same(text.nodes.map(nodeFields).sort(), xml.nodes.map(nodeFields).sort(), 'nodes');
      else t.equal(s, 'maintenance-cluster', 'only the maintenance banner pushes the node list out of the cluster form');
    });

    for (const form of ['status-nodes', 'status-nodes-both']) {
      t.test(form, async (t) => {
        const text = pcs(form, s);
        t.same(text.nodeLists!.pacemaker, expectedLists(xml, false), 'Pacemaker Nodes');
        t.same(text.nodeLists!.pacemakerRemote, expectedLists(xml, true), 'Pacemaker Remote Nodes');
        t.same(text.nodes.map(listed).sort(), xml.nodes.map(listed).sort(), 'nodes: online, standby, maintenance');
      });
    }

    for (const form of ['status-nodes-corosync', 'status-nodes-both']) {
      t.test(`${form}: corosync membership`, async (t) => {
        const lists = pcs(form, s).nodeLists!.corosync!;
        // Pacemaker's online = the node is in corosync's membership and its controller runs.
        t.same(lists.online, xml.nodes.filter((n) => n.online).map((n) => n.name).sort(), 'online');
        t.same(lists.offline, xml.nodes.filter((n) => !n.online).map((n) => n.name).sort(), 'offline');
      });
    }

    t.test('status-nodes-config', async (t) => {
      const c = pcs('status-nodes-config', s).nodeLists!.configured!;
      t.same(c.pacemaker, xml.nodes.filter((n) => n.type !== 'remote').map((n) => n.name).sort(), 'pacemaker nodes');
      t.same(c.corosync, ['node1', 'node2'], 'corosync.conf');
    });

    for (const form of ['status-corosync', 'status-quorum']) {
      if (s === 'no-quorum' && form === 'status-quorum') continue; // pcs prints nothing there (pcs-forms.test.ts)
      t.test(form, async (t) => {
        const text = pcs(form, s);
        t.same(text.membership!.map((m) => m.name).sort(), xml.nodes.filter((n) => n.online).map((n) => n.name).sort(), 'membership = online nodes');
        t.same(text.membership!.filter((m) => m.local).map((m) => m.name), ['node1'], 'captured on node1');
        if (form === 'status-quorum') {
          t.equal(text.quorum, xml.quorum, 'quorate');
          t.equal(text.quorumInfo!.nodes, text.membership!.length, 'Nodes: = rows');
        }
      });
    }

    t.test('status-xml', async (t) => {
      const text = pcs('status-xml', s);
      summary(t, text, xml);
      t.same(text.nodes.map(nodeFields).sort(), xml.nodes.map(nodeFields).sort(), 'nodes');
      t.same(text.instances.map(key).sort(), xml.instances.map(key).sort(), 'instances');
    });

    t.test('status-pcsd', async (t) => {
      t.same(Object.keys(pcs('status-pcsd', s).pcsdStatus).sort(), xml.nodes.map((n) => n.name).sort(), 'every configured node');
    });
  });
}

// make-fixtures.sh's scenarios (`pcs -f <cib>`): remote and guest nodes, UNCLEAN and offline
// nodes, maintenance; crm_mon XML over the same CIB.
for (const s of SCENARIOS_CIB) {
  t.test(`cib ${s}`, async (t) => {
    const xml = parseCrmMonXml(readFileSync(`${FIXTURES}pcmk2.1.5-crm_mon-xml-${s}.xml`));
    const nodes = parsePcsStatus(readFileSync(`${CIB_FORMS}pcs-0.11.5-status-nodes-${s}.txt`));
    t.same(nodes.warnings, []);
    t.same(nodes.nodeLists!.pacemaker, expectedLists(xml, false), 'Pacemaker Nodes');
    t.same(nodes.nodeLists!.pacemakerRemote, expectedLists(xml, true), 'Pacemaker Remote Nodes');
    t.same(nodes.nodes.map(listed).sort(), xml.nodes.map(listed).sort(), 'nodes');
    const cluster = parsePcsStatus(readFileSync(`${CIB_FORMS}pcs-0.11.5-status-cluster-${s}.txt`));
    t.same(cluster.warnings, []);
    t.equal(cluster.kind, 'cluster');
    summary(t, cluster, xml);
    // `pcs -f` prints no PCSD Status; the node list shows guests only while they run.
    if (cluster.limits.knowsNodes) {
      const shown = xml.nodes.filter((n) => n.type !== 'guest' || n.online);
      t.same(cluster.nodes.map(nodeFields).sort(), shown.map(nodeFields).sort(), 'nodes');
    }
  });
}
