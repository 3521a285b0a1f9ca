/**
 * The one typed model every DRBD status format is parsed into.
 *
 * Conventions:
 * - Normalised fields (`role`, `disk`, `state`, `replication`, `peerDisk`) always hold one
 *   member of the unions below. Values the parser does not know become `'Unknown'` and the
 *   document gets a warning; the original text is kept in the matching `...Raw` field.
 * - A `...Raw` field is `null` when the source did not print the value and the parser inferred
 *   it (for example `drbdadm status` omits `connection:Connected` and `replication:Established`).
 * - Numbers that a format does not carry are `null`, never 0.
 * - Sizes and counters are KiB, as DRBD prints them.
 */

/** Which text a document was. */
export type Format =
  | 'proc-drbd' // cat /proc/drbd (8.3, 8.4; DRBD 9 prints only the version lines)
  | 'status-text' // drbdadm status / drbdsetup status [--verbose] [--statistics]
  | 'status-json' // drbdsetup status --json
  | 'events2' // drbdsetup events2 --now [--statistics] (also a live stream)
  | 'short-role' // drbdadm role <res>
  | 'short-cstate' // drbdadm cstate <res>
  | 'short-dstate'; // drbdadm dstate <res>

export const FORMATS: readonly Format[] = [
  'proc-drbd',
  'status-text',
  'status-json',
  'events2',
  'short-role',
  'short-cstate',
  'short-dstate',
];

/** DRBD generation the document came from; 'unknown' when the text does not tell. */
export type Generation = '8.3' | '8.4' | '9' | 'unknown';

export type Role = 'Primary' | 'Secondary' | 'Unknown';

export type DiskState =
  | 'Diskless'
  | 'Attaching'
  | 'Detaching'
  | 'Failed'
  | 'Negotiating'
  | 'Inconsistent'
  | 'Outdated'
  | 'DUnknown'
  | 'Consistent'
  | 'UpToDate'
  | 'Unknown';

/** DRBD 9 connection states; 8.x `cs:` values are mapped onto these (WFConnection → Connecting). */
export type ConnectionState =
  | 'StandAlone'
  | 'Disconnecting'
  | 'Unconnected'
  | 'Timeout'
  | 'BrokenPipe'
  | 'NetworkFailure'
  | 'ProtocolError'
  | 'TearDown'
  | 'Connecting'
  | 'Connected'
  | 'Unknown';

/** DRBD 9 replication states; an 8.x `cs:SyncSource` is Connected + SyncSource. */
export type ReplicationState =
  | 'Off'
  | 'Established'
  | 'StartingSyncS'
  | 'StartingSyncT'
  | 'WFBitMapS'
  | 'WFBitMapT'
  | 'WFSyncUUID'
  | 'SyncSource'
  | 'SyncTarget'
  | 'VerifyS'
  | 'VerifyT'
  | 'PausedSyncS'
  | 'PausedSyncT'
  | 'Ahead'
  | 'Behind'
  | 'Unknown';

/** Resync progress as /proc/drbd (8.x) or the JSON sync details print it. */
export interface SyncProgress {
  /** Percent of the running resync (or online verify) done, 0..100. */
  percent: number | null;
  /** KiB still to resync. */
  remainingKiB: number | null;
  /** KiB this resync covers (not the device size for a bitmap-based resync). */
  totalKiB: number | null;
  /** Estimated seconds to finish. */
  finishSeconds: number | null;
  /** Current speed, KiB/s. */
  speedKiBps: number | null;
  /** Average speed, KiB/s (the value in parentheses in /proc/drbd). */
  averageSpeedKiBps: number | null;
  /** Target speed of the dynamic resync controller, KiB/s (`want:`). */
  wantKiBps: number | null;
  /** True when /proc/drbd said `verified:` (online verify) rather than `sync'ed:`. */
  verify: boolean;
}

/** A local volume (DRBD 9 "device"; an 8.x minor). */
export interface Volume {
  /** Volume number within the resource (0 when the format does not print it). */
  volume: number;
  /** Device minor (/dev/drbdN), null when not printed (non-verbose status text). */
  minor: number | null;
  disk: DiskState;
  diskRaw: string | null;
  /** false when DRBD 9 reports no quorum; true when it reports quorum; null when not reported. */
  quorum: boolean | null;
  /** Intentionally diskless client (`client:yes`); null when not reported. */
  client: boolean | null;
  /** Device opened (events2 `open:`); null when not reported. */
  open: boolean | null;
  /** Device size, KiB; null when not reported. */
  sizeKiB: number | null;
  /** Backing device (events2 `backing_dev:`); null when not reported. */
  backingDev: string | null;
  /** Other numeric/text statistics (read, written, al-writes, /proc/drbd counters ns, nr, ...). */
  stats: Record<string, number | string>;
}

