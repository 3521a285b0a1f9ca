/**
 * The agent's facts about one DRBD resource, from the parsed status (drbd-status-parser). Pure.
 *
 * Several volumes reduce to their worst: the local disk class of the resource is the worst local
 * volume's, the peer class the worst peer volume's. The volumes that differ are kept for a
 * warning (a volume added live comes up Inconsistent while the others are UpToDate).
 *
 * One exception: on a Primary, a volume that is Inconsistent here and on every connected peer
 * (added live, its initial sync not started: no node has better data for it) does not count.
 * Counting it would drop the score of the whole resource on the one node that can stay Primary
 * (DRBD refuses to promote any node while no copy of that volume is UpToDate), so that Pacemaker
 * could demote it for nothing. On a Secondary it counts: DRBD would refuse its promotion.
 */
import { factsFor, type DiskState, type DrbdStatus, type Resource } from 'drbd-status-parser';

/** Local data, worst first. `Transitional`: Attaching, Negotiating, Detaching (or not reported). */
export const LOCAL_CLASSES = ['Failed', 'Diskless', 'Inconsistent', 'Outdated', 'Transitional', 'Consistent', 'UpToDate'] as const;
export type LocalClass = (typeof LOCAL_CLASSES)[number];

/** The peers' data: every peer volume UpToDate; every one known but some not UpToDate; some unknown (or no peer). */
export const PEER_CLASSES = ['Unknown', 'Known', 'UpToDate'] as const;
export type PeerClass = (typeof PEER_CLASSES)[number];

export interface DrbdFacts {
  resource: string;
  /** The resource exists in the kernel (`drbdadm up` was done). */
  configured: boolean;
  primary: boolean;
  local: LocalClass;
  peer: PeerClass;
  peerPrimary: boolean;
  /** Every connection is Connected. */
  connected: boolean;
  quorum: boolean;
  splitBrain: boolean;
  splitBrainEvidence: string[];
  /** Local volumes whose disk state differs from the best one (e.g. a volume added live). */
  laggingVolumes: { volume: number; disk: DiskState }[];
  /** Volumes Inconsistent here and on every connected peer (added live, never synced). */
  unsyncedVolumes: number[];
  /** Minors of the local volumes (for /dev/drbdN). */
  minors: number[];
  /** One line for logs and exit reasons: `Secondary disk:UpToDate peer:Connected/Secondary/UpToDate`. */
  summary: string;
  /** Stable text of the state that matters for promotion, to notice when it changed. */
  fingerprint: string;
}

export function localClass(disk: DiskState): LocalClass {
  switch (disk) {
    case 'UpToDate':
    case 'Consistent':
    case 'Outdated':
    case 'Inconsistent':
    case 'Diskless':
    case 'Failed':
      return disk;
    default:
      // Attaching, Negotiating, Detaching, DUnknown, Unknown
      return 'Transitional';
  }
}

const rank = (c: LocalClass): number => LOCAL_CLASSES.indexOf(c);

export function notConfigured(resource: string): DrbdFacts {
  return {
    resource,
    configured: false,
    primary: false,
    local: 'Diskless',
    peer: 'Unknown',
    peerPrimary: false,
    connected: false,
    quorum: true,
    splitBrain: false,
    splitBrainEvidence: [],
    laggingVolumes: [],
    unsyncedVolumes: [],
    minors: [],
    summary: 'not configured (down)',
    fingerprint: 'down',
  };
}

function peerClassOf(res: Resource): PeerClass {
  const pvs = res.connections.flatMap((c) => c.volumes);
  if (res.connections.length === 0 || pvs.length === 0) return 'Unknown';
  if (pvs.some((p) => p.peerDisk === 'DUnknown' || p.peerDisk === 'Unknown')) return 'Unknown';
  return pvs.every((p) => p.peerDisk === 'UpToDate') ? 'UpToDate' : 'Known';
}

/** Volumes Inconsistent here whose every peer copy is known and Inconsistent too. */
function unsyncedVolumes(res: Resource): number[] {
  return res.volumes
    .filter((v) => v.disk === 'Inconsistent')
    .filter((v) => {
      const peers = res.connections.flatMap((c) => c.volumes.filter((p) => p.volume === v.volume));
      return peers.length > 0 && peers.length === res.connections.length && peers.every((p) => p.peerDisk === 'Inconsistent');
    })
    .map((v) => v.volume);
}

export function factsOfResource(res: Resource): DrbdFacts {
  const f = factsFor(res);
  const unsynced = unsyncedVolumes(res);
  // on a Primary, a never-synced volume does not lower the resource (see the head comment)
  const counted = f.primary && unsynced.length < res.volumes.length ? res.volumes.filter((v) => !unsynced.includes(v.volume)) : res.volumes;
  const classes = counted.map((v) => localClass(v.disk));
  const worst = classes.length === 0 ? 'Transitional' : classes.reduce((a, b) => (rank(b) < rank(a) ? b : a));
  const all = res.volumes.map((v) => localClass(v.disk));
  const best = all.length === 0 ? worst : all.reduce((a, b) => (rank(b) > rank(a) ? b : a));
  const lagging = res.volumes.length > 1 && all.some((c) => c !== best) ? res.volumes.filter((v) => localClass(v.disk) !== best).map((v) => ({ volume: v.volume, disk: v.disk })) : [];
  const conn = res.connections[0];
  const peerDisks = [...new Set(res.connections.flatMap((c) => c.volumes.map((p) => p.peerDisk)))].join(',') || 'DUnknown';
  const disks = [...new Set(res.volumes.map((v) => v.disk))].join(',') || 'none';
  const summary = `${res.role} disk:${disks} peer:${conn ? `${conn.state}/${conn.peerRole}/${peerDisks}` : 'none'}${f.quorum ? '' : ' quorum:no'}`;
  return {
    resource: res.name,
    configured: true,
    primary: f.primary,
    local: worst,
    peer: peerClassOf(res),
    peerPrimary: f.peerPrimary,
    connected: res.connections.length > 0 && res.connections.every((c) => c.state === 'Connected'),
    quorum: f.quorum,
    splitBrain: f.splitBrainSuspected,
    splitBrainEvidence: f.splitBrainEvidence,
    laggingVolumes: lagging,
    unsyncedVolumes: unsynced,
    minors: res.volumes.map((v) => v.minor).filter((m): m is number => typeof m === 'number'),
    summary,
    fingerprint: `${res.role}|${res.volumes.map((v) => v.disk).join(',')}|${res.connections.map((c) => `${c.state}/${c.peerRole}/${c.volumes.map((p) => p.peerDisk).join(',')}`).join(';')}`,
  };
}

/** The facts of `name` in a parsed status; not configured when the status does not list it. */
export function factsFromStatus(doc: DrbdStatus, name: string): DrbdFacts {
  const res = doc.resources.find((r) => r.name === name);
  return res ? factsOfResource(res) : notConfigured(name);
}
