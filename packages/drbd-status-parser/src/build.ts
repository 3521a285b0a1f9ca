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
