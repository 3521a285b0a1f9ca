/**
 * `drbdsetup events2 --now [--statistics]` (and a recorded live stream):
 *
 *   exists resource name:r0 role:Primary suspended:no
 *   exists connection name:r0 peer-node-id:0 conn-name:peer connection:Connected role:Secondary
 *   exists device name:r0 volume:0 minor:0 disk:UpToDate
 *   exists peer-device name:r0 peer-node-id:0 conn-name:peer volume:0 replication:Established ...
 *   exists -
 *
 * Events are applied in order (exists/create/change add or update, destroy removes), so a stream
 * gives the state after its last event. Lines that start with white space continue the previous
 * line (the user's guide wraps them). An optional leading timestamp (--timestamps) is skipped.
 *
 * Objects are found through maps (resource by name, volume by number, connection by peer node id
 * or name), and a destroyed object leaves its map, so a long stream costs time linear in its size.
 */
import { newConnection, newPeerVolume, newResource, newVolume } from '../build.ts';
import { startDocument, type Cursor } from '../document.ts';
import { fieldsOf } from '../fields.ts';
import { finishResource, inferGeneration, isDrbd9Key } from '../finalize.ts';
import { quote } from '../limits.ts';
import { Lines } from '../lines.ts';
import type { Connection, DrbdStatus, PeerVolume, Resource, Volume } from '../model.ts';
import { int } from '../normalize.ts';
import { bareText, eachWord } from '../words.ts';

