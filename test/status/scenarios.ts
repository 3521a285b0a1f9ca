/** Every combination the model and rendering tests run over (real inputs, see helpers.ts). */
import { join } from 'node:path';
import { CLUSTER_FIX, EVENTS, OUTDATED, stack, svcFile, vm, type FactFiles } from './helpers.ts';

const V13 = vm('13-pacemaker-managed-promoted-node2', 'node2');
export const SCENARIOS: Record<string, FactFiles> = {
  healthy: { crmMon: stack('healthy-node2-active'), drbd: V13, events: EVENTS, services: svcFile('started') },
  'healthy-no-event-log': { crmMon: stack('healthy-node2-active'), drbd: V13, events: null },
  'promote-pending': { crmMon: stack('promote-pending'), drbd: vm('05-peer-killed-primary-wfconnection', 'node1'), events: EVENTS, now: Date.parse('2026-11-27T11:22:35Z') },
  'start-pending': { crmMon: stack('start-pending'), drbd: V13, events: EVENTS, services: svcFile('sched-starting'), now: Date.parse('2026-11-27T11:22:37Z') },
  'services-failed': { crmMon: stack('services-start-failed'), drbd: V13, events: EVENTS, services: svcFile('db-failed') },
  outdated: { crmMon: stack('no-active-outdated'), drbd: OUTDATED, events: EVENTS },
  unclean: { crmMon: stack('node1-unclean'), drbd: vm('03-connected-secondary-secondary-uptodate', 'node2'), events: null },
  maintenance: { crmMon: stack('maintenance'), drbd: V13, events: EVENTS },
  resync: { crmMon: stack('healthy-node2-active'), drbd: vm('02-initial-sync-in-progress', 'node2'), events: EVENTS, localNode: 'node1' },
  'split-brain': { crmMon: stack('healthy-node2-active'), drbd: vm('09-split-brain-both-primary-standalone', 'node2'), events: EVENTS },
  'cluster-down': { crmMon: null, drbd: V13, events: null },
  'nothing-at-all': { crmMon: null, drbd: null, events: null },
  'lab-minimal-stack': { crmMon: join(CLUSTER_FIX, 'pcmk2.1.5-crm_mon-xml-lab-two-node-after-failover-svc-failed.xml'), drbd: null, events: null },
  'failed-actions': { crmMon: join(CLUSTER_FIX, 'pcmk2.1.5-crm_mon-xml-failed-actions.xml'), drbd: null, events: null, localNode: 'node1' },
  'unclean-lib-cluster': { crmMon: join(CLUSTER_FIX, 'pcmk2.1.5-crm_mon-xml-unclean-node.xml'), drbd: null, events: null, localNode: 'node1' },
  'bundle': { crmMon: join(CLUSTER_FIX, 'pcmk2.1.5-crm_mon-xml-bundle.xml'), drbd: null, events: null, localNode: 'node1' },
};
