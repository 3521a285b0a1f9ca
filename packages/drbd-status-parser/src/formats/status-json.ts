/**
 * `drbdsetup status --json` (DRBD 9). The text is hand-printed by drbdsetup: `} ]`, a lone `,`
 * between resources, trailing spaces, `peer_devices` with an underscore, `resync-suspended` as a
 * string, and before drbd-utils 9.6.0 a bare `nan` (not JSON). Valid JSON takes the JSON.parse
 * fast path; otherwise a tolerant reader repairs `nan` to null (with a warning) or rejects the text
 * with the line and reason. Nesting deeper than MAX_JSON_DEPTH is refused on both paths.
 * Field names come from the table the text readers use (fields.ts).
 */
import { newConnection, newPeerVolume, newResource, newVolume } from '../build.ts';
import { emptyDocument } from '../document.ts';
import { DrbdParseError } from '../errors.ts';
import { fieldsOf } from '../fields.ts';
import { fillPercentInSync } from '../finalize.ts';
import { lineAt } from '../input.ts';
import { MAX_JSON_DEPTH, quote } from '../limits.ts';
import type { Connection, DrbdStatus, PeerVolume, Resource, Volume } from '../model.ts';
import { Warnings, type Warn } from '../warnings.ts';
import { readTolerantJson, type Json } from './tolerant-json.ts';

export interface JsonOptions {
  /** Repair bare nan/inf to null with a warning (default), or reject the document. */
  repairJson?: boolean;
}

type Obj = { [k: string]: Json };
type LineOf = (o: object) => number | null;

const F = fieldsOf('status-json');

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
  const doc: DrbdStatus = { ...emptyDocument('status-json'), generation: '9' };
  const warnings = new Warnings(doc.warnings);
  let fast = true;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    fast = false;
  }
  if (fast && deeperThan(value!, MAX_JSON_DEPTH)) fast = false; // the tolerant reader says where
  if (!fast) {
    const r = readTolerantJson(text, repair);
    value = r.value;
    lineOf = (o) => r.lineOf.get(o) ?? null;
    for (const rep of r.repairs) {
      warnings.add(rep.line, `invalid JSON number ${rep.token} (drbd-utils before 9.6.0) read as null`);
    }
    warnings.more(r.repairCount - r.repairs.length);
  }
  try {
    build(value!, doc, warnings, lineOf);
  } catch (e) {
    if (!(e instanceof Shape)) throw e;
    let line: number | null = null;
    if (e.at) {
      if (fast) {
        // Locate the offending object: read again, this time keeping line numbers.
        const again = readTolerantJson(text, true);
        const scratch = emptyDocument('status-json');
        try {
          build(again.value, scratch, new Warnings(scratch.warnings), (o) => again.lineOf.get(o) ?? null);
        } catch (e2) {
          if (e2 instanceof Shape && e2.at) line = again.lineOf.get(e2.at) ?? null;
        }
      } else {
        line = lineOf(e.at);
      }
    }
    const n = line ?? 1;
    throw new DrbdParseError('status-json', n, lineAt(text, n), e.reason);
  }
  warnings.finish();
  return doc;
}

/** Whether a parsed value nests deeper than `max` (iterative: no recursion on hostile input). */
function deeperThan(value: Json, max: number): boolean {
  const stack: { v: Json; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return true;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push({ v: x, d: d + 1 });
    } else {
      for (const k of Object.keys(v)) {
        const x = v[k]!;
        if (x !== null && typeof x === 'object') stack.push({ v: x, d: d + 1 });
      }
    }
  }
  return false;
}

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function build(value: Json, doc: DrbdStatus, warnings: Warnings, lineOf: LineOf): void {
  if (!Array.isArray(value)) throw new Shape(isObj(value) ? value : null, 'expected an array of resources');
  const names = new Set<string>();
  for (const r of value) {
    if (!isObj(r)) throw new Shape(value, 'resource is not an object');
    const name = r['name'];
    if (typeof name !== 'string' || name === '') throw new Shape(r, 'resource without a "name"');
    if (names.has(name)) throw new Shape(r, `resource ${quote(name)} listed twice`);
    names.add(name);
    doc.resources.push(resource(r, name, warnings, lineOf));
  }
}

/** Apply every key of a JSON object but the structural ones through the field table. */
function fields<T>(o: Obj, into: T, apply: (o: T, k: string, v: Json, warn: Warn) => void, skip: ReadonlySet<string>, warn: Warn): void {
  for (const k of Object.keys(o)) if (!skip.has(k)) apply(into, k, o[k]!, warn);
}

const RESOURCE_STRUCTURE: ReadonlySet<string> = new Set(['name', 'devices', 'connections']);
const CONNECTION_STRUCTURE: ReadonlySet<string> = new Set(['name', 'peer_devices', 'peer-devices']);
const NONE: ReadonlySet<string> = new Set();

function resource(r: Obj, name: string, warnings: Warnings, lineOf: LineOf): Resource {
  const res = newResource(name);
  const warn = warnings.at(lineOf(r));
  fields(r, res, F.resource, RESOURCE_STRUCTURE, warn);
  if (res.roleRaw === null) warn('resource without "role"');
  res.volumes = list(r, 'devices').map((d) => device(d, warnings.at(lineOf(d))));
  res.connections = list(r, 'connections').map((c) => connection(c, warnings, lineOf));
  fillPercentInSync(res);
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
  fields(d, vol, F.volume, NONE, warn);
  if (vol.diskRaw === null) warn('device without "disk-state"');
  return vol;
}

function connection(c: Obj, warnings: Warnings, lineOf: LineOf): Connection {
  const warn = warnings.at(lineOf(c));
  const conn = newConnection('');
  if (typeof c['name'] === 'string') conn.name = c['name'];
  fields(c, conn, F.connection, CONNECTION_STRUCTURE, warn);
  if (conn.name === '') {
    conn.name = conn.peerNodeId !== null ? `peer-node-${conn.peerNodeId}` : 'peer';
    warn(`connection without "name", called ${conn.name}`);
  }
  conn.volumes = list(c, 'peer_devices', 'peer-devices').map((p) => peerDevice(p, warnings.at(lineOf(p))));
  return conn;
}

function peerDevice(p: Obj, warn: Warn): PeerVolume {
  const pv = newPeerVolume(0);
  fields(p, pv, F.peerVolume, NONE, warn);
  if (p['has-sync-details'] === true) {
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