/** A line of white space only (tested without making a trimmed copy of every line). */
const BLANK_RE = /^\s*$/;
const VERBS: ReadonlySet<string> = new Set(['exists', 'create', 'change', 'destroy', 'call', 'response', 'rename']);
const ID_KEYS: ReadonlySet<string> = new Set(['name', 'peer-node-id', 'conn-name', 'volume']);
const OBJECTS: ReadonlySet<string> = new Set(['resource', 'connection', 'device', 'peer-device']);
const TIMESTAMP_RE = /^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?$/;
const HEAD_RE = /^[ \t]*(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?/;
const F = fieldsOf('events2');

/** A resource and the maps that find its parts (made on first use: most resources need few). */
class State {
  private v: Map<number, Volume> | null = null;
  private c: Set<Connection> | null = null;
  private p: Map<number, Connection> | null = null;
  private n: Map<string, Connection> | null = null;
  private pv: Map<Connection, Map<number, PeerVolume>> | null = null;
  constructor(readonly res: Resource) {}
  get volumes(): Map<number, Volume> {
    return (this.v ??= new Map());
  }
  /** In order of appearance; a Set so that destroy is O(1). */
  get connections(): Set<Connection> {
    return (this.c ??= new Set());
  }
  get byPeerId(): Map<number, Connection> {
    return (this.p ??= new Map());
  }
  get byName(): Map<string, Connection> {
    return (this.n ??= new Map());
  }
  get peerVolumes(): Map<Connection, Map<number, PeerVolume>> {
    return (this.pv ??= new Map());
  }
  /** The model arrays, exact size. */
  finish(): Resource {
    this.res.volumes = this.v ? [...this.v.values()] : [];
    this.res.connections = this.c ? [...this.c] : [];
    for (const c of this.res.connections) c.volumes = [...(this.pv?.get(c)?.values() ?? [])];
    return this.res;
  }
}

export function parseEvents2(text: string): DrbdStatus {
  const lines = new Lines(text);
  const at = startDocument('events2');
  const resources = new Map<string, State>();
  const unnamed = new Set<Connection>();
  const sawDrbd9 = { value: false };

  // Continuation lines are joined to the logical line they continue before it is applied.
  let pending: { no: number; text: string } | null = null;
  const flush = (): void => {
    if (pending === null) return;
    at.line = pending.no;
    at.lineText = pending.text;
    applyEvent(pending.text, at, resources, unnamed, sawDrbd9);
    pending = null;
  };
  for (let line = lines.next(); line !== null; line = lines.next()) {
    if (BLANK_RE.test(line)) continue;
    if (line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) {
      if (pending === null) {
        at.line = lines.no;
        at.lineText = line;
        at.fail('continuation line before any event');
      }
      pending!.text += ` ${line.trim()}`;
      continue;
    }
    flush();
    pending = { no: lines.no, text: line };
  }
  flush();

  const { doc } = at;
  const saw9 = sawDrbd9.value;
  for (const s of resources.values()) doc.resources.push(s.finish());
  // drbdsetup-84 leaves conn-name out when StandAlone; its one peer is called "peer".
  if (!saw9) for (const c of unnamed) c.name = 'peer';
  doc.generation = inferGeneration(saw9, doc.resources);
  for (const res of doc.resources) finishResource(res);
  at.warnings.finish();
  return doc;
}

function applyEvent(
  line: string,
  at: Cursor,
  resources: Map<string, State>,
  unnamed: Set<Connection>,
  saw9: { value: boolean },
): void {
  const { warn, fail } = at;
  const head = HEAD_RE.exec(line);
  let words = head ? [head[1]!, head[2], head[3]] : [];
  let skip = 2;
  if (words[0] !== undefined && TIMESTAMP_RE.test(words[0])) {
    words = words.slice(1);
    skip = 3;
  }
  const verb = words[0] ?? '';
  const object = words[1];
  if (!VERBS.has(verb)) fail('expected "<exists|create|change|destroy> <object> key:value..."');
  if (object === undefined) fail('event without an object');
  if (object === '-') return; // end of the initial state dump
  if (verb === 'call' || verb === 'response' || verb === 'rename') return; // helpers, renames
  // First pass: the keys that say which object the event is about. The second pass (each)
  // applies every key in order, so a long line is never held as an array or a map of words.
  const kv = new Map<string, string>();
  const bare = eachWord(line, skip, (k, v) => {
    if (ID_KEYS.has(k)) kv.set(k, v);
    if (!saw9.value && isDrbd9Key(k)) saw9.value = true;
  });
  if (bare.count) warn(`words without a colon ignored: ${bareText(bare)}`);
  const each = (fn: (k: string, v: string) => void): void => void eachWord(line, skip, fn);
  if (object === 'path') {
    saw9.value = true; // paths exist only in DRBD 9
    return;
  }
  if (!OBJECTS.has(object!)) {
    warn(`unknown object ${quote(object!)} ignored`);
    return;
  }
  const name = kv.get('name');
  if (name === undefined || name === '') fail(`${object} event without name:`);
  const destroy = verb === 'destroy';
  let s = resources.get(name!);
  if (object === 'resource') {
    if (destroy) {
      resources.delete(name!);
      return;
    }
    if (!s) s = addResource(resources, name!);
    each((k, v) => F.resource(s!.res, k, v, warn));
    return;
  }
  if (!s) {
    if (destroy) return;
    s = addResource(resources, name!);
  }

  if (object === 'device') {
    const n = volumeOf(kv, fail);
    if (destroy) {
      s.volumes.delete(n);
      return;
    }
    let vol = s.volumes.get(n);
    if (!vol) s.volumes.set(n, (vol = newVolume(n)));
    each((k, v) => F.volume(vol!, k, v, warn));
    return;
  }

  const peerId = kv.has('peer-node-id') ? int(kv.get('peer-node-id')!) : null;
  const connName = kv.get('conn-name');
  if (peerId === null && connName === undefined) fail(`${object} event without peer-node-id: or conn-name:`);
  let conn = peerId !== null ? s.byPeerId.get(peerId) : s.byName.get(connName!);
  if (object === 'connection' && destroy) {
    if (conn) dropConnection(s, conn);
    return;
  }
  if (!conn) {
    if (destroy) return;
    conn = newConnection(connName ?? `peer-node-${peerId}`);
    conn.peerNodeId = peerId;
    if (connName === undefined) unnamed.add(conn);
    s.connections.add(conn);
    s.peerVolumes.set(conn, new Map());
    index(s, conn);
  } else if (connName !== undefined && unnamed.has(conn)) {
    conn.name = connName;
    unnamed.delete(conn);
    index(s, conn);
  }
  if (object === 'connection') {
    each((k, v) => F.connection(conn!, k, v, warn));
    index(s, conn);
    return;
  }
  // peer-device
  const n = volumeOf(kv, fail);
  const pvs = s.peerVolumes.get(conn)!;
  if (destroy) {
    pvs.delete(n);
    return;
  }
  let pv = pvs.get(n);
  if (!pv) pvs.set(n, (pv = newPeerVolume(n)));
  each((k, v) => F.peerVolume(pv!, k, v, warn));
}

function addResource(resources: Map<string, State>, name: string): State {
  const s = new State(newResource(name));
  resources.set(name, s);
  return s;
}

/** Make a connection findable by its peer node id and name (the first one with them wins). */
function index(s: State, c: Connection): void {
  if (c.peerNodeId !== null && !s.byPeerId.has(c.peerNodeId)) s.byPeerId.set(c.peerNodeId, c);
  if (!s.byName.has(c.name)) s.byName.set(c.name, c);
}

function dropConnection(s: State, c: Connection): void {
  s.connections.delete(c);
  s.peerVolumes.delete(c);
  if (c.peerNodeId !== null && s.byPeerId.get(c.peerNodeId) === c) s.byPeerId.delete(c.peerNodeId);
  if (s.byName.get(c.name) === c) s.byName.delete(c.name);
  // Another connection with the same id or name (hand-made input) becomes findable again;
  // DRBD has at most 31 peers, so only a hand-made document has more to look through.
  if (s.connections.size <= 64) for (const other of s.connections) index(s, other);
}

function volumeOf(kv: Map<string, string>, fail: (reason: string) => never): number {
  const raw = kv.get('volume');
  const n = raw === undefined ? null : int(raw);
  if (n === null || n < 0) fail('event without a valid volume:');
  return n!;
}
