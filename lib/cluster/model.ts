/**
 * The typed model of cluster state. Everything else reads the cluster through these types.
 *
 * Conventions (the "one vocabulary"): roles are Started/Stopped/Promoted/Unpromoted (Unknown
 * when unrecognised, with a warning); agents are `class:provider:type`; booleans are booleans;
 * durations are milliseconds; scores are numbers clamped to ±1000000 (INFINITY). Attributes the
 * model has no field for stay reachable in `extra` (name → raw string).
 */
import type { ParseWarning } from './errors.ts';
import type { Role } from './normalize.ts';

export type { Role } from './normalize.ts';
export type { ParseWarning } from './errors.ts';

export type NodeType = 'member' | 'remote' | 'guest' | 'unknown';

/** A node as crm_mon (or pcs status text) sees it. */
export interface NodeStatus {
  name: string;
  /** Node id; null when the text does not print it. */
  id: string | null;
  type: NodeType;
  online: boolean;
  standby: boolean;
  standbyOnFail: boolean;
  maintenance: boolean;
  pending: boolean;
  unclean: boolean;
  shutdown: boolean;
  expectedUp: boolean | null;
  isDc: boolean;
  resourcesRunning: number | null;
  health: string | null;
  featureSet: string | null;
  /** For guest/remote nodes, the resource that implements them (crm_mon `id_as_resource`). */
  idAsResource: string | null;
  extra: Record<string, string>;
}

export type CollectionKind = 'group' | 'clone' | 'bundle';

/** A group, clone or bundle as crm_mon reports it (its members are in `instances`). */
export interface ResourceCollection {
  kind: CollectionKind;
  id: string;
  /** clone: promotable (crm_mon `multi_state`). */
  promotable: boolean;
  unique: boolean | null;
  managed: boolean | null;
  disabled: boolean | null;
  failed: boolean | null;
  failureIgnored: boolean | null;
  targetRole: Role | null;
  /** bundle: container type (docker, podman, rkt) and image. */
  containerType: string | null;
  image: string | null;
  /** The collection this one sits in (a group inside a clone). */
  parentId: string | null;
  extra: Record<string, string>;
}

/** One resource instance: a primitive, or one copy of a cloned/bundled primitive. */
export interface ResourceInstance {
  id: string;
  /** The clone this instance belongs to, or null. */
  cloneId: string | null;
  groupId: string | null;
  bundleId: string | null;
  /** Bundle replica number, or null. */
  replica: number | null;
  /** `class:provider:type`; null when the text does not print it (collapsed clone lines). */
  agent: string | null;
  role: Role;
  /** Configured target role, case-insensitive on input; null when not set / not known. */
  targetRole: Role | null;
  /** Nodes the instance is active on (more than one when multiply active). */
  nodes: string[];
  active: boolean;
  managed: boolean;
  failed: boolean;
  failureIgnored: boolean;
  blocked: boolean;
  orphaned: boolean;
  /** A pending action (`Starting`, `Promoting`, …) or null. */
  pending: string | null;
  extra: Record<string, string>;
}

export interface OperationRecord {
  node: string;
  resource: string;
  call: number | null;
  task: string;
  rc: number | null;
  rcText: string | null;
  intervalMs: number;
  lastRcChange: string | null;
  execTimeMs: number | null;
  queueTimeMs: number | null;
  extra: Record<string, string>;
}

export interface ResourceHistory {
  node: string;
  resource: string;
  orphan: boolean;
  migrationThreshold: number | null;
  failCount: number | null;
  lastFailure: string | null;
  operations: OperationRecord[];
}

export interface FailedAction {
  /** `op_key` (2.1) or `id` (older) of the failed operation, e.g. `web_monitor_10000`. */
  opKey: string;
  resource: string;
  node: string;
  task: string | null;
  intervalMs: number | null;
  exitCode: number | null;
  /** Text of the exit code (`error`, `not installed`, …). */
  exitStatus: string | null;
  /** The agent's `ocf-exit-reason`, or null when none. */
  exitReason: string | null;
  call: number | null;
  /** Execution status (`complete`, `Timed Out`, …). */
  status: string | null;
  lastRcChange: string | null;
  queuedMs: number | null;
  execMs: number | null;
  extra: Record<string, string>;
}

export interface Ban {
  id: string;
  resource: string;
  node: string;
  weight: number | null;
  promotedOnly: boolean;
}

export interface Ticket {
  id: string;
  status: string | null;
  standby: boolean | null;
  lastGranted: string | null;
}

/** The cluster state crm_mon reports (`--output-as=xml` or legacy `--as-xml`). */
export interface ClusterStatus {
  source: 'crm_mon-xml';
  /** `pacemaker-result` (2.1+) or legacy `crm_mon` (1.1-3.0 `--as-xml`). */
  format: 'pacemaker-result' | 'crm_mon';
  /** api-version of pacemaker-result, or the legacy root's version. */
  version: string | null;
  stack: string | null;
  /** The DC's node name, or null when there is none. */
  dc: string | null;
  dcId: string | null;
  dcVersion: string | null;
  quorum: boolean;
  lastUpdate: string | null;
  lastChange: { time: string | null; user: string | null; client: string | null; origin: string | null } | null;
  nodesConfigured: number | null;
  resourcesConfigured: number | null;
  resourcesDisabled: number | null;
  resourcesBlocked: number | null;
  maintenanceMode: boolean;
  stonithEnabled: boolean | null;
  symmetricCluster: boolean | null;
  noQuorumPolicy: string | null;
  stopAllResources: boolean | null;
  /** Every `cluster_options` attribute, raw. */
  clusterOptions: Record<string, string>;
  /** pacemakerd's state (live 2.1 output only), e.g. `running`. */
  pacemakerdState: string | null;
  nodes: NodeStatus[];
  collections: ResourceCollection[];
  instances: ResourceInstance[];
  /** node name → attribute name → value. */
  nodeAttributes: Record<string, Record<string, string>>;
  /** node name → resource → promotion score (from `master-<resource>` node attributes). */
  promotionScores: Record<string, Record<string, number>>;
  history: ResourceHistory[];
  failures: FailedAction[];
  bans: Ban[];
  tickets: Ticket[];
  /** The footer `<status code message>` (2.1), or null. */
  result: { code: number | null; message: string | null } | null;
  warnings: ParseWarning[];
}