/** One volume as seen over one connection (DRBD 9 "peer device"). */
export interface PeerVolume {
  volume: number;
  replication: ReplicationState;
  replicationRaw: string | null;
  peerDisk: DiskState;
  peerDiskRaw: string | null;
  /** The peer's volume is an intentionally diskless client; null when not reported. */
  peerClient: boolean | null;
  /** Resync suspended (user, peer, dependency); null when not reported. */
  resyncSuspended: boolean | null;
  /** Raw text, e.g. `no`, `user`, `peer,dependency`. */
  resyncSuspendedRaw: string | null;
  /**
   * Percent of the volume in sync with this peer: JSON `percent-in-sync`, status text `done:`
   * (which drbdsetup computes as 100 × (1 − out-of-sync ÷ size)), or computed from
   * out-of-sync and size. 100 when out-of-sync is known to be 0. null when unknown.
   */
  percentInSync: number | null;
  /**
   * Progress of the running resync/verify, percent: events2 `done:`, /proc/drbd `sync'ed:`,
   * JSON `percent-resync-done`. null when no resync is reported.
   */
  resyncDone: number | null;
  /** KiB out of sync with this peer; null when not reported. */
  outOfSyncKiB: number | null;
  /** Detailed progress when the format prints it (/proc/drbd, JSON sync details). */
  sync: SyncProgress | null;
  /** Other statistics (received, sent, pending, unacked, rs-total, ...). */
  stats: Record<string, number | string>;
}

/** The link to one peer. DRBD 8.x has exactly one, named `peer` (as drbdsetup-84 names it). */
export interface Connection {
  /** Peer host name (DRBD 9), `peer` for DRBD 8.x, `peer-node-<id>` when only an id is known. */
  name: string;
  peerNodeId: number | null;
  state: ConnectionState;
  stateRaw: string | null;
  peerRole: Role;
  peerRoleRaw: string | null;
  congested: boolean | null;
  volumes: PeerVolume[];
  stats: Record<string, number | string>;
}

/** /proc/drbd I/O flags of a minor (e.g. `r-----`). */
export interface IoFlags {
  /** The flags as printed, NUL bytes (an 8.3 quirk) removed. */
  raw: string;
  /** I/O suspended (`s` in the first column). */
  ioSuspended: boolean;
  /** Resync paused because of an after-dependency (`a`). */
  pausedAfter: boolean;
  /** Resync paused by the peer (`p`). */
  pausedPeer: boolean;
  /** Resync paused by the user (`u`). */
  pausedUser: boolean;
  /** Congestion reason letter (`n` network, `a` activity log, `b` bitmap...), null if none. */
  congestion: string | null;
  /** Activity log suspended (`s` in the last column). */
  alSuspended: boolean;
}

export interface Resource {
  /** Resource name. /proc/drbd has no names: `minor-<N>` is used and `minor` is set. */
  name: string;
  /** The minor for /proc/drbd and short outputs given a minor; else null. */
  minor: number | null;
  /** Local node id (DRBD 9 JSON / verbose status), null when not printed. */
  nodeId: number | null;
  role: Role;
  roleRaw: string | null;
  /** I/O suspended; null when not reported. */
  suspended: boolean | null;
  /** Raw text, e.g. `no`, `user`, `no-data,fencing`, `quorum`. */
  suspendedRaw: string | null;
  /** DRBD 9 events2 `may_promote:`; null when not reported. */
  mayPromote: boolean | null;
  /** DRBD 9 events2 `promotion_score:`; null when not reported. */
  promotionScore: number | null;
  /** Replication protocol from /proc/drbd (A, B, C); null when empty (StandAlone) or not printed. */
  protocol: string | null;
  /** /proc/drbd I/O flags; null for other formats. */
  ioFlags: IoFlags | null;
  /** write-ordering (flush, drain, none, barrier); null when not reported. */
  writeOrdering: string | null;
  /** Other resource keys (force-io-failures, ...). */
  stats: Record<string, number | string>;
  volumes: Volume[];
  connections: Connection[];
}

export interface ParseWarning {
  /** 1-based line the warning is about; null when it concerns the whole document. */
  line: number | null;
  message: string;
}

/** What `parse()` returns. */
export interface DrbdStatus {
  format: Format;
  generation: Generation;
  /** DRBD kernel module version (/proc/drbd `version:`), null when the format does not print it. */
  version: string | null;
  resources: Resource[];
  /** /proc/drbd minors shown as `cs:Unconfigured`. */
  unconfiguredMinors: number[];
  warnings: ParseWarning[];
}
