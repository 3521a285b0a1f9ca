import { quote } from './limits.ts';
import type { ConnectionState, DiskState, ReplicationState, Role } from './model.ts';
import type { Warn } from './warnings.ts';

/**
 * Known words, each mapped to one shared string: a normalised field then holds that string,
 * not a fresh copy per object (a million resources share one "Primary").
 */
function words<T extends string>(list: readonly T[]): ReadonlyMap<string, T> {
  return new Map(list.map((w) => [w, w]));
}

const ROLES = words<Role>(['Primary', 'Secondary', 'Unknown']);
const DISKS = words<DiskState>([
  'Diskless', 'Attaching', 'Detaching', 'Failed', 'Negotiating', 'Inconsistent', 'Outdated',
  'DUnknown', 'Consistent', 'UpToDate',
]);
const CONNECTIONS = words<ConnectionState>([
  'StandAlone', 'Disconnecting', 'Unconnected', 'Timeout', 'BrokenPipe', 'NetworkFailure',
  'ProtocolError', 'TearDown', 'Connecting', 'Connected',
]);
const REPLICATIONS = words<ReplicationState>([
  'Off', 'Established', 'StartingSyncS', 'StartingSyncT', 'WFBitMapS', 'WFBitMapT', 'WFSyncUUID',
  'SyncSource', 'SyncTarget', 'VerifyS', 'VerifyT', 'PausedSyncS', 'PausedSyncT', 'Ahead', 'Behind',
]);
/** 8.x connection states that DRBD 9 renamed. */
const CONNECTION_ALIASES: ReadonlyMap<string, ConnectionState> = new Map([
  ['WFConnection', 'Connecting'],
  ['WFReportParams', 'Connected'],
]);

export const isRoleWord = (s: string): boolean => ROLES.has(s);
export const isDiskWord = (s: string): boolean => DISKS.has(s);
export const isConnectionWord = (s: string): boolean =>
  CONNECTIONS.has(s) || CONNECTION_ALIASES.has(s);
export const isReplicationWord = (s: string): boolean => REPLICATIONS.has(s);

export function normRole(raw: string, warn: Warn): Role {
  const known = ROLES.get(raw);
  if (known !== undefined) return known;
  warn(`unknown role ${quote(raw)} kept as raw, normalised to Unknown`);
  return 'Unknown';
}

export function normDisk(raw: string, warn: Warn): DiskState {
  const known = DISKS.get(raw);
  if (known !== undefined) return known;
  warn(`unknown disk state ${quote(raw)} kept as raw, normalised to Unknown`);
  return 'Unknown';
}

export function normConnection(raw: string, warn: Warn): ConnectionState {
  const known = CONNECTIONS.get(raw);
  if (known !== undefined) return known;
  const alias = CONNECTION_ALIASES.get(raw);
  if (alias) return alias;
  warn(`unknown connection state ${quote(raw)} kept as raw, normalised to Unknown`);
  return 'Unknown';
}

export function normReplication(raw: string, warn: Warn): ReplicationState {
  const known = REPLICATIONS.get(raw);
  if (known !== undefined) return known;
  warn(`unknown replication state ${quote(raw)} kept as raw, normalised to Unknown`);
  return 'Unknown';
}

/**
 * Split a DRBD 8.x `cs:` value into a DRBD 9 connection state and replication state:
 * `SyncSource` is Connected + SyncSource, `WFConnection` is Connecting + Off.
 * `Connected` (8.x) is Connected + Established.
 */
export function splitCs(
  raw: string,
  warn: Warn,
): { state: ConnectionState; replication: ReplicationState } {
  if (raw === 'Connected') return { state: 'Connected', replication: 'Established' };
  const repl = REPLICATIONS.get(raw);
  if (repl !== undefined) return { state: 'Connected', replication: repl };
  if (raw === 'WFReportParams') return { state: 'Connected', replication: 'Off' };
  if (CONNECTIONS.has(raw) || CONNECTION_ALIASES.has(raw)) {
    return { state: normConnection(raw, warn), replication: 'Off' };
  }
  warn(`unknown connection state ${quote(raw)} kept as raw, normalised to Unknown`);
  return { state: 'Unknown', replication: 'Unknown' };
}

/** `yes`/`no` (and JSON booleans) to boolean; anything else null with a warning. */
export function yesNo(raw: string, what: string, warn: Warn): boolean | null {
  if (raw === 'yes' || raw === 'true') return true;
  if (raw === 'no' || raw === 'false') return false;
  warn(`unexpected ${what} value ${quote(raw)} (expected yes/no)`);
  return null;
}

/**
 * Suspension text to boolean: `no` is false, anything else (user, no-data, fencing, quorum, and
 * combinations joined by commas) is true.
 */
export function suspendedFlag(raw: string): boolean {
  return raw !== 'no' && raw !== 'false' && raw !== '';
}

/** Parse a decimal number; null when the text is not a finite number. */
export function num(raw: string): number | null {
  // One way to match each number (no nested quantifiers over the same digits): linear time.
  if (raw === '' || !/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(raw)) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** Parse an integer (no fraction); null otherwise. */
export function int(raw: string): number | null {
  if (!/^-?\d{1,15}$/.test(raw)) return null;
  return Number(raw);
}

/** 100 × (1 − oos/size), rounded to 2 decimals; 100 when oos is 0; null when unknown. */
export function percentFromOos(oosKiB: number | null, sizeKiB: number | null): number | null {
  if (oosKiB === null) return null;
  if (oosKiB === 0) return 100;
  if (sizeKiB === null || sizeKiB <= 0) return null;
  const p = 100 * (1 - oosKiB / sizeKiB);
  return Math.round(Math.min(100, Math.max(0, p)) * 100) / 100;
}

const interned = new Map<string, string>();
const MAX_INTERNED = 4096;

/**
 * One shared copy of a short value that repeats across objects (`no`, `Established`, `f`):
 * a million resources then share one string. Long or never-repeating values are kept as given;
 * the table stops growing at MAX_INTERNED entries.
 */
export function intern(s: string): string {
  if (s.length > 24) return s;
  const known = interned.get(s);
  if (known !== undefined) return known;
  if (interned.size < MAX_INTERNED) interned.set(s, s);
  return s;
}
