/**
 * The `key:value` vocabulary shared by `drbdsetup status` text and `events2`: both print the
 * same keys for resources, devices, connections and peer devices.
 */
import type { Connection, PeerVolume, Resource, Volume } from './model.ts';
import {
  int,
  normConnection,
  normDisk,
  normReplication,
  normRole,
  num,
  suspendedFlag,
  yesNo,
  type Warn,
} from './normalize.ts';

const numOrText = (v: string): number | string => num(v) ?? v;

export function applyResourceKey(res: Resource, key: string, v: string, warn: Warn): void {
  switch (key) {
    case 'name':
      return;
    case 'role':
      res.role = normRole(v, warn);
      res.roleRaw = v;
      return;
    case 'suspended':
      res.suspended = suspendedFlag(v);
      res.suspendedRaw = v;
      return;
    case 'node-id':
      res.nodeId = int(v);
      return;
    case 'write-ordering':
      res.writeOrdering = v;
      return;
    case 'may_promote':
      res.mayPromote = yesNo(v, 'may_promote', warn);
      return;
    case 'promotion_score':
      res.promotionScore = int(v);
      if (res.promotionScore === null) warn(`promotion_score:${v} is not an integer`);
      return;
    default:
      res.stats[key] = numOrText(v);
  }
}

export function applyVolumeKey(vol: Volume, key: string, v: string, warn: Warn): void {
  switch (key) {
    case 'name':
      return;
    case 'volume':
      vol.volume = int(v) ?? vol.volume;
      return;
    case 'minor':
      vol.minor = int(v);
      return;
    case 'disk':
      vol.disk = normDisk(v, warn);
      vol.diskRaw = v;
      return;
    case 'quorum':
      vol.quorum = yesNo(v, 'quorum', warn);
      return;
    case 'client':
      vol.client = yesNo(v, 'client', warn);
      return;
    case 'open':
      vol.open = yesNo(v, 'open', warn);
      return;
    case 'size':
      vol.sizeKiB = int(v);
      return;
    case 'backing_dev':
      vol.backingDev = v;
      return;
    default:
      vol.stats[key] = numOrText(v);
  }
}

export function applyConnectionKey(conn: Connection, key: string, v: string, warn: Warn): void {
  switch (key) {
    case 'name':
    case 'conn-name':
      return;
    case 'node-id':
    case 'peer-node-id':
      conn.peerNodeId = int(v);
      return;
    case 'connection':
      conn.state = normConnection(v, warn);
      conn.stateRaw = v;
      return;
    case 'role':
      conn.peerRole = normRole(v, warn);
      conn.peerRoleRaw = v;
      return;
    case 'congested':
      conn.congested = yesNo(v, 'congested', warn);
      return;
    default:
      conn.stats[key] = numOrText(v);
  }
}

/**
 * @param doneMeans status text `done:` is percent in sync (100 × (1 − oos/size)); events2
 *   `done:` is the progress of the running resync.
 */
export function applyPeerVolumeKey(
  pv: PeerVolume,
  key: string,
  v: string,
  warn: Warn,
  doneMeans: 'percentInSync' | 'resyncDone',
): void {
  switch (key) {
    case 'name':
    case 'conn-name':
    case 'peer-node-id':
      return;
    case 'volume':
      pv.volume = int(v) ?? pv.volume;
      return;
    case 'replication':
      pv.replication = normReplication(v, warn);
      pv.replicationRaw = v;
      return;
    case 'peer-disk':
    case 'disk': // old DRBD 9.0 userland printed disk: for the peer
      pv.peerDisk = normDisk(v, warn);
      pv.peerDiskRaw = v;
      return;
    case 'peer-client':
      pv.peerClient = yesNo(v, 'peer-client', warn);
      return;
    case 'resync-suspended':
      pv.resyncSuspended = suspendedFlag(v);
      pv.resyncSuspendedRaw = v;
      return;
    case 'done': {
      const n = num(v);
      if (n === null) warn(`done:${v} is not a number`);
      if (doneMeans === 'percentInSync') pv.percentInSync = n;
      else pv.resyncDone = n;
      return;
    }
    case 'out-of-sync':
      pv.outOfSyncKiB = int(v);
      return;
    default:
      pv.stats[key] = numOrText(v);
  }
}
