/**
 * The report `ocfkit status` shows, and `--json` prints as is. The schema is documented in
 * /work/notes/status.md (README material) and checked by test/status/schema.test.ts; bump
 * `schema` on any incompatible change.
 */
export const SCHEMA = 'ocfkit-status/1';

export type Verdict = 'healthy' | 'degraded' | 'failing-over' | 'no-active-node' | 'unknown';

export type StepState = 'done' | 'running' | 'pending' | 'failed' | 'not-started' | 'skipped' | 'unknown';

export type StepKind = 'fencing' | 'promote' | 'mount' | 'vip' | 'haproxy' | 'services' | 'service';

export interface StepReport {
  kind: StepKind;
  /** What the step is: `fence node1`, the resource id, or the service's name. */
  name: string;
  /** The resource (null for fencing). */
  resource: string | null;
  /** Where it ran / runs (the fencing target for fencing). */
  node: string | null;
  state: StepState;
  /** ISO 8601 UTC, or null when unknown. */
  startedAt: string | null;
  endedAt: string | null;
  /** Done/failed: how long it took; running: how long so far. */
  durationMs: number | null;
  /** One line: an exit reason, what it waits for, why it is not started. */
  detail: string | null;
  /** Where the state came from: `event-log`, `crm_mon`, `services-status`. */
  source: string;
}

export interface FailoverReport {
  /** `current`: a step is running or pending; `last`: the takeover that made the active node active. */
  phase: 'current' | 'last';
  from: string | null;
  to: string | null;
  state: 'done' | 'running' | 'failed' | 'stalled';
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  done: number;
  total: number;
  steps: StepReport[];
}

export interface DrbdPeerView {
  node: string | null;
  role: string;
  disk: string;
  /** Replication state of volume 0 towards the peer (Established, SyncSource, …). */
  replication: string;
}

export interface DrbdResourceReport {
  name: string;
  /** Seen from this node (`drbdsetup events2` here). */
  local: { node: string | null; role: string; disk: string };
  connection: string;
  peer: DrbdPeerView | null;
  /** A running resync: who to whom, percent done. */
  resync: { from: string | null; to: string | null; percent: number | null; paused: boolean } | null;
  splitBrain: { suspected: boolean; evidence: string[] };
  /** Why this view makes the pair degraded (empty: healthy). */
  problems: string[];
}

export interface NodeReport {
  name: string;
  local: boolean;
  online: boolean;
  standby: boolean;
  maintenance: boolean;
  unclean: boolean;
  isDc: boolean;
  /** Role of the active clone's instance there (Promoted, Unpromoted, Stopped…). */
  role: string;
  active: boolean;
  /** Promotion score from crm_mon (`master-<primitive>`), or null. */
  promotionScore: number | null;
  /** DRBD disk as seen from this node (its own, or the peer's from the local view). */
  drbdDisk: string | null;
  drbdRole: string | null;
  /** Null when it could be promoted; else why not (Outdated disk, score, offline, standby). */
  notPromotable: string | null;
}

export interface FailedActionReport {
  resource: string;
  node: string;
  task: string | null;
  exitCode: number | null;
  exitStatus: string | null;
  exitReason: string | null;
  status: string | null;
  at: string | null;
}

export interface SourceReport {
  name: 'crm_mon' | 'drbd' | 'event-log' | 'services-status';
  ok: boolean;
  /** One line: what was read, or why it could not be. */
  detail: string;
}

export interface StatusReport {
  schema: typeof SCHEMA;
  generatedAt: string;
  localNode: string | null;
  verdict: { state: Verdict; reason: string; reasons: string[] };
  activeNode: string | null;
  /** Resource ids per part of the stack (null: not configured). */
  stack: { clone: string | null; primitive: string | null; fs: string | null; vip: string | null; haproxy: string | null; services: string | null };
  cluster: {
    running: boolean;
    dc: string | null;
    quorum: boolean | null;
    maintenanceMode: boolean | null;
    stonithEnabled: boolean | null;
    fenceDevices: { id: string; agent: string | null; nodes: string[]; role: string }[];
    /** stonith-enabled and at least one fence device. */
    fencingConfigured: boolean | null;
  };
  nodes: NodeReport[];
  drbd: DrbdResourceReport[];
  failover: FailoverReport | null;
  failedActions: FailedActionReport[];
  sources: SourceReport[];
}
