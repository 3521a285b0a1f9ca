import type { Connection, PeerVolume, Resource, Volume } from './model.ts';

/** Constructors with every field present, so all formats produce the same shape. */

export function newResource(name: string): Resource {
  return {
    name,
    minor: null,
    nodeId: null,
    role: 'Unknown',
    roleRaw: null,
    suspended: null,
    suspendedRaw: null,
    mayPromote: null,
    promotionScore: null,
    protocol: null,
    ioFlags: null,
    writeOrdering: null,
    stats: {},
    volumes: [],
    connections: [],
  };
}

export function newVolume(volume: number): Volume {
  return {
    volume,
    minor: null,
    disk: 'Unknown',
    diskRaw: null,
    quorum: null,
    client: null,
    open: null,
    sizeKiB: null,
    backingDev: null,
    stats: {},
  };
}

export function newConnection(name: string): Connection {
  return {
    name,
    peerNodeId: null,
    state: 'Unknown',
    stateRaw: null,
    peerRole: 'Unknown',
    peerRoleRaw: null,
    congested: null,
    volumes: [],
    stats: {},
  };
}

export function newPeerVolume(volume: number): PeerVolume {
  return {
    volume,
    replication: 'Unknown',
    replicationRaw: null,
    peerDisk: 'Unknown',
    peerDiskRaw: null,
    peerClient: null,
    resyncSuspended: null,
    resyncSuspendedRaw: null,
    percentInSync: null,
    resyncDone: null,
    outOfSyncKiB: null,
    sync: null,
    stats: {},
  };
}

/** Split text into lines, accepting \n and \r\n. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.endsWith('\r')) lines[i] = l.slice(0, -1);
  }
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `key:value` tokens of a line; tokens without a colon are returned in `bare`. */
export function keyValues(tokens: readonly string[]): { kv: Map<string, string>; bare: string[] } {
  const kv = new Map<string, string>();
  const bare: string[] = [];
  for (const tok of tokens) {
    const i = tok.indexOf(':');
    if (i <= 0) bare.push(tok);
    else kv.set(tok.slice(0, i), tok.slice(i + 1));
  }
  return { kv, bare };
}

/** Whitespace tokens (space and tab only; NUL and other bytes stay inside tokens). */
export function tokens(line: string): string[] {
  const out: string[] = [];
  for (const t of line.split(/[ \t]+/)) if (t !== '') out.push(t);
  return out;
}

/** Leading spaces/tabs count (a tab counts as 8, as a terminal shows it). */
export function indentOf(line: string): number {
  let n = 0;
  for (const ch of line) {
    if (ch === ' ') n++;
    else if (ch === '\t') n += 8 - (n % 8);
    else break;
  }
  return n;
}
