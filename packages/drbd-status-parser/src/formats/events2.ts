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
 */
import { keyValues, newConnection, newPeerVolume, newResource, newVolume, splitLines, tokens } from '../build.ts';
import { startDocument } from '../document.ts';
import { finishResource, inferGeneration, isDrbd9Key } from '../finalize.ts';
import { applyConnectionKey, applyPeerVolumeKey, applyResourceKey, applyVolumeKey } from '../keys.ts';
import type { Connection, DrbdStatus, Resource } from '../model.ts';
import { int, warner } from '../normalize.ts';

const VERBS: ReadonlySet<string> = new Set(['exists', 'create', 'change', 'destroy', 'call', 'response', 'rename']);
const TIMESTAMP_RE = /^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?$/;

export function parseEvents2(text: string): DrbdStatus {
  const lines = splitLines(text);
  const at = startDocument('events2', lines);
  const { doc, warn, fail } = at;
  const byName = new Map<string, Resource>();
  const unnamed = new Set<Connection>();
  let saw9 = false;

  // Join continuation lines first, remembering where each logical line started.
  const logical: { no: number; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    if (/^[ \t]/.test(line)) {
      const prev = logical[logical.length - 1];
      at.line = i + 1;
      if (!prev) fail('continuation line before any event');
      prev!.text += ` ${line.trim()}`;
      continue;
    }
    logical.push({ no: i + 1, text: line });
  }

  for (const { no, text: line } of logical) {
    at.line = no;
    let toks = tokens(line);
    if (toks.length > 0 && TIMESTAMP_RE.test(toks[0]!)) toks = toks.slice(1);
    const verb = toks[0] ?? '';
    const object = toks[1];
    if (!VERBS.has(verb)) fail('expected "<exists|create|change|destroy> <object> key:value..."');
    if (object === undefined) fail('event without an object');
    if (object === '-') continue; // end of the initial state dump
    if (verb === 'call' || verb === 'response' || verb === 'rename') continue; // helpers, renames
    const { kv, bare } = keyValues(toks.slice(2));
    if (bare.length) warn(`words without a colon ignored: ${bare.join(' ')}`);
    for (const k of kv.keys()) if (isDrbd9Key(k)) saw9 = true;
    if (object === 'path') {
      saw9 = true; // paths exist only in DRBD 9
      continue;
    }
    if (!['resource', 'connection', 'device', 'peer-device'].includes(object!)) {
      warn(`unknown object ${JSON.stringify(object)} ignored`);
      continue;
    }
    const name = kv.get('name');
    if (name === undefined || name === '') fail(`${object} event without name:`);
    const destroy = verb === 'destroy';
    let res = byName.get(name!);
    if (object === 'resource') {
      if (destroy) {
        if (res) {
          byName.delete(name!);
          doc.resources.splice(doc.resources.indexOf(res), 1);
        }
        continue;
      }
      if (!res) res = addResource(doc, byName, name!);
      for (const [k, v] of kv) applyResourceKey(res, k, v, warn);
      continue;
    }
    if (!res) {
      if (destroy) continue;
      res = addResource(doc, byName, name!);
    }

    if (object === 'device') {
      const n = volumeOf(kv, fail);
      const i = res.volumes.findIndex((v) => v.volume === n);
      if (destroy) {
        if (i >= 0) res.volumes.splice(i, 1);
        continue;
      }
      let vol = res.volumes[i];
      if (!vol) res.volumes.push((vol = newVolume(n)));
      for (const [k, v] of kv) applyVolumeKey(vol, k, v, warn);
      continue;
    }

    const peerId = kv.has('peer-node-id') ? int(kv.get('peer-node-id')!) : null;
    const connName = kv.get('conn-name');
    const ci = res.connections.findIndex((c) =>
      peerId !== null ? c.peerNodeId === peerId : connName !== undefined && c.name === connName,
    );
    if (peerId === null && connName === undefined) fail(`${object} event without peer-node-id: or conn-name:`);
    if (object === 'connection' && destroy) {
      if (ci >= 0) res.connections.splice(ci, 1);
      continue;
    }
    let conn = res.connections[ci];
    if (!conn) {
      if (destroy) continue;
      conn = newConnection(connName ?? `peer-node-${peerId}`);
      conn.peerNodeId = peerId;
      if (connName === undefined) unnamed.add(conn);
      res.connections.push(conn);
    } else if (connName !== undefined && unnamed.has(conn)) {
      conn.name = connName;
      unnamed.delete(conn);
    }
    if (object === 'connection') {
      for (const [k, v] of kv) applyConnectionKey(conn, k, v, warn);
      continue;
    }
    // peer-device
    const n = volumeOf(kv, fail);
    const pi = conn.volumes.findIndex((p) => p.volume === n);
    if (destroy) {
      if (pi >= 0) conn.volumes.splice(pi, 1);
      continue;
    }
    let pv = conn.volumes[pi];
    if (!pv) conn.volumes.push((pv = newPeerVolume(n)));
    for (const [k, v] of kv) applyPeerVolumeKey(pv, k, v, warn, 'resyncDone');
  }

  // drbdsetup-84 leaves conn-name out when StandAlone; its one peer is called "peer".
  if (!saw9) for (const c of unnamed) c.name = 'peer';
  doc.generation = inferGeneration(saw9, doc.resources);
  for (const res of doc.resources) finishResource(res);
  return doc;
}

function addResource(doc: DrbdStatus, byName: Map<string, Resource>, name: string): Resource {
  const res = newResource(name);
  byName.set(name, res);
  doc.resources.push(res);
  return res;
}

function volumeOf(kv: Map<string, string>, fail: (reason: string) => never): number {
  const raw = kv.get('volume');
  const n = raw === undefined ? null : int(raw);
  if (n === null || n < 0) fail('event without a valid volume:');
  return n!;
}
