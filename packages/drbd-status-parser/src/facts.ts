/**
 * Facts about a resource, as pure functions of the model. They are what an agent's monitor and
 * promotion score need; they never look at anything but the parsed status.
 */
import type { DiskState, DrbdStatus, ReplicationState, Resource } from './model.ts';

export interface SyncFact {
  /** Connection (peer) name. */
  peer: string;
  volume: number;
  replication: ReplicationState;
  /** `local` or the peer name: where the data comes from. */
  from: string;
  /** `local` or the peer name: where the data goes. */
  to: string;
  /** Resync paused (PausedSyncS/T, or resync-suspended). */
  paused: boolean;
  /** Best known progress, percent: resync done if reported, else percent in sync. */
  percent: number | null;
}

export interface ResourceFacts {
  /** Local role is Primary. */
  primary: boolean;
  /** Every local volume is UpToDate (false when there are no volumes). */
  allUpToDate: boolean;
  /** Every local volume is UpToDate or Consistent: consistent data that may be current. */
  allConsistent: boolean;
  /** Every local volume is Diskless. */
  diskless: boolean;
  /** Every local volume is Diskless and reports client:yes (an intentional diskless client). */
  disklessClient: boolean;
  /** No volume reports lost quorum (DRBD 8 has no quorum: always true there). */
  quorum: boolean;
  /** At least one connection is Connected. */
  anyPeerConnected: boolean;
  /** Some peer volume's disk state is known (not DUnknown). */
  anyPeerKnown: boolean;
  /** Some peer volume is UpToDate. */
  anyPeerUpToDate: boolean;
  /** Some peer is Primary. */
  peerPrimary: boolean;
  /** Some connection is StandAlone (DRBD gave up on it, or it was disconnected by hand). */
  standAlone: boolean;
  /** A resync is running or starting on some volume. */
  syncing: boolean;
  /** One entry per syncing peer volume. */
  sync: SyncFact[];
  /** See README "Split brain": StandAlone while this side holds data of its own. */
  splitBrainSuspected: boolean;
  /** Why splitBrainSuspected is true (empty when false). */
  splitBrainEvidence: string[];
}

const SOURCE: ReadonlySet<ReplicationState> = new Set<ReplicationState>([
  'SyncSource', 'PausedSyncS', 'StartingSyncS', 'WFBitMapS',
]);
const TARGET: ReadonlySet<ReplicationState> = new Set<ReplicationState>([
  'SyncTarget', 'PausedSyncT', 'StartingSyncT', 'WFBitMapT', 'WFSyncUUID',
]);
/** Local disk states that hold data of this node's own, which could have diverged. */
const OWN_DATA: ReadonlySet<DiskState> = new Set<DiskState>(['UpToDate', 'Consistent', 'Outdated']);

export function factsFor(res: Resource): ResourceFacts {
  const vols = res.volumes;
  const peerVols = res.connections.flatMap((c) => c.volumes);
  const sync: SyncFact[] = [];
  for (const c of res.connections) {
    for (const pv of c.volumes) {
      const src = SOURCE.has(pv.replication);
      if (!src && !TARGET.has(pv.replication)) continue;
      sync.push({
        peer: c.name,
        volume: pv.volume,
        replication: pv.replication,
        from: src ? 'local' : c.name,
        to: src ? c.name : 'local',
        paused: pv.replication.startsWith('Paused') || pv.resyncSuspended === true,
        percent: pv.resyncDone ?? pv.percentInSync,
      });
    }
  }
  const evidence = splitBrainEvidence(res);
  return {
    primary: res.role === 'Primary',
    allUpToDate: vols.length > 0 && vols.every((v) => v.disk === 'UpToDate'),
    allConsistent: vols.length > 0 && vols.every((v) => v.disk === 'UpToDate' || v.disk === 'Consistent'),
    diskless: vols.length > 0 && vols.every((v) => v.disk === 'Diskless'),
    disklessClient: vols.length > 0 && vols.every((v) => v.disk === 'Diskless' && v.client === true),
    quorum: !vols.some((v) => v.quorum === false),
    anyPeerConnected: res.connections.some((c) => c.state === 'Connected'),
    anyPeerKnown: peerVols.some((p) => p.peerDisk !== 'DUnknown' && p.peerDisk !== 'Unknown'),
    anyPeerUpToDate: peerVols.some((p) => p.peerDisk === 'UpToDate'),
    peerPrimary: res.connections.some((c) => c.peerRole === 'Primary'),
    standAlone: res.connections.some((c) => c.state === 'StandAlone'),
    syncing: sync.length > 0,
    sync,
    splitBrainSuspected: evidence.length > 0,
    splitBrainEvidence: evidence,
  };
}

/**
 * The rule (status alone cannot see dmesg's "Split-Brain detected"): a connection is StandAlone
 * and some local volume holds data of its own (UpToDate, Consistent or Outdated), so both sides
 * may have written apart. With Inconsistent or Diskless local data nothing of this side's can
 * have diverged: a StandAlone then means a refused or aborted handshake (not reported here).
 */
function splitBrainEvidence(res: Resource): string[] {
  const own = res.volumes.filter((v) => OWN_DATA.has(v.disk));
  const out: string[] = [];
  for (const c of res.connections) {
    if (c.state !== 'StandAlone' || own.length === 0) continue;
    out.push(
      `connection to ${c.name} is StandAlone: DRBD dropped the link and will not retry ` +
        '(after a split brain, a refused handshake, or a manual disconnect; the status cannot tell which)',
    );
    for (const v of own) {
      out.push(`local volume ${v.volume} is ${v.disk}: this node holds data of its own that may differ from ${c.name}'s`);
    }
    if (res.role === 'Primary') {
      out.push('local role is Primary: this node may have written while disconnected');
    }
    for (const pv of c.volumes) {
      if (pv.outOfSyncKiB !== null && pv.outOfSyncKiB > 0) {
        out.push(`volume ${pv.volume}: ${pv.outOfSyncKiB} KiB marked out of sync with ${c.name}`);
      }
    }
    if (c.peerRole === 'Unknown') {
      out.push(`${c.name}'s role is Unknown: whether it is Primary too cannot be seen from here`);
    }
  }
  return out;
}

export type ResourceWithFacts = Resource & { facts: ResourceFacts };
export type DrbdStatusWithFacts = Omit<DrbdStatus, 'resources'> & { resources: ResourceWithFacts[] };

/** The document with `facts` added to every resource (the CLI's output). */
export function withFacts(doc: DrbdStatus): DrbdStatusWithFacts {
  return { ...doc, resources: doc.resources.map((r) => ({ ...r, facts: factsFor(r) })) };
}
