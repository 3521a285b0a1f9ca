/**
 * For the same cluster, the crm_mon XML model and the pcs status text model agree on every
 * field the text holds.
 */
import t from 'tap';
import { parseCrmMonXml } from '../../lib/cluster/crm-mon.ts';
import { parsePcsStatus } from '../../lib/cluster/pcs-status.ts';
import type { ResourceInstance } from '../../lib/cluster/model.ts';
import { SCENARIOS, read } from './fixtures.ts';

const key = (i: ResourceInstance) =>
  JSON.stringify([i.id, i.cloneId, i.groupId, i.bundleId, i.replica, i.role, i.nodes, i.managed, i.failed, i.orphaned]);

function compare(t: typeof import("tap").default, xmlName: string, textName: string): void {
  const xml = parseCrmMonXml(read(xmlName));
  const text = parsePcsStatus(read(textName));
  t.test(`${xmlName} vs ${textName}`, async (t) => {
    if (text.limits.knowsSummary) {
      t.equal(text.dc, xml.dc, 'dc');
      t.equal(text.quorum, xml.quorum, 'quorum');
      t.equal(text.maintenanceMode, xml.maintenanceMode, 'maintenanceMode');
      t.equal(text.dcVersion, xml.dcVersion, 'dcVersion');
      t.equal(text.nodesConfigured, xml.nodesConfigured, 'nodesConfigured');
      t.equal(text.resourcesConfigured, xml.resourcesConfigured, 'resourcesConfigured');
    }
    if (text.limits.knowsNodes) {
      const fields = (n: (typeof xml.nodes)[number]) => [n.name, n.type, n.online, n.standby, n.maintenance, n.unclean, n.pending, n.isDc];
      // Plain status leaves offline guest nodes out.
      const listed = xml.nodes.filter((n) => n.type !== 'guest' || n.online || text.nodes.some((x) => x.name === n.name));
      t.same(text.nodes.map(fields).sort(), listed.map(fields).sort(), 'nodes');
      if (text.limits.knowsNodeIds) t.same(text.nodes.map((n) => n.id).sort(), xml.nodes.filter((n) => n.type === 'member').map((n) => n.id).concat(text.nodes.filter((n) => n.type !== 'member').map((n) => n.id)).sort(), 'node ids');
    }
    // pcs status resources hides stonith devices; bundle replicas collapse to one line in plain status.
    const shown = (i: ResourceInstance) => (text.kind === 'resources' ? !(i.agent ?? '').startsWith('stonith:') : true);
    let xmlInstances = xml.instances.filter(shown);
    let textInstances = text.instances;
    if (textInstances.some((i) => i.extra.replicaLine)) {
      xmlInstances = xmlInstances.filter((i) => i.bundleId === null);
      textInstances = textInstances.filter((i) => !i.extra.replicaLine);
    }
    t.same(textInstances.map(key).sort(), xmlInstances.map(key).sort(), 'instances (id, clone, group, bundle, role, nodes, managed, failed, orphaned)');
    if (text.limits.knowsAllInstanceAgents) {
      t.same(textInstances.map((i) => `${i.id} ${i.agent}`).sort(), xmlInstances.map((i) => `${i.id} ${i.agent}`).sort(), 'agents');
    }
    if (text.limits.knowsNodeAttributes) {
      t.same(text.promotionScores, xml.promotionScores, 'promotion scores');
      t.same(text.nodeAttributes, xml.nodeAttributes, 'node attributes');
    }
    if (text.limits.knowsFailures) {
      const f = (x: (typeof xml.failures)[number]) => [x.resource, x.node, x.task, x.intervalMs, x.exitReason, x.status];
      t.same(text.failures.map(f), xml.failures.map(f), 'failures');
      for (const [i, tf] of text.failures.entries()) {
        if (tf.exitCode !== null) t.equal(tf.exitCode, xml.failures[i]!.exitCode, `exit code of ${tf.opKey}`);
      }
    }
  });
}

for (const s of SCENARIOS) {
  for (const variant of ['status', 'status-full', 'status-resources']) {
    compare(t, `pcmk2.1.5-crm_mon-xml-${s}.xml`, `pcs0.11.5-${variant}-${s}.txt`);
  }
}
compare(t, 'pcmk2.1.5-crm_mon-xml-single-node-dummy-and-stateful-promoted.xml', 'pcs0.11.5-status-full-single-node-dummy-and-stateful-promoted.txt');
compare(t, 'pcmk2.1.5-crm_mon-xml-sched-node-maintenance-1.xml', 'pcs0.11.5-status-sched-node-maintenance-1.txt');
for (const variant of ['status', 'status-full', 'status-resources']) {
  // live: a real two-node lab after a failover, with a failed monitor carrying an exit reason
  compare(t, 'pcmk2.1.5-crm_mon-xml-lab-two-node-after-failover-svc-failed.xml', `pcs0.11.5-${variant}-lab-two-node-after-failover-svc-failed.txt`);
}
