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
import { newConnection, newPeerVolume, newResource, newVolume, splitLines } from '../build.ts';
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
  warner,
} from '../normalize.ts';

export type ShortFormat = Extract<Format, 'short-role' | 'short-cstate' | 'short-dstate'>;

export interface ShortOptions {
  /** Name to give the resource (the short outputs do not print it). */
  resource?: string;
}

/** Which short output a list of words looks like, or null. */
export function shortKind(lines: readonly string[]): ShortFormat | null {
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

export function parseShort(text: string, format: ShortFormat, opts: ShortOptions = {}): DrbdStatus {
  const lines = splitLines(text)
    .map((l, i) => ({ no: i + 1, text: l.trim() }))
    .filter((l) => l.text !== '');
  const at = startDocument(format, splitLines(text));
  const { doc, warn, fail } = at;
  if (lines.length === 0) {
    at.line = 1;
    fail('empty output');
  }
  if (lines.length === 1 && lines[0]!.text === 'Unconfigured') {
    at.line = lines[0]!.no;
    warn('the resource is not configured in the kernel (Unconfigured)');
    return doc;
  }
  const res = newResource(opts.resource ?? 'unnamed');
  doc.resources.push(res);
  const slash = lines.some((l) => l.text.includes('/'));
  let gen: Generation = 'unknown';

  if (format === 'short-role') {
    // 8.4: "Primary/Secondary" (one line); 9: "Primary" per resource (only the first is used).
    at.line = lines[0]!.no;
    const [local = '', peer] = lines[0]!.text.split('/');
    if (lines.length > 1) warn('several role lines: only the first is used (one resource per document)');
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
    lines.forEach((l, i) => {
      at.line = l.no;
      if (l.text.includes('/')) fail('a connection state has no "/"');
      const c = newConnection(lines.length === 1 ? 'peer' : `peer-${i}`);
      const s = splitCs(l.text, warn);
      c.state = s.state;
      c.stateRaw = l.text;
      c.volumes.push(withRepl(s.replication, l.text));
      res.connections.push(c);
      if (l.text.startsWith('WF') || (s.state === 'Connected' && l.text !== 'Connected')) gen = '8.4';
      if (l.text === 'Connecting') gen = '9';
    });
  } else {
    lines.forEach((l, i) => {
      at.line = l.no;
      const [local = '', ...peers] = l.text.split('/');
      const vol = newVolume(i);
      vol.disk = normDisk(local, warn);
      vol.diskRaw = local;
      res.volumes.push(vol);
      peers.forEach((p, j) => {
        let c = res.connections[j];
        if (!c) {
          c = newConnection(peers.length === 1 && lines.length === 1 ? 'peer' : `peer-${j}`);
          res.connections.push(c);
        }
        const pv = newPeerVolume(i);
        pv.peerDisk = normDisk(p, warn);
        pv.peerDiskRaw = p;
        c.volumes.push(pv);
      });
    });
    if (lines.length > 1 || lines.some((l) => l.text.split('/').length > 2)) gen = '9';
  }
  if (gen === 'unknown' && slash && format !== 'short-dstate') gen = '8.4';
  doc.generation = gen;
  return doc;

  function withRepl(repl: ReplicationState, raw: string): PeerVolume {
    const pv = newPeerVolume(0);
    pv.replication = repl;
    // 8.x cstate names the replication state too (SyncSource); "Connected" alone does not in 9.
    pv.replicationRaw = repl === 'Off' || raw === 'Connected' ? null : raw;
    return pv;
  }
}

