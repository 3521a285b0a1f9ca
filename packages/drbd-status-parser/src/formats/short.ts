/**
 * The one-word answers of `drbdadm role|cstate|dstate <res>`:
 *
 *   8.4:  role  → Primary/Secondary      cstate → Connected | SyncSource | WFConnection ...
 *         dstate → UpToDate/Inconsistent (or "Consistent" alone, from the on-disk metadata,
 *         when the resource is down); any of them → Unconfigured
 *   9:    role  → Primary (one line per resource)
 *         cstate → Connected (one line per connection)
 *         dstate → UpToDate/UpToDate[/...] (one line per volume: local, then each peer)
 *
 * They carry no names: the resource is called by `opts.resource` (default `unnamed`) and peers
 * `peer` (8.x, single line) or `peer-<i>` (9, one per cstate line).
 */
import { newConnection, newPeerVolume, newResource, newVolume } from '../build.ts';
import { Lines } from '../lines.ts';
import { startDocument } from '../document.ts';
import type { DrbdStatus, Format, Generation, PeerVolume, ReplicationState } from '../model.ts';
import {
  isConnectionWord,
  isDiskWord,
  isReplicationWord,
  isRoleWord,
  normDisk,
  normRole,
  splitCs,
} from '../normalize.ts';

export type ShortFormat = Extract<Format, 'short-role' | 'short-cstate' | 'short-dstate'>;

export interface ShortOptions {
  /** Name to give the resource (the short outputs do not print it). */
  resource?: string;
}

/** Which short output a list of words looks like, or null. */
export function shortKind(lines: Iterable<string>): ShortFormat | null {
  let kind: ShortFormat | null = null;
  for (const line of lines) {
    const words = line.trim().split('/');
    let k: ShortFormat | null;
    if (words.length === 1 && line.trim() === 'Unconfigured') k = kind ?? 'short-cstate';
    else if (words.every(isRoleWord)) k = 'short-role';
    else if (words.every(isDiskWord)) k = 'short-dstate';
    else if (words.length === 1 && (isConnectionWord(words[0]!) || isReplicationWord(words[0]!) || words[0] === 'Connected')) {
      k = 'short-cstate';
    } else return null;
    if (kind !== null && k !== kind) return null;
    kind = k;
  }
  return kind;
}

/** Each non-empty line, trimmed, with its number (read lazily: no array of lines). */
function eachLine(text: string, fn: (line: string, no: number, i: number) => void): void {
  const lines = new Lines(text);
  let i = 0;
  for (let l = lines.next(); l !== null; l = lines.next()) {
    const t = l.trim();
    if (t !== '') fn(t, lines.no, i++);
  }
}

export function parseShort(text: string, format: ShortFormat, opts: ShortOptions = {}): DrbdStatus {
  // First pass: how many lines, the first one, whether any has a "/" (or several).
  let count = 0;
  let first = { no: 1, text: '' };
  let slash = false;
  let manyParts = false;
  eachLine(text, (t, no) => {
    if (count++ === 0) first = { no, text: t };
    const i = t.indexOf('/');
    if (i !== -1) {
      slash = true;
      if (t.indexOf('/', i + 1) !== -1) manyParts = true;
    }
  });
  const at = startDocument(format);
  const { doc, warn, fail } = at;
  const on = (no: number, t: string): void => {
    at.line = no;
    at.lineText = t;
  };
  if (count === 0) {
    on(1, '');
    fail('empty output');
  }
  if (count === 1 && first.text === 'Unconfigured') {
    on(first.no, first.text);
    warn('the resource is not configured in the kernel (Unconfigured)');
    at.warnings.finish();
    return doc;
  }
  const res = newResource(opts.resource ?? 'unnamed');
  doc.resources.push(res);
  let gen: Generation = 'unknown';

  if (format === 'short-role') {
    // 8.4: "Primary/Secondary" (one line); 9: "Primary" per resource (only the first is used).
    on(first.no, first.text);
    const [local = '', peer] = first.text.split('/', 2);
    if (count > 1) warn('several role lines: only the first is used (one resource per document)');
    res.role = normRole(local, warn);
    res.roleRaw = local;
    if (peer !== undefined) {
      gen = '8.4';
      const c = newConnection('peer');
      c.peerRole = normRole(peer, warn);
      c.peerRoleRaw = peer;
      res.connections.push(c);
    }
  } else if (format === 'short-cstate') {
    eachLine(text, (t, no, i) => {
      on(no, t);
      if (t.includes('/')) fail('a connection state has no "/"');
      const c = newConnection(count === 1 ? 'peer' : `peer-${i}`);
      const s = splitCs(t, warn);
      c.state = s.state;
      c.stateRaw = t;
      c.volumes.push(withRepl(s.replication, t));
      res.connections.push(c);
      if (t.startsWith('WF') || (s.state === 'Connected' && t !== 'Connected')) gen = '8.4';
      if (t === 'Connecting') gen = '9';
    });
  } else {
    eachLine(text, (t, no, i) => {
      on(no, t);
      const [local = '', ...peers] = t.split('/');
      const vol = newVolume(i);
      vol.disk = normDisk(local, warn);
      vol.diskRaw = local;
      res.volumes.push(vol);
      peers.forEach((p, j) => {
        let c = res.connections[j];
        if (!c) {
          c = newConnection(peers.length === 1 && count === 1 ? 'peer' : `peer-${j}`);
          res.connections.push(c);
        }
        const pv = newPeerVolume(i);
        pv.peerDisk = normDisk(p, warn);
        pv.peerDiskRaw = p;
        c.volumes.push(pv);
      });
    });
    if (count > 1 || manyParts) gen = '9';
  }
  if (gen === 'unknown' && slash && format !== 'short-dstate') gen = '8.4';
  doc.generation = gen;
  at.warnings.finish();
  return doc;

  function withRepl(repl: ReplicationState, raw: string): PeerVolume {
    const pv = newPeerVolume(0);
    pv.replication = repl;
    // 8.x cstate names the replication state too (SyncSource); "Connected" alone does not in 9.
    pv.replicationRaw = repl === 'Off' || raw === 'Connected' ? null : raw;
    return pv;
  }
}
