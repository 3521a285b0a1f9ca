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
 *
 * One pass over the lines; names and volume numbers are looked up in sets, so the time is
 * linear in the size of the text whatever its shape.
 */
import { indentOf, newConnection, newPeerVolume, newResource, newVolume } from '../build.ts';
import { startDocument } from '../document.ts';
import { fieldsOf } from '../fields.ts';
import { finishResource, inferGeneration, inferOmitted, isDrbd9Key } from '../finalize.ts';
import { quote } from '../limits.ts';
import { Lines } from '../lines.ts';
import type { Connection, DrbdStatus, PeerVolume, Resource, Volume } from '../model.ts';
import { int } from '../normalize.ts';
import { bareText, eachWord, firstWord, type Bare } from '../words.ts';

/** A line of white space only (tested without making a trimmed copy of every line). */
const BLANK_RE = /^\s*$/;
const ANSI_RE = /\x1b\[[0-9;]*m/g;
const PEER_VOLUME_FIRST_KEYS: ReadonlySet<string> = new Set(['replication', 'peer-disk', 'disk']);
const F = fieldsOf('status-text');

interface Cursor {
  res: Resource | null;
  /**
   * Duplicate checks without a set per object: the number of the resource (or connection) that
   * last used a connection name, volume number or peer volume number.
   */
  resNo: number;
  connNo: number;
  connNames: Map<string, number>;
  volNums: Map<number, number>;
  pvNums: Map<number, number>;
  vol: Volume | null;
  volIndent: number;
  conn: Connection | null;
  connIndent: number;
  pv: PeerVolume | null;
  pvIndent: number;
}

/**
 * Where the parts of the current resource and connection collect before they get their arrays
 * (exact size, made once): an array grown by push would leave garbage of 17 slots per object.
 */
class Collect<T> {
  private items: T[] = [];
  private n = 0;
  add(x: T): void {
    this.items[this.n++] = x;
  }
  /** The collected items as a new array; starts over. */
  take(): T[] {
    const out = this.items.slice(0, this.n);
    this.n = 0;
    return out;
  }
}

export function parseStatusText(text: string): DrbdStatus {
  const lines = new Lines(text);
  const at = startDocument('status-text');
  const { doc, warn, fail } = at;
  const cur: Cursor = {
    res: null, resNo: 0, connNo: 0, connNames: new Map(), volNums: new Map(), pvNums: new Map(),
    vol: null, volIndent: 0, conn: null, connIndent: 0, pv: null, pvIndent: 0,
  };
  let saw9 = false;
  const names = new Set<string>();
  const vols = new Collect<Volume>();
  const conns = new Collect<Connection>();
  const pvs = new Collect<PeerVolume>();
  const closeConnection = (): void => {
    if (cur.conn) cur.conn.volumes = pvs.take();
  };
  const closeResource = (): void => {
    closeConnection();
    if (cur.res) {
      cur.res.volumes = vols.take();
      cur.res.connections = conns.take();
    }
  };
  const note9 = (k: string): void => {
    if (!saw9 && isDrbd9Key(k)) saw9 = true;
  };
  const bareWarning = (where: string, bare: Bare): void => {
    if (bare.count) warn(`${where}: ${bareText(bare)}`);
  };

  for (let line = lines.next(); line !== null; line = lines.next()) {
    at.line = lines.no;
    at.lineText = line;
    if (line.includes('\x1b')) line = line.replace(ANSI_RE, '');
    if (BLANK_RE.test(line)) continue;
    const indent = indentOf(line);
    const first = firstWord(line);

    if (indent === 0) {
      if (first.includes(':')) fail('expected "<resource> role:<role>"');
      if (names.has(first)) fail(`resource ${quote(first)} listed twice`);
      const res = newResource(first);
      let role = false;
      const bare = eachWord(line, 1, (k, v) => {
        note9(k);
        if (k === 'role') role = true;
        F.resource(res, k, v, warn);
      });
      if (!role) fail('resource line without role:');
      bareWarning('unexpected words on the resource line', bare);
      names.add(first);
      closeResource();
      doc.resources.push(res);
      Object.assign(cur, { res, vol: null, conn: null, pv: null });
      cur.resNo++;
      continue;
    }
    const res = cur.res;
    if (!res) fail('indented line before any resource line');

    if (!first.includes(':')) {
      // A connection: "<peer> role:..." / "<peer> connection:..." / "<peer> node-id:..."
      if (cur.connNames.get(first) === cur.resNo) fail(`connection ${quote(first)} listed twice`);
      cur.connNames.set(first, cur.resNo);
      const conn = newConnection(first);
      const bare = eachWord(line, 1, (k, v) => {
        note9(k);
        F.connection(conn, k, v, warn);
      });
      bareWarning('unexpected words on the connection line', bare);
      closeConnection();
      conns.add(conn);
      Object.assign(cur, { conn, connIndent: indent, pv: null });
      cur.connNo++;
      continue;
    }

    const firstKey = first.slice(0, first.indexOf(':'));
    const inConn = cur.conn !== null && indent > cur.connIndent;
    let bare: Bare;

    if (inConn) {
      const conn = cur.conn!;
      const startsVolume =
        firstKey === 'volume' ||
        (PEER_VOLUME_FIRST_KEYS.has(firstKey) && (cur.pv === null || hasPeerKey(cur.pv, firstKey)));
      let pv: PeerVolume | null = null;
      if (startsVolume) {
        const n = firstKey === 'volume' ? volumeNumber(first.slice(7), fail) : 0;
        if (cur.pvNums.get(n) === cur.connNo) fail(`volume ${n} listed twice for ${quote(conn.name)}`);
        cur.pvNums.set(n, cur.connNo);
        pv = newPeerVolume(n);
        pvs.add(pv);
        Object.assign(cur, { pv, pvIndent: indent });
      } else if (cur.pv && indent > cur.pvIndent) {
        pv = cur.pv;
      }
      bare = pv
        ? eachWord(line, 0, (k, v) => (note9(k), F.peerVolume(pv!, k, v, warn)))
        : eachWord(line, 0, (k, v) => (note9(k), F.connection(conn, k, v, warn)));
    } else {
      if (cur.conn !== null) {
        // Less indented than the connection but not a connection: a local volume after a peer.
        fail('local volume line after a connection');
      }
      const startsVolume =
        firstKey === 'volume' || (firstKey === 'disk' && (cur.vol === null || cur.vol.diskRaw !== null));
      let vol: Volume | null = null;
      if (startsVolume) {
        const n = firstKey === 'volume' ? volumeNumber(first.slice(7), fail) : 0;
        if (cur.volNums.get(n) === cur.resNo) fail(`volume ${n} listed twice`);
        cur.volNums.set(n, cur.resNo);
        vol = newVolume(n);
        vols.add(vol);
        Object.assign(cur, { vol, volIndent: indent });
      } else if (cur.vol && indent > cur.volIndent) {
        vol = cur.vol;
      }
      bare = vol
        ? eachWord(line, 0, (k, v) => (note9(k), F.volume(vol!, k, v, warn)))
        : eachWord(line, 0, (k, v) => (note9(k), F.resource(res!, k, v, warn)));
    }
    bareWarning('words without a colon ignored', bare);
  }

  closeResource();
  for (const res of doc.resources) {
    inferOmitted(res);
    finishResource(res);
  }
  doc.generation = inferGeneration(saw9, doc.resources);
  at.warnings.finish();
  return doc;
}

function hasPeerKey(pv: PeerVolume, key: string): boolean {
  if (key === 'replication') return pv.replicationRaw !== null;
  return pv.peerDiskRaw !== null; // peer-disk or disk
}

function volumeNumber(raw: string, fail: (reason: string) => never): number {
  const n = int(raw);
  if (n === null || n < 0) fail(`volume:${quote(raw)} is not a volume number`);
  return n!;
}
