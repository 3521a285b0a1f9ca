/**
 * `drbdsetup status --json` (DRBD 9). The text is hand-printed by drbdsetup: `} ]`, a lone `,`
 * between resources, trailing spaces, `peer_devices` with an underscore, `resync-suspended` as a
 * string, and before drbd-utils 9.6.0 a bare `nan` (not JSON). Valid JSON takes the JSON.parse
 * fast path; otherwise a tolerant reader repairs `nan` to null (with a warning) or rejects the text
 * with the line and reason.
 */
import { newConnection, newPeerVolume, newResource, newVolume } from '../build.ts';
import { DrbdParseError } from '../errors.ts';
import type { Connection, DrbdStatus, PeerVolume, Resource, Volume } from '../model.ts';
import {
  normConnection,
  normDisk,
  normReplication,
  normRole,
  percentFromOos,
  suspendedFlag,
  type Warn,
} from '../normalize.ts';
import { readTolerantJson, type Json } from './tolerant-json.ts';

export interface JsonOptions {
  /** Repair bare nan/inf to null with a warning (default), or reject the document. */
  repairJson?: boolean;
}

type Obj = { [k: string]: Json };
type LineOf = (o: object) => number | null;

/** Raised while building the model; converted to a DrbdParseError with a line. */
class Shape extends Error {
  constructor(
    readonly at: object | null,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export function parseStatusJson(text: string, opts: JsonOptions = {}): DrbdStatus {
  const repair = opts.repairJson !== false;
  let value: Json;
  let lineOf: LineOf = () => null;
  const doc: DrbdStatus = {
    format: 'status-json',
    generation: '9',
    version: null,
    resources: [],
    unconfiguredMinors: [],
    warnings: [],
  };
  let fast = true;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    fast = false;
    const r = readTolerantJson(text, repair);
    value = r.value;
    lineOf = (o) => r.lineOf.get(o) ?? null;
    for (const rep of r.repairs) {
      doc.warnings.push({
        line: rep.line,
        message: `invalid JSON number ${rep.token} (drbd-utils before 9.6.0) read as null`,
      });
    }
  }
  try {
    build(value, doc, lineOf);
  } catch (e) {
    if (!(e instanceof Shape)) throw e;
    let line: number | null = null;
    if (e.at) {
      if (fast) {
        // Locate the offending object: read again, this time keeping line numbers.
        const again = readTolerantJson(text, true);
        try {
          build(again.value, { ...doc, resources: [], warnings: [] }, (o) => again.lineOf.get(o) ?? null);
        } catch (e2) {
          if (e2 instanceof Shape && e2.at) line = again.lineOf.get(e2.at) ?? null;
        }
      } else {
        line = lineOf(e.at);
      }
    }
    const n = line ?? 1;
    throw new DrbdParseError('status-json', n, text.split('\n')[n - 1] ?? '', e.reason);
  }
  return doc;
}

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function build(value: Json, doc: DrbdStatus, lineOf: LineOf): void {
  if (!Array.isArray(value)) throw new Shape(isObj(value) ? value : null, 'expected an array of resources');
  const names = new Set<string>();
  for (const r of value) {
    if (!isObj(r)) throw new Shape(value, 'resource is not an object');
    const line = lineOf(r);
    const warn: Warn = (message) => doc.warnings.push({ line, message });
    const name = r['name'];
    if (typeof name !== 'string' || name === '') throw new Shape(r, 'resource without a "name"');
    if (names.has(name)) throw new Shape(r, `resource ${name} listed twice`);
    names.add(name);
    doc.resources.push(resource(r, name, warn, lineOf, doc));
  }
}

function resource(r: Obj, name: string, warn: Warn, lineOf: LineOf, doc: DrbdStatus): Resource {
  const res = newResource(name);
  for (const [k, v] of Object.entries(r)) {
    switch (k) {
      case 'name':
      case 'devices':
      case 'connections':
        break;
      case 'node-id':
        res.nodeId = intOr(v, k, warn);
        break;
      case 'role':
        if (typeof v === 'string') {
          res.role = normRole(v, warn);
          res.roleRaw = v;
        } else warn(`"role" is not a string`);
        break;
      case 'suspended':
        if (typeof v === 'boolean') {
          res.suspended = v;
          res.suspendedRaw = v ? 'yes' : 'no';
        } else if (typeof v === 'string') {
          res.suspended = suspendedFlag(v);
          res.suspendedRaw = v;
        } else warn(`"suspended" is neither boolean nor string`);
        break;
      case 'write-ordering':
        res.writeOrdering = typeof v === 'string' ? v : null;
        break;
      default:
        stat(res.stats, k, v);
    }
  }
  if (res.roleRaw === null) warn('resource without "role"');
  for (const d of list(r, 'devices')) {
    const dw: Warn = (m) => doc.warnings.push({ line: lineOf(d), message: m });
    res.volumes.push(device(d, dw));
  }
  for (const c of list(r, 'connections')) {
    const cw: Warn = (m) => doc.warnings.push({ line: lineOf(c), message: m });
    res.connections.push(connection(c, cw, lineOf, doc));
  }
  for (const c of res.connections) {
    for (const pv of c.volumes) {
      if (pv.percentInSync === null) {
        const v = res.volumes.find((x) => x.volume === pv.volume);
        pv.percentInSync = percentFromOos(pv.outOfSyncKiB, v ? v.sizeKiB : null);
      }
    }
  }
  return res;
}

function list(o: Obj, key: string, alt?: string): Obj[] {
  const v = o[key] ?? (alt !== undefined ? o[alt] : undefined);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Shape(o, `"${key}" is not an array`);
  for (const x of v) if (!isObj(x)) throw new Shape(v, `"${key}" holds a non-object`);
  return v as Obj[];
}

function device(d: Obj, warn: Warn): Volume {
  const vol = newVolume(0);
  for (const [k, v] of Object.entries(d)) {
    switch (k) {
      case 'volume':
        vol.volume = intOr(v, k, warn) ?? 0;
        break;
      case 'minor':
        vol.minor = intOr(v, k, warn);
        break;
      case 'disk-state':
        if (typeof v === 'string') {
          vol.disk = normDisk(v, warn);
          vol.diskRaw = v;
        } else warn('"disk-state" is not a string');
        break;
      case 'client':
      case 'quorum':
      case 'open':
        vol[k] = boolOr(v, k, warn);
        break;
      case 'size':
        vol.sizeKiB = intOr(v, k, warn);
        break;
      default:
        stat(vol.stats, k, v);
    }
  }
  if (vol.diskRaw === null) warn('device without "disk-state"');
  return vol;
}

function connection(c: Obj, warn: Warn, lineOf: LineOf, doc: DrbdStatus): Connection {
  const conn = newConnection('');
  for (const [k, v] of Object.entries(c)) {
    switch (k) {
      case 'name':
        if (typeof v === 'string') conn.name = v;
        break;
      case 'peer_devices':
      case 'peer-devices':
        break;
      case 'peer-node-id':
        conn.peerNodeId = intOr(v, k, warn);
        break;
      case 'connection-state':
        if (typeof v === 'string') {
          conn.state = normConnection(v, warn);
          conn.stateRaw = v;
        } else warn('"connection-state" is not a string');
        break;
      case 'peer-role':
        if (typeof v === 'string') {
          conn.peerRole = normRole(v, warn);
          conn.peerRoleRaw = v;
        } else warn('"peer-role" is not a string');
        break;
      case 'congested':
        conn.congested = boolOr(v, k, warn);
        break;
      default:
        stat(conn.stats, k, v);
    }
  }
  if (conn.name === '') {
    conn.name = conn.peerNodeId !== null ? `peer-node-${conn.peerNodeId}` : 'peer';
    warn(`connection without "name", called ${conn.name}`);
  }
  for (const p of list(c, 'peer_devices', 'peer-devices')) {
    const pw: Warn = (m) => doc.warnings.push({ line: lineOf(p), message: m });
    conn.volumes.push(peerDevice(p, pw));
  }
  return conn;
}

function peerDevice(p: Obj, warn: Warn): PeerVolume {
  const pv = newPeerVolume(0);
  let details = false;
  for (const [k, v] of Object.entries(p)) {
    switch (k) {
      case 'volume':
        pv.volume = intOr(v, k, warn) ?? 0;
        break;
      case 'replication-state':
        if (typeof v === 'string') {
          pv.replication = normReplication(v, warn);
          pv.replicationRaw = v;
        } else warn('"replication-state" is not a string');
        break;
      case 'peer-disk-state':
        if (typeof v === 'string') {
          pv.peerDisk = normDisk(v, warn);
          pv.peerDiskRaw = v;
        } else warn('"peer-disk-state" is not a string');
        break;
      case 'peer-client':
        pv.peerClient = boolOr(v, k, warn);
        break;
      case 'resync-suspended':
        if (typeof v === 'string') {
          pv.resyncSuspended = suspendedFlag(v);
          pv.resyncSuspendedRaw = v;
        } else if (typeof v === 'boolean') {
          pv.resyncSuspended = v;
          pv.resyncSuspendedRaw = v ? 'yes' : 'no';
        } else warn('"resync-suspended" is neither string nor boolean');
        break;
      case 'out-of-sync':
        pv.outOfSyncKiB = intOr(v, k, warn);
        break;
      case 'percent-in-sync':
        pv.percentInSync = numOr(v, k, warn);
        break;
      case 'percent-resync-done':
        pv.resyncDone = numOr(v, k, warn);
        break;
      case 'has-sync-details':
        details = v === true;
        stat(pv.stats, k, v);
        break;
      default:
        stat(pv.stats, k, v);
    }
  }
  if (details) {
    const s = pv.stats;
    const n = (k: string): number | null => (typeof s[k] === 'number' ? (s[k] as number) : null);
    const eta = n('estimated-seconds-to-finish');
    const mib = (k: string): number | null => {
      const x = n(k);
      return x === null ? null : Math.round(x * 1024);
    };
    const total = n('rs-total');
    pv.sync = {
      percent: pv.resyncDone,
      remainingKiB: pv.outOfSyncKiB,
      totalKiB: total === null ? null : total / 2, // sectors
      finishSeconds: eta === null || eta === 987654321 ? null : eta, // drbdsetup's "unknown"
      speedKiBps: mib('db1/dt1 [MiB/s]'),
      averageSpeedKiBps: mib('db/dt [MiB/s]'),
      wantKiBps: mib('want'),
      verify: s['has-online-verify-details'] === 'yes',
    };
  }
  return pv;
}

function stat(into: Record<string, number | string>, k: string, v: Json | undefined): void {
  if (typeof v === 'number' || typeof v === 'string') into[k] = v;
  else if (typeof v === 'boolean') into[k] = v ? 'yes' : 'no';
  // arrays/objects (paths) and null are not statistics
}

function intOr(v: Json | undefined, k: string, warn: Warn): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  warn(`"${k}" is not an integer`);
  return null;
}

function numOr(v: Json | undefined, k: string, warn: Warn): number | null {
  if (typeof v === 'number') return v;
  warn(`"${k}" is not a number${v === null ? ' (null)' : ''}`);
  return null;
}

function boolOr(v: Json | undefined, k: string, warn: Warn): boolean | null {
  if (typeof v === 'boolean') return v;
  warn(`"${k}" is not a boolean`);
  return null;
}
