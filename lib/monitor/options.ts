/** The monitor's options, what it tells its listeners, and the defaults (README: /work/notes/monitor.md). */
import type { PinoLike } from './logger.ts';
import type { PushSocketLimits } from './push-socket.ts';
import type { MonitorRole } from './types.ts';

export interface ClusterMonitorOptions {
  /** The resource that makes a node active: a promotable clone (Promoted) or anything Started. */
  resource: string;
  /** This node's name as Pacemaker knows it (default: `crm_node -n`). */
  node?: string;
  /** The safety-net poll interval, ms. */
  pollIntervalMs: number;
  /** Deadline of one crm_mon, ms (default 10 000). */
  pollTimeoutMs?: number;
  /** Longest interval while the cluster is down or crm_mon fails, ms (default 10 000). */
  maxBackoffMs?: number;
  /** The push socket (default `/run/ocfkit/events.d/<pid>.sock`); null: poll only. */
  socketPath?: string | null;
  logger?: PinoLike;
  /** Hold after a delivered role change during which changes are coalesced, ms (default 1000). */
  debounceMs?: number;
  /** How long `unknown` must last before it is delivered, ms (default max(3000, 2 × poll interval)). */
  unknownAfterMs?: number;
  /** After a pushed role, how long a poll that disagrees is asked again rather than believed, ms (default 2000). */
  confirmWindowMs?: number;
  /** A pushed event older than this (by its Pacemaker timestamp) changes no role, ms (default 60 000). */
  maxEventAgeMs?: number;
  /** Extra environment for crm_mon and crm_node (CIB_file=…). */
  env?: Record<string, string>;
  /** The worker's entry (default: beside this module, or beside the bundle). */
  workerUrl?: URL;
  /** The worker's V8 heap limit, MB (default 1024; a 40 MB CIB needs about 400). */
  workerMaxMemoryMb?: number;
  /** Cap on crm_mon's output, bytes (default 256 MiB). */
  maxOutputBytes?: number;
  socketLimits?: Partial<PushSocketLimits>;
}

export interface RoleChange {
  role: MonitorRole;
  previous: MonitorRole;
  /** What made it: a pushed event, a poll, or the monitor itself (worker lost, closed). */
  source: 'push' | 'poll' | 'monitor';
  reason: string;
  /** ms since the epoch, when delivered. */
  at: number;
  /** For a push: the event's Pacemaker timestamp, ms since the epoch. */
  eventAt?: number;
}

export interface MonitorEvents {
  role: [RoleChange];
  'cluster-down': [{ message: string }];
  'cluster-up': [];
  'quorum-lost': [];
  quorum: [];
  maintenance: [{ on: boolean }];
  event: [Record<string, unknown>];
}

export class MonitorClosedError extends Error {
  constructor() {
    super('the monitor was closed');
    this.name = 'MonitorClosedError';
  }
}

/** Defaults of the optional timings. */
export function timings(o: ClusterMonitorOptions) {
  return {
    pollTimeoutMs: o.pollTimeoutMs ?? 10_000,
    maxBackoffMs: o.maxBackoffMs ?? 10_000,
    debounceMs: o.debounceMs ?? 1000,
    unknownAfterMs: o.unknownAfterMs ?? Math.max(3000, 2 * o.pollIntervalMs),
    confirmWindowMs: o.confirmWindowMs ?? 2000,
    maxEventAgeMs: o.maxEventAgeMs ?? 60_000,
    workerMaxMemoryMb: o.workerMaxMemoryMb ?? 1024,
    maxOutputBytes: o.maxOutputBytes ?? 256 * 1024 * 1024,
  };
}

/** Throws a TypeError for options no monitor can run with. */
export function checkOptions(o: ClusterMonitorOptions): void {
  if (!o || typeof o.resource !== 'string' || o.resource === '') throw new TypeError('ClusterMonitor: resource is required');
  if (!(Number.isFinite(o.pollIntervalMs) && o.pollIntervalMs >= 100)) throw new TypeError('ClusterMonitor: pollIntervalMs must be ≥ 100');
}
