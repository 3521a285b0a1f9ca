/** The namespace lab: a real 1- or 2-node Corosync + Pacemaker cluster on one machine. See API.md. */
export { labUp, labDown, labStatus, openLab, defaultDistDir, Lab } from './lab.ts';
export type { LabOptions, LabRecord, LabStatus, NodeStatus, WaitOptions } from './lab.ts';
export type { DownOptions, DownResult, Leftovers } from './teardown.ts';
export { leftovers, isClean } from './teardown.ts';
export { parseCrmMon, nodesWithRole, onlineNodes } from './crm-mon.ts';
export type { MonState, MonNode, MonResource } from './crm-mon.ts';
export { LabBusyError, DEFAULT_LOCK_WAIT_MS, readHolder } from './lock.ts';
export type { LockOptions, LockHolder } from './lock.ts';
export { DEFAULT_LAB_NAME, DEFAULT_STATE_ROOT, DEFAULT_LOGS_ROOT, labPaths } from './names.ts';
export type { NodeExecOptions } from './node.ts';
export { applyStack, waitSettled, placement, stackConfiguration, servicesAgentBuilt, colocated, DEMO_SERVICES, STATEFUL_CLONE, STATEFUL, DUMMY, SERVICES } from './stack.ts';
export type { StackOptions, ServiceSpec, Placement } from './stack.ts';
export { hardKillFailover, rejoin, timelineFrom, readAlerts } from './failover.ts';
export type { FailoverTimeline } from './failover.ts';
export { runDemo, formatTimeline } from './demo.ts';
export type { DemoOptions, DemoResult } from './demo.ts';
