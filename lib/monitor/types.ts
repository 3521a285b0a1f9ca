/**
 * The application monitor's vocabulary: the role of this node for one resource, the facts a
 * poll yields, and the messages between the monitor and its worker thread.
 */

/**
 * - `active`: the resource is Promoted here (promotable clone) or Started here (anything else);
 * - `standby`: it is not active here, but it runs somewhere (Unpromoted here, or active on the peer);
 * - `stopped`: it is active nowhere (stopped, disabled, failed everywhere);
 * - `unknown`: the monitor cannot tell (cluster down here, crm_mon failing, worker restarting,
 *   this node unknown or unclean, the resource not configured).
 */
export type MonitorRole = 'active' | 'standby' | 'stopped' | 'unknown';

export type ResourceKind = 'primitive' | 'clone' | 'promotable' | 'group' | 'bundle';

/** What one poll says, reduced to what the monitor decides on (small: it crosses threads). */
export interface MonitorFacts {
  role: MonitorRole;
  /** Why the role is what it is, for logs and `ocfkit watch`. */
  reason: string;
  /** This node's name as Pacemaker knows it. */
  node: string;
  quorum: boolean;
  /** Cluster-wide maintenance-mode, or this node in maintenance. */
  maintenance: boolean;
  /** How the configured resource is configured, or null when crm_mon does not list it. */
  kind: ResourceKind | null;
  /** The primitive ids behind the resource (a clone's child, a group's members): what alert events name. */
  primitives: string[];
  /** Nodes where the resource is active (Promoted for a promotable clone). */
  activeOn: string[];
  dc: string | null;
}

/** Main thread → worker. */
export type ToWorker =
  | { type: 'poll-now'; reason: string }
  | { type: 'stop' };

export interface WorkerConfig {
  resource: string;
  node: string | null;
  pollIntervalMs: number;
  pollTimeoutMs: number;
  maxBackoffMs: number;
  /** Extra environment for crm_mon / crm_node (CIB_file, PATH in tests). */
  env: Record<string, string> | null;
  /** Cap on crm_mon's captured output. */
  maxOutputBytes: number;
}

export type PollFailure = 'cluster-not-running' | 'command-failed' | 'parse-error' | 'node-unknown';

/** Monotonic ms, the same clock in every thread of the process (CLOCK_MONOTONIC): immune to wall-clock steps. */
export const monotonicMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

/** Worker → main thread. `startedAt` is monotonicMs() when the poll began. */
export type FromWorker =
  | { type: 'facts'; facts: MonitorFacts; startedAt: number; durationMs: number; poll: number }
  | { type: 'failed'; failure: PollFailure; message: string; startedAt: number; durationMs: number; poll: number; nextPollMs: number }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> };
