/**
 * `drbdadm status` / `drbdsetup status [--verbose] [--statistics]` text (DRBD 9, and the 8.4
 * flavour drbd-utils 9 print through drbdsetup-84):
 *
 *   r0 role:Primary
 *     disk:UpToDate
 *     peer role:Secondary
 *       replication:SyncSource peer-disk:Inconsistent done:17.11
 *
 * A line at column 0 starts a resource; an indented line whose first word has no colon starts a
 * connection; `volume:N` (or a first `disk:` / `peer-disk:` / `replication:`) starts a volume;
 * any other indented line continues the nearest object above it that is less indented (this is
 * how --statistics and documentation line wrapping continue a line).
 */
import { indentOf, keyValues, newConnection, newPeerVolume, newResource, newVolume, splitLines, tokens } from '../build.ts';
import { startDocument } from '../document.ts';
import { finishResource, inferGeneration, inferOmitted, isDrbd9Key } from '../finalize.ts';
import { applyConnectionKey, applyPeerVolumeKey, applyResourceKey, applyVolumeKey } from '../keys.ts';
import type { Connection, DrbdStatus, PeerVolume, Resource, Volume } from '../model.ts';
import { int, warner } from '../normalize.ts';

const ANSI_RE = /\x1b\[[0-9;]*m/g;
const PEER_VOLUME_FIRST_KEYS: ReadonlySet<string> = new Set(['replication', 'peer-disk', 'disk']);

interface Cursor {
  res: Resource | null;
  vol: Volume | null;
  volIndent: number;
  conn: Connection | null;
  connIndent: number;
  pv: PeerVolume | null;
  pvIndent: number;
}

export function parseStatusText(text: string): DrbdStatus {
  const lines = splitLines(text);
  const at = startDocument('status-text', lines);
  const { doc, warn, fail } = at;
  const cur: Cursor = { res: null, vol: null, volIndent: 0, conn: null, connIndent: 0, pv: null, pvIndent: 0 };
  let saw9 = false;
  const names = new Set<string>();

  for (let i = 0; i < lines.length; i++) {
    at.line = i + 1;
    let line = lines[i]!;
    if (line.includes('\x1b')) line = line.replace(ANSI_RE, '');
    if (line.trim() === '') continue;
    const indent = indentOf(line);
    const toks = tokens(line);
    const first = toks[0]!;
    const { kv, bare } = keyValues(toks.slice(1));
    for (const k of kv.keys()) if (isDrbd9Key(k)) saw9 = true;

    if (indent === 0) {
      if (first.includes(':')) fail('expected "<resource> role:<role>"');
      if (!kv.has('role')) fail('resource line without role:');
      if (bare.length) warn(`unexpected words on the resource line: ${bare.join(' ')}`);
      if (names.has(first)) fail(`resource ${first} listed twice`);
      names.add(first);
      const res = newResource(first);
      for (const [k, v] of kv) applyResourceKey(res, k, v, warn);
      doc.resources.push(res);
      Object.assign(cur, { res, vol: null, conn: null, pv: null });
      continue;
    }
    const res = cur.res;
    if (!res) fail('indented line before any resource line');

    if (!first.includes(':')) {
      // A connection: "<peer> role:..." / "<peer> connection:..." / "<peer> node-id:..."
      if (bare.length) warn(`unexpected words on the connection line: ${bare.join(' ')}`);
      if (res!.connections.some((c) => c.name === first)) fail(`connection ${first} listed twice`);
      const conn = newConnection(first);
      for (const [k, v] of kv) applyConnectionKey(conn, k, v, warn);
      res!.connections.push(conn);
      Object.assign(cur, { conn, connIndent: indent, pv: null });
      continue;
    }

    const all = keyValues(toks);
    if (all.bare.length) warn(`words without a colon ignored: ${all.bare.join(' ')}`);
    const firstKey = first.slice(0, first.indexOf(':'));
    const inConn = cur.conn !== null && indent > cur.connIndent;

    if (inConn) {
      const conn = cur.conn!;
      const startsVolume =
        firstKey === 'volume' ||
        (PEER_VOLUME_FIRST_KEYS.has(firstKey) && (cur.pv === null || hasPeerKey(cur.pv, firstKey)));
      if (startsVolume) {
        const n = firstKey === 'volume' ? volumeNumber(all.kv.get('volume')!, fail) : 0;
        if (conn.volumes.some((p) => p.volume === n)) fail(`volume ${n} listed twice for ${conn.name}`);
        const pv = newPeerVolume(n);
        conn.volumes.push(pv);
        Object.assign(cur, { pv, pvIndent: indent });
        for (const [k, v] of all.kv) applyPeerVolumeKey(pv, k, v, warn, 'percentInSync');
      } else if (cur.pv && indent > cur.pvIndent) {
        for (const [k, v] of all.kv) applyPeerVolumeKey(cur.pv, k, v, warn, 'percentInSync');
      } else {
        for (const [k, v] of all.kv) applyConnectionKey(conn, k, v, warn);
      }
      continue;
    }

    if (cur.conn !== null) {
      // Less indented than the connection but not a connection: a local volume after a peer.
      fail('local volume line after a connection');
    }
    const startsVolume =
      firstKey === 'volume' || (firstKey === 'disk' && (cur.vol === null || cur.vol.diskRaw !== null));
    if (startsVolume) {
      const n = firstKey === 'volume' ? volumeNumber(all.kv.get('volume')!, fail) : 0;
      if (res!.volumes.some((v) => v.volume === n)) fail(`volume ${n} listed twice`);
      const vol = newVolume(n);
      res!.volumes.push(vol);
      Object.assign(cur, { vol, volIndent: indent });
      for (const [k, v] of all.kv) applyVolumeKey(vol, k, v, warn);
    } else if (cur.vol && indent > cur.volIndent) {
      for (const [k, v] of all.kv) applyVolumeKey(cur.vol, k, v, warn);
    } else {
      for (const [k, v] of all.kv) applyResourceKey(res!, k, v, warn);
    }
  }

  for (const res of doc.resources) {
    inferOmitted(res);
    finishResource(res);
  }
  doc.generation = inferGeneration(saw9, doc.resources);
  return doc;
}

function hasPeerKey(pv: PeerVolume, key: string): boolean {
  if (key === 'replication') return pv.replicationRaw !== null;
  return pv.peerDiskRaw !== null; // peer-disk or disk
}

function volumeNumber(raw: string, fail: (reason: string) => never): number {
  const n = int(raw);
  if (n === null || n < 0) fail(`volume:${raw} is not a volume number`);
  return n!;
}
