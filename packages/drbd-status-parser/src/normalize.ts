import type {
  ConnectionState,
  DiskState,
  ParseWarning,
  ReplicationState,
  Role,
} from './model.ts';

const ROLES: ReadonlySet<string> = new Set(['Primary', 'Secondary', 'Unknown']);
const DISKS: ReadonlySet<string> = new Set([
  'Diskless', 'Attaching', 'Detaching', 'Failed', 'Negotiating', 'Inconsistent', 'Outdated',
  'DUnknown', 'Consistent', 'UpToDate',
]);
const CONNECTIONS: ReadonlySet<string> = new Set([
  'StandAlone', 'Disconnecting', 'Unconnected', 'Timeout', 'BrokenPipe', 'NetworkFailure',
  'ProtocolError', 'TearDown', 'Connecting', 'Connected',
]);
const REPLICATIONS: ReadonlySet<string> = new Set([
  'Off', 'Established', 'StartingSyncS', 'StartingSyncT', 'WFBitMapS', 'WFBitMapT', 'WFSyncUUID',
  'SyncSource', 'SyncTarget', 'VerifyS', 'VerifyT', 'PausedSyncS', 'PausedSyncT', 'Ahead', 'Behind',
]);
/** 8.x connection states that DRBD 9 renamed. */
const CONNECTION_ALIASES: ReadonlyMap<string, ConnectionState> = new Map([
  ['WFConnection', 'Connecting'],
  ['WFReportParams', 'Connected'],
]);

/** Collects warnings for values the normaliser does not know. */
export type Warn = (message: string) => void;

export const isRoleWord = (s: string): boolean => ROLES.has(s);
export const isDiskWord = (s: string): boolean => DISKS.has(s);
export const isConnectionWord = (s: string): boolean =>
  CONNECTIONS.has(s) || CONNECTION_ALIASES.has(s);
export const isReplicationWord = (s: string): boolean => REPLICATIONS.has(s);

export function normRole(raw: string, warn: Warn): Role {
  if (ROLES.has(raw)) return raw as Role;
  warn(`unknown role ${JSON.stringify(raw)} kept as raw, normalised to Unknown`);
  return 'Unknown';
}

export function normDisk(raw: string, warn: Warn): DiskState {
  if (DISKS.has(raw)) return raw as DiskState;
  warn(`unknown disk state ${JSON.stringify(raw)} kept as raw, normalised to Unknown`);
  return 'Unknown';
}

export function normConnection(raw: string, warn: Warn): ConnectionState {
  if (CONNECTIONS.has(raw)) return raw as ConnectionState;
  const alias = CONNECTION_ALIASES.get(raw);
  if (alias) return alias;
  warn(`unknown connection state ${JSON.stringify(raw)} kept as raw, normalised to Unknown`);
  return 'Unknown';
}

export function normReplication(raw: string, warn: Warn): ReplicationState {
  if (REPLICATIONS.has(raw)) return raw as ReplicationState;
  warn(`unknown replication state ${JSON.stringify(raw)} kept as raw, normalised to Unknown`);
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
  if (REPLICATIONS.has(raw)) return { state: 'Connected', replication: raw as ReplicationState };
  if (raw === 'WFReportParams') return { state: 'Connected', replication: 'Off' };
  if (CONNECTIONS.has(raw) || CONNECTION_ALIASES.has(raw)) {
    return { state: normConnection(raw, warn), replication: 'Off' };
  }
  warn(`unknown connection state ${JSON.stringify(raw)} kept as raw, normalised to Unknown`);
  return { state: 'Unknown', replication: 'Unknown' };
}

/** `yes`/`no` (and JSON booleans) to boolean; anything else null with a warning. */
export function yesNo(raw: string, what: string, warn: Warn): boolean | null {
  if (raw === 'yes' || raw === 'true') return true;
  if (raw === 'no' || raw === 'false') return false;
  warn(`unexpected ${what} value ${JSON.stringify(raw)} (expected yes/no)`);
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
  if (raw === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return null;
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

/** Warning collector bound to a document. */
export function warner(warnings: ParseWarning[], line: () => number | null): Warn {
  return (message) => {
    warnings.push({ line: line(), message });
  };
}
