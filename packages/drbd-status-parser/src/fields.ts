/**
 * The one table of DRBD field names. `drbdsetup status` text, `events2` and `drbdsetup status
 * --json` print the same fields of the same four objects under (partly) different names: text
 * and events2 `disk:UpToDate`, JSON `"disk-state": "UpToDate"`. Each row below lists every name
 * of one model field and the one setter that reads it, so the three readers agree by
 * construction. Values are strings from the text formats and JSON values from --json; the
 * setters accept both. A key no row names is kept in the object's `stats` (at most MAX_STATS).
 *
 * `name`, `conn-name` and the JSON `devices`/`connections`/`peer_devices` arrays say which object a
 * line or value belongs to: the readers handle them, the table ignores them.
 */
import { MAX_STATS, quote } from './limits.ts';
import type { Connection, PeerVolume, Resource, Volume } from './model.ts';
import { int, intern, normConnection, normDisk, normReplication, normRole, num, suspendedFlag, yesNo } from './normalize.ts';
import type { Warn } from './warnings.ts';

export type Scalar = string | number | boolean | null;
/** The readers; only `done` means different things to them. */
export type Reader = 'status-text' | 'events2' | 'status-json';

type Setter<T> = (o: T, v: Scalar, key: string, warn: Warn) => void;
interface Row<T> {
  names: readonly string[];
  /** Only this reader knows the names (default: all of them). */
  only?: Reader;
  set: Setter<T>;
}

const IGNORE: Setter<unknown> = () => {};

/** The raw text, as the shared normalised string when they are equal (one copy, not millions). */
const same = (normalised: string, raw: string): string => (normalised === raw ? normalised : raw);

// --- value readers: a text word or a JSON value, with a warning when it is neither ---

const shown = (key: string, v: Scalar): string => `${key} ${typeof v === 'string' ? quote(v) : String(v)}`;

function str(v: Scalar, key: string, warn: Warn): string | null {
  if (typeof v === 'string') return intern(v);
  warn(`${shown(key, v)} is not a string`);
  return null;
}

function integer(v: Scalar, key: string, warn: Warn): number | null {
  const n = typeof v === 'number' ? (Number.isInteger(v) ? v : null) : typeof v === 'string' ? int(v) : null;
  if (n === null) warn(`${shown(key, v)} is not an integer`);
  return n;
}

function number(v: Scalar, key: string, warn: Warn): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? num(v) : null;
  if (n === null) warn(`${shown(key, v)} is not a number`);
  return n;
}

function bool(v: Scalar, key: string, warn: Warn): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return yesNo(v, key, warn);
  warn(`${shown(key, v)} is not a boolean`);
  return null;
}

/** `suspended:no` / `"suspended": false` / `resync-suspended:user,peer`: the flag and its text. */
function suspension(v: Scalar, key: string, warn: Warn): { flag: boolean; raw: string } | null {
  if (typeof v === 'boolean') return { flag: v, raw: v ? 'yes' : 'no' };
  if (typeof v === 'string') return { flag: suspendedFlag(v), raw: intern(v) };
  warn(`${shown(key, v)} is neither a boolean nor a string`);
  return null;
}

// --- the four objects ---

const RESOURCE: readonly Row<Resource>[] = [
  { names: ['name'], set: IGNORE },
  {
    names: ['role'],
    set: (r, v, k, w) => {
      const s = str(v, k, w);
      if (s !== null) {
        const n = normRole(s, w);
        r.role = n;
        r.roleRaw = same(n, s);
      }
    },
  },
  {
    names: ['suspended'],
    set: (r, v, k, w) => {
      const s = suspension(v, k, w);
      if (s) [r.suspended, r.suspendedRaw] = [s.flag, s.raw];
    },
  },
  { names: ['node-id'], set: (r, v, k, w) => void (r.nodeId = integer(v, k, w)) },
  { names: ['write-ordering'], set: (r, v, k, w) => void (r.writeOrdering = str(v, k, w)) },
  { names: ['may_promote', 'may-promote'], set: (r, v, k, w) => void (r.mayPromote = bool(v, k, w)) },
  { names: ['promotion_score', 'promotion-score'], set: (r, v, k, w) => void (r.promotionScore = integer(v, k, w)) },
];

const VOLUME: readonly Row<Volume>[] = [
  { names: ['name'], set: IGNORE },
  { names: ['volume'], set: (o, v, k, w) => void (o.volume = integer(v, k, w) ?? o.volume) },
  { names: ['minor'], set: (o, v, k, w) => void (o.minor = integer(v, k, w)) },
  {
    names: ['disk', 'disk-state'],
    set: (o, v, k, w) => {
      const s = str(v, k, w);
      if (s !== null) {
        const n = normDisk(s, w);
        o.disk = n;
        o.diskRaw = same(n, s);
      }
    },
  },
  { names: ['quorum'], set: (o, v, k, w) => void (o.quorum = bool(v, k, w)) },
  { names: ['client'], set: (o, v, k, w) => void (o.client = bool(v, k, w)) },
  { names: ['open'], set: (o, v, k, w) => void (o.open = bool(v, k, w)) },
  { names: ['size'], set: (o, v, k, w) => void (o.sizeKiB = integer(v, k, w)) },
  { names: ['backing_dev', 'backing-dev'], set: (o, v, k, w) => void (o.backingDev = str(v, k, w)) },
];

