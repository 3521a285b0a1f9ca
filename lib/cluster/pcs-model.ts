/**
 * The model of `pcs status` text: as much of ClusterStatus as the text holds, plus `limits`
 * saying what it could not know and `unknown`, the list of ClusterStatus fields left unknown.
 */
import type { ParseWarning } from './errors.ts';
import type { ClusterStatus, FailedAction, NodeStatus, ResourceCollection, ResourceInstance, Ticket } from './model.ts';

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
  /** Resource lines present (every form but `nodes`, `cluster`, `corosync`, `quorum`, `pcsd`). */
  knowsResources: boolean;
  /** Corosync's membership table (`status corosync`, `status quorum`). */
  knowsMembership: boolean;
  /** Votequorum figures (`status quorum`): expected and total votes, flags. */
  knowsVotequorum: boolean;
}

/**
 * Which `pcs status` form the text is, detected from the text itself:
 * `status` (`pcs status`, `--full`, `--hide-inactive`), `resources` (`pcs status resources`,
 * `pcs resource status`), `nodes` (`pcs status nodes [both|corosync|config]`), `cluster`
 * (`pcs status cluster`), `corosync` (`pcs status corosync`: corosync-quorumtool -l), `quorum`
 * (`pcs status quorum`: corosync-quorumtool -p/-s), `pcsd` (`pcs status pcsd`), `error` (only
 * pcs's `Error:`/`Warning:` lines: its stderr, e.g. of a failing form, kept with stdout), `xml`
 * (`pcs status xml`: crm_mon's XML, read by parseCrmMonXml, the whole model in `crmMon`).
 */
export type PcsStatusKind = 'status' | 'resources' | 'nodes' | 'cluster' | 'corosync' | 'quorum' | 'pcsd' | 'xml' | 'error';

/** One state list of `pcs status nodes` (`Pacemaker Nodes:` / `Pacemaker Remote Nodes:`). */
export interface PacemakerNodeLists {
  online: string[];
  standby: string[];
  /** `Standby with resource(s) running:` (standby, still running something). */
  standbyWithResources: string[];
  maintenance: string[];
  /** Every node that is not online: clean, UNCLEAN and pending nodes alike. */
  offline: string[];
}

/** What `pcs status nodes` forms print; a list the form does not print is null. */
export interface PcsNodeLists {
  /** `Pacemaker Nodes:` (cluster members). */
  pacemaker: PacemakerNodeLists | null;
  /** `Pacemaker Remote Nodes:` (remote and guest nodes: crm_mon's XML says type="remote" for both). */
  pacemakerRemote: PacemakerNodeLists | null;
  /** `Corosync Nodes:` with `Online:`/`Offline:` (`nodes corosync`, `nodes both`). */
  corosync: { online: string[]; offline: string[] } | null;
  /** `nodes config`: the configured names, corosync.conf and the CIB (remote nodes excluded). */
  configured: { corosync: string[]; pacemaker: string[] } | null;
}

/** One row of corosync's membership table. */
export interface MembershipEntry {
  /** As printed: decimal (`1`) or hex (`0x00000001`, corosync-quorumtool -H). */
  nodeId: string;
  votes: number | null;
  /** The Qdevice column (`A,V,NMW`, `NR`), null when the table has none or it is blank. */
  qdevice: string | null;
  /** Node name, or its address when corosync knows no name; `Qdevice` for the quorum device. */
  name: string;
  /** Marked `(local)`: the node that ran the command. */
  local: boolean;
}

/** `Quorum information` and `Votequorum information` (`pcs status quorum`). */
export interface QuorumInfo {
  date: string | null;
  provider: string | null;
  /** Nodes in the membership (the `Nodes:` line). */
  nodes: number | null;
  /** This node's id, as printed. */
  nodeId: string | null;
  /** `1.9` (corosync 3) or `1/8` (corosync 2), as printed. */
  ringId: string | null;
  quorate: boolean | null;
  expectedVotes: number | null;
  highestExpected: number | null;
  totalVotes: number | null;
  /** Votes needed for quorum (`Quorum:`), with any trailing note (`Activity blocked`) in `quorumNote`. */
  quorum: number | null;
  quorumNote: string | null;
  /** `2Node`, `Quorate`, `WaitForAll`, `Qdevice`, … */
  flags: string[];
  /** Lines of the information blocks without a field here (`Key: value`). */
  extra: Record<string, string>;
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
  /**
   * pcs 0.10+/Pacemaker 2.x bullets, or pcs 0.9/Pacemaker 1.1 layout; `common` for the forms
   * pcs 0.9 and 0.11 print alike (`nodes`, `corosync`, `quorum`, `pcsd`, `error`).
   */
  layout: 'pcs0.11' | 'pcs0.9' | 'common';
  /** The form, detected from the text (see PcsStatusKind). */
  kind: PcsStatusKind;
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
  /** `pcs status nodes` lists; null in the other forms. */
  nodeLists: PcsNodeLists | null;
  /** Corosync membership (`status corosync`, `status quorum`); null where not printed. */
  membership: MembershipEntry[] | null;
  /** Quorum and votequorum figures (`status quorum`); null elsewhere. */
  quorumInfo: QuorumInfo | null;
  /** `pcs status xml`: the whole crm_mon model (its fields above are copied from it); else null. */
  crmMon: ClusterStatus | null;
  /** pcs's `Error:` lines (kind `error`, or an error printed inside another form). */
  pcsErrors: string[];
  limits: PcsLimits;
  /** ClusterStatus fields this text could not supply (derived from `limits`). */
  unknown: string[];
  warnings: ParseWarning[];
}
