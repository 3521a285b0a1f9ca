import { newPeerVolume } from './build.ts';
import type { Connection, Generation, Resource } from './model.ts';
import { percentFromOos } from './normalize.ts';

/** Keys only DRBD 9 prints (8.4's drbdsetup-84 never does). */
const DRBD9_KEYS: ReadonlySet<string> = new Set([
  'node-id', 'quorum', 'client', 'peer-client', 'open', 'backing_dev', 'may_promote',
  'promotion_score', 'force-io-failures',
]);

export const isDrbd9Key = (key: string): boolean => DRBD9_KEYS.has(key);

/**
 * Generation of a status-text or events2 document: 9 when a DRBD 9-only key was seen or a peer
 * has a real name; 8.4 when every connection is the anonymous `peer` that drbdsetup-84 prints;
 * unknown when there is nothing to tell (e.g. no connections and no 9-only keys).
 */
export function inferGeneration(sawDrbd9Key: boolean, resources: readonly Resource[]): Generation {
  if (sawDrbd9Key) return '9';
  let conns = 0;
  for (const r of resources) {
    for (const c of r.connections) {
      conns++;
      if (c.name !== 'peer') return '9';
    }
  }
  return conns > 0 ? '8.4' : 'unknown';
}

/** Derived fields every line-oriented format needs once the document is read. */
export function finishResource(res: Resource): void {
  res.volumes.sort((a, b) => a.volume - b.volume);
  for (const c of res.connections) {
    c.volumes.sort((a, b) => a.volume - b.volume);
    for (const pv of c.volumes) {
      if (pv.percentInSync === null) {
        const local = res.volumes.find((v) => v.volume === pv.volume);
        pv.percentInSync = percentFromOos(pv.outOfSyncKiB, local ? local.sizeKiB : null);
      }
    }
  }
}

/**
 * Status text leaves out what is obvious: `connection:Connected`, `replication:Established`,
 * the peer volumes of a peer that is not connected. Fill them in (raw fields stay null).
 */
export function inferOmitted(res: Resource): void {
  for (const c of res.connections) inferConnection(res, c);
}

function inferConnection(res: Resource, c: Connection): void {
  if (c.stateRaw === null && c.state === 'Unknown') c.state = 'Connected';
  const connected = c.state === 'Connected';
  if (c.volumes.length === 0) {
    for (const v of res.volumes) c.volumes.push(newPeerVolume(v.volume));
  }
  for (const pv of c.volumes) {
    if (pv.replicationRaw === null && pv.replication === 'Unknown') {
      pv.replication = connected && pv.peerDiskRaw !== null ? 'Established' : 'Off';
    }
    if (pv.peerDiskRaw === null && pv.peerDisk === 'Unknown') pv.peerDisk = 'DUnknown';
  }
}
