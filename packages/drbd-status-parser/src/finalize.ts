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
  for (const c of res.connections) c.volumes.sort((a, b) => a.volume - b.volume);
  fillPercentInSync(res);
}

/** percentInSync from out-of-sync and the local size where the format did not print it. */
export function fillPercentInSync(res: Resource): void {
  let sizes: Map<number, number | null> | null = null;
  for (const c of res.connections) {
    for (const pv of c.volumes) {
      if (pv.percentInSync !== null || pv.outOfSyncKiB === null) continue;
      if (sizes === null) {
        sizes = new Map();
        for (const v of res.volumes) if (!sizes.has(v.volume)) sizes.set(v.volume, v.sizeKiB);
      }
      pv.percentInSync = percentFromOos(pv.outOfSyncKiB, sizes.get(pv.volume) ?? null);
    }
  }
}

/**
 * Status text leaves out what is obvious: `connection:Connected`, `replication:Established`,
 * the peer volumes of a peer that is not connected. Fill them in (raw fields stay null).
 */
export function inferOmitted(res: Resource): void {
  let i = 0;
  for (const c of res.connections) inferConnection(res, c, i++ < MAX_PEERS);
}

/**
 * DRBD 9 has at most 32 nodes; peer volumes are inferred for that many connections only, so a
 * hand-made document of n volumes and m bare connections cannot make n × m objects.
 */
const MAX_PEERS = 32;

function inferConnection(res: Resource, c: Connection, addVolumes: boolean): void {
  if (c.stateRaw === null && c.state === 'Unknown') c.state = 'Connected';
  const connected = c.state === 'Connected';
  if (c.volumes.length === 0 && addVolumes) {
    for (const v of res.volumes) c.volumes.push(newPeerVolume(v.volume));
  }
  for (const pv of c.volumes) {
    if (pv.replicationRaw === null && pv.replication === 'Unknown') {
      pv.replication = connected && pv.peerDiskRaw !== null ? 'Established' : 'Off';
    }
    if (pv.peerDiskRaw === null && pv.peerDisk === 'Unknown') pv.peerDisk = 'DUnknown';
  }
}
