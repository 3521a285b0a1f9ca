/**
 * The model of `pcs status` text: as much of ClusterStatus as the text holds, plus `limits`
 * saying what it could not know and `unknown`, the list of ClusterStatus fields left unknown.
 */
import type { ParseWarning } from './errors.ts';
import type { FailedAction, NodeStatus, ResourceCollection, ResourceInstance, Ticket } from './model.ts';

export interface PcsLimits {
  /** Node list present (not in `pcs status resources`). */
  knowsNodes: boolean;
  /** Node ids printed (`--full`). */
  knowsNodeIds: boolean;
  /** Node Attributes section present (`--full`), hence promotion scores. */
  knowsNodeAttributes: boolean;
  /** Every instance printed on its own line with its agent (no `Started: [ … ]` summaries). */
  knowsAllInstanceAgents: boolean;
  /** Cluster summary present (DC, quorum, maintenance-mode banner). */
  knowsSummary: boolean;
  /** Failed actions: the section is printed whenever there are any (status, not `status resources`). */
  knowsFailures: boolean;
  knowsFailureExitReason: boolean;
  /** Target roles: only "disabled" (Stopped) is visible in text. */
  knowsTargetRoles: false;
  /** Never in the text: */
  knowsOperationHistory: false;
  knowsBans: false;
  knowsClusterOptions: false;
  knowsStonithEnabled: false;
  knowsNodeHealthAndFeatureSet: boolean;
}

export interface MigrationEntry {
  node: string;
  resource: string;
  migrationThreshold: number | null;
  failCount: number | null;
  lastFailure: string | null;
  values: Record<string, string>;
}

export interface PcsStatus {
  source: 'pcs-status';
  /** pcs 0.10+/Pacemaker 2.x bullets, or pcs 0.9/Pacemaker 1.1 layout. */
  layout: 'pcs0.11' | 'pcs0.9';
  /** Whole `pcs status`, or only resources (`pcs status resources` / `pcs resource status`). */
  kind: 'status' | 'resources';
  clusterName: string | null;
  /** pcs's own warnings (`WARNINGS:` block, `Warning:` lines). */
  pcsWarnings: string[];
  stack: string | null;
  dc: string | null;
  dcId: string | null;
  dcVersion: string | null;
  quorum: boolean | null;
  lastUpdate: string | null;
  lastChange: string | null;
  nodesConfigured: number | null;
  resourcesConfigured: number | null;
  resourcesDisabled: number | null;
  resourcesBlocked: number | null;
  maintenanceMode: boolean | null;
  pacemakerdState: string | null;
  nodes: NodeStatus[];
  collections: ResourceCollection[];
  instances: ResourceInstance[];
  nodeAttributes: Record<string, Record<string, string>>;
  promotionScores: Record<string, Record<string, number>>;
  migrationSummary: MigrationEntry[];
  failures: FailedAction[];
  tickets: Ticket[];
  pcsdStatus: Record<string, string>;
  daemonStatus: Record<string, string>;
  limits: PcsLimits;
  /** ClusterStatus fields this text could not supply (derived from `limits`). */
  unknown: string[];
  warnings: ParseWarning[];
}