const CONNECTION: readonly Row<Connection>[] = [
  { names: ['name', 'conn-name'], set: IGNORE },
  { names: ['node-id', 'peer-node-id'], set: (c, v, k, w) => void (c.peerNodeId = integer(v, k, w)) },
  {
    names: ['connection', 'connection-state'],
    set: (c, v, k, w) => {
      const s = str(v, k, w);
      if (s !== null) {
        const n = normConnection(s, w);
        c.state = n;
        c.stateRaw = same(n, s);
      }
    },
  },
  {
    names: ['role', 'peer-role'],
    set: (c, v, k, w) => {
      const s = str(v, k, w);
      if (s !== null) {
        const n = normRole(s, w);
        c.peerRole = n;
        c.peerRoleRaw = same(n, s);
      }
    },
  },
  { names: ['congested'], set: (c, v, k, w) => void (c.congested = bool(v, k, w)) },
];

const PEER_VOLUME: readonly Row<PeerVolume>[] = [
  { names: ['name', 'conn-name', 'peer-node-id'], set: IGNORE },
  { names: ['volume'], set: (p, v, k, w) => void (p.volume = integer(v, k, w) ?? p.volume) },
  {
    names: ['replication', 'replication-state'],
    set: (p, v, k, w) => {
      const s = str(v, k, w);
      if (s !== null) {
        const n = normReplication(s, w);
        p.replication = n;
        p.replicationRaw = same(n, s);
      }
    },
  },
  {
    // `disk:` is what old DRBD 9.0 userland printed for the peer
    names: ['peer-disk', 'peer-disk-state', 'disk'],
    set: (p, v, k, w) => {
      const s = str(v, k, w);
      if (s !== null) {
        const n = normDisk(s, w);
        p.peerDisk = n;
        p.peerDiskRaw = same(n, s);
      }
    },
  },
  { names: ['peer-client'], set: (p, v, k, w) => void (p.peerClient = bool(v, k, w)) },
  {
    names: ['resync-suspended'],
    set: (p, v, k, w) => {
      const s = suspension(v, k, w);
      if (s) [p.resyncSuspended, p.resyncSuspendedRaw] = [s.flag, s.raw];
    },
  },
  { names: ['out-of-sync'], set: (p, v, k, w) => void (p.outOfSyncKiB = integer(v, k, w)) },
  // Share of the volume in sync with the peer; status text prints it as `done:` (drbdsetup
  // computes 100 × (1 − oos/size)).
  { names: ['percent-in-sync'], set: (p, v, k, w) => void (p.percentInSync = number(v, k, w)) },
  { names: ['done'], only: 'status-text', set: (p, v, k, w) => void (p.percentInSync = number(v, k, w)) },
  // Progress of the running resync; events2 prints it as `done:`.
  { names: ['percent-resync-done'], set: (p, v, k, w) => void (p.resyncDone = number(v, k, w)) },
  { names: ['done'], only: 'events2', set: (p, v, k, w) => void (p.resyncDone = number(v, k, w)) },
];

// --- statistics: every other key ---

const statCount = new WeakMap<object, number>();

/**
 * Keep an unknown key: numbers as numbers (text `123` too), booleans as yes/no, other text as
 * is; JSON null, arrays and objects (paths) are not statistics. At most MAX_STATS per object.
 */
export function stat(into: Record<string, number | string>, key: string, v: Scalar | object, warn: Warn): void {
  let value: number | string;
  if (typeof v === 'number') value = v;
  else if (typeof v === 'string') value = num(v) ?? intern(v);
  else if (typeof v === 'boolean') value = v ? 'yes' : 'no';
  else return;
  if (!Object.hasOwn(into, key)) {
    const n = statCount.get(into) ?? 0;
    if (n >= MAX_STATS) {
      if (n === MAX_STATS) warn(`more than ${MAX_STATS} statistics on one object: ${quote(key)} and any later ones dropped`);
      statCount.set(into, MAX_STATS + 1);
      return;
    }
    statCount.set(into, n + 1);
  }
  // A key named __proto__ would otherwise set the prototype instead of a property.
  if (key === '__proto__') Object.defineProperty(into, key, { value, writable: true, enumerable: true, configurable: true });
  else into[key] = value;
}

// --- compiled per reader ---

type Apply<T> = (o: T, key: string, v: Scalar | object, warn: Warn) => void;

function compile<T extends { stats: Record<string, number | string> }>(rows: readonly Row<T>[], reader: Reader): Apply<T> {
  const byName = new Map<string, Setter<T>>();
  for (const row of rows) {
    if (row.only !== undefined && row.only !== reader) continue;
    for (const name of row.names) {
      if (byName.has(name)) throw new Error(`field table: ${name} listed twice for ${reader}`);
      byName.set(name, row.set);
    }
  }
  return (o, key, v, warn) => {
    const set = byName.get(key);
    if (set === undefined) stat(o.stats, key, v, warn);
    else if (v !== null && typeof v === 'object') warn(`${key} is not a single value`);
    else set(o, v, key, warn);
  };
}

export interface Fields {
  resource: Apply<Resource>;
  volume: Apply<Volume>;
  connection: Apply<Connection>;
  peerVolume: Apply<PeerVolume>;
}

const compiled = new Map<Reader, Fields>();

/** The field setters of one reader (built once). */
export function fieldsOf(reader: Reader): Fields {
  let f = compiled.get(reader);
  if (!f) {
    f = {
      resource: compile(RESOURCE, reader),
      volume: compile(VOLUME, reader),
      connection: compile(CONNECTION, reader),
      peerVolume: compile(PEER_VOLUME, reader),
    };
    compiled.set(reader, f);
  }
  return f;
}

/** Every name the table knows, by object (for tests and documentation). */
export const FIELD_NAMES = {
  resource: RESOURCE.flatMap((r) => r.names),
  volume: VOLUME.flatMap((r) => r.names),
  connection: CONNECTION.flatMap((r) => r.names),
  peerVolume: PEER_VOLUME.flatMap((r) => r.names),
};
