// DRBD simulator (test double): the decisions of DRBD 8.4's state machine that the simulator
// models, as pure functions (learnt from the kernel's is_valid_state / drbd_uuid_compare /
// sync handshake; simplified, see README.md "What is modelled").
import { JUST_CREATED, sameUuid } from './env.mjs';

export const DISK_ORDER = ['Diskless', 'Attaching', 'Failed', 'Negotiating', 'Inconsistent', 'Outdated', 'DUnknown', 'Consistent', 'UpToDate'];
export const rank = (d) => DISK_ORDER.indexOf(d);

/** State-change refusals: [code, text, drbdsetup exit code]. */
export const SS = {
  TWO_PRIMARIES: [-1, 'Multiple primaries not allowed by config', 11],
  NO_UP_TO_DATE_DISK: [-2, 'Need access to UpToDate data', 17],
  CONNECTED_OUTDATES: [-6, 'Refusing to be Outdated while Connected', 11],
  PRIMARY_NOP: [-7, 'Refusing to be Primary while peer is not outdated', 11],
  LOWER_THAN_OUTDATED: [-16, 'Disk state is lower than outdated', 5],
};

/** The peer disk while not connected: DRBD 8.4 keeps Inconsistent and Outdated (e.g. set by the
 *  fence-peer handler), anything else reads DUnknown. */
export const pdskApart = (d) => (d === 'Inconsistent' || d === 'Outdated' ? d : 'DUnknown');

/** fence-peer handler exit code → what DRBD 8.4 sets (conn_try_outdate_peer); null: helper broken. */
export function fenceResult(code, localDisk) {
  switch (code) {
    case 3: return { pdsk: 'Inconsistent', text: 'peer is inconsistent or worse' };
    case 4: return { pdsk: 'Outdated', text: 'peer was fenced' };
    case 5: return localDisk === 'UpToDate' ? { pdsk: 'Outdated', text: 'peer is unreachable, assumed to be dead' } : { text: 'peer unreachable, doing nothing since disk != UpToDate' };
    case 6: return { disk: 'Outdated', text: 'peer is active' };
    case 7: return { pdsk: 'Outdated', text: 'peer was stonithed' };
    default: return null;
  }
}

const isConnected = (conn) => conn === 'Connected' || conn === 'SyncSource' || conn === 'SyncTarget';
const isSyncing = (conn) => conn === 'SyncSource' || conn === 'SyncTarget';

/**
 * Is the new state valid? ns: { role, disk, conn, peerRole, pdsk }, cfg: { allowTwoPrimaries, fencing }.
 * Returns null or an SS entry. Order as in DRBD 8.4's is_valid_state for a two-node resource.
 */
export function invalid(ns, cfg) {
  const connected = isConnected(ns.conn);
  const pdsk = connected ? ns.pdsk : pdskApart(ns.pdsk);
  if (ns.role === 'Primary' && connected && ns.peerRole === 'Primary' && !cfg.allowTwoPrimaries) return SS.TWO_PRIMARIES;
  if (ns.role === 'Primary' && !connected && rank(ns.disk) < rank('UpToDate')) return SS.NO_UP_TO_DATE_DISK;
  if (cfg.fencing !== 'dont-care' && ns.role === 'Primary' && !connected && rank(pdsk) >= rank('DUnknown')) return SS.PRIMARY_NOP;
  if (ns.role === 'Primary' && rank(ns.disk) <= rank('Inconsistent') && rank(pdsk) <= rank('Inconsistent')) return SS.NO_UP_TO_DATE_DISK;
  if (isSyncing(ns.conn) && rank(ns.disk) < rank('UpToDate') && rank(pdsk) < rank('UpToDate')) return SS.NO_UP_TO_DATE_DISK;
  if ((ns.conn === 'Connected' || ns.conn === 'SyncSource') && ns.disk === 'Outdated') return SS.CONNECTED_OUTDATES;
  if (ns.role === 'Primary' && rank(ns.disk) < rank('UpToDate') && rank(pdsk) < rank('UpToDate')) return SS.NO_UP_TO_DATE_DISK;
  return null;
}

/**
 * Data generations compared from a's side (like drbd_uuid_compare): 0 same data, 1/2 a is the
 * (bitmap/full) sync source, -1/-2 a is the target, 100 split brain, -1000 unrelated data.
 */
export function compareGenerations(a, b) {
  const A = a.uuids;
  const B = b.uuids;
  if (A.current === JUST_CREATED && B.current === JUST_CREATED) return 0;
  if (A.current === JUST_CREATED) return -2;
  if (B.current === JUST_CREATED) return 2;
  if (sameUuid(A.current, B.current)) return 0;
  if (A.bitmap !== '0' && B.bitmap !== '0' && sameUuid(A.bitmap, B.bitmap)) return 100;
  if (B.bitmap !== '0' && sameUuid(A.current, B.bitmap)) return -1;
  if (A.bitmap !== '0' && sameUuid(A.bitmap, B.current)) return 1;
  if (B.history.some((h) => sameUuid(h, A.current))) return -2;
  if (A.history.some((h) => sameUuid(h, B.current))) return 2;
  const ancestorsA = [A.bitmap, ...A.history].filter((x) => x !== '0');
  const ancestorsB = [B.bitmap, ...B.history].filter((x) => x !== '0');
  if (ancestorsA.some((x) => ancestorsB.some((y) => sameUuid(x, y)))) return 100;
  return -1000;
}

/** Split-brain auto-recovery policies (after-sb-*): 'a' | 'b' (the side that is discarded) | null. */
function victim(a, b, cfg) {
  if (a.discard && !b.discard) return 'a';
  if (b.discard && !a.discard) return 'b';
  if (a.discard && b.discard) return null;
  const primaries = (a.role === 'Primary' ? 1 : 0) + (b.role === 'Primary' ? 1 : 0);
  const zeroPri = () => {
    if (cfg.afterSb0 === 'discard-zero-changes') {
      if (a.oos === 0 && b.oos > 0) return 'a';
      if (b.oos === 0 && a.oos > 0) return 'b';
    }
    if (cfg.afterSb0 === 'discard-least-changes') {
      if (a.oos < b.oos) return 'a';
      if (b.oos < a.oos) return 'b';
    }
    return null;
  };
  if (primaries === 0) return zeroPri();
  if (primaries === 1) {
    const secondary = a.role === 'Primary' ? 'b' : 'a';
    if (cfg.afterSb1 === 'discard-secondary') return secondary;
    if (cfg.afterSb1 === 'consensus') return zeroPri() === secondary ? secondary : null;
    return null;
  }
  return null;
}

/**
 * The connection handshake of two sides a and b (each { uuids, disk, role, oos, discard }), decided
 * once (by the side that dialled) for both. Returns
 *   { kind: 'drop', a: 'StandAlone'|'WFConnection', b: ..., reason }
 *   { kind: 'connect', sync: null | { source: 'a'|'b', oos, full }, aDisk, bDisk, reason }
 */
export function handshake(a, b, cfg, sizeKiB) {
  const r = compareGenerations(a, b);
  const drop = (sa, sb, reason) => ({ kind: 'drop', a: sa, b: sb, reason, rule: r });
  if (r === -1000) return drop('StandAlone', 'StandAlone', 'Unrelated data, aborting!');
  let source = null;
  let full = false;
  let oos = 0;
  let reason = `uuid_compare()=${r}`;
  if (r === 100) {
    const v = victim(a, b, cfg);
    if (!v) return drop('StandAlone', 'StandAlone', 'Split-Brain detected but unresolved, dropping connection!');
    source = v === 'a' ? 'b' : 'a';
    oos = Math.min(sizeKiB, a.oos + b.oos);
    reason = `Split-Brain detected, ${v === 'a' ? 'a' : 'b'} discards its data`;
  } else if (r === 1 || r === -1) {
    source = r > 0 ? 'a' : 'b';
    oos = Math.max(a.oos, b.oos);
  } else if (r === 2 || r === -2) {
    source = r > 0 ? 'a' : 'b';
    full = true;
    oos = sizeKiB;
  } else {
    // Same generation: the disk states decide ("Becoming sync target due to disk states").
    const ra = rank(a.disk);
    const rb = rank(b.disk);
    const hasData = (d) => rank(d) >= rank('Outdated') && d !== 'DUnknown';
    if (a.disk === 'Inconsistent' && hasData(b.disk)) source = 'b';
    else if (b.disk === 'Inconsistent' && hasData(a.disk)) source = 'a';
    if (source) oos = Math.max(a.oos, b.oos);
    else {
      // Equal data: an Outdated/Consistent side is as good as an UpToDate peer.
      const up = (d, other) => (other === 'UpToDate' && (d === 'Outdated' || d === 'Consistent') ? 'UpToDate' : d);
      return { kind: 'connect', sync: null, aDisk: up(a.disk, b.disk), bDisk: up(b.disk, a.disk), reason, rule: r };
      void ra; void rb;
    }
  }
  const src = source === 'a' ? a : b;
  const tgt = source === 'a' ? b : a;
  if (src.disk === 'Inconsistent' || src.disk === 'Diskless') {
    // "I shall become SyncSource, but I am inconsistent!": that side drops; the other waits.
    return source === 'a' ? drop('StandAlone', 'WFConnection', 'I shall become SyncSource, but I am inconsistent!') : drop('WFConnection', 'StandAlone', 'I shall become SyncSource, but I am inconsistent!');
  }
  if (tgt.role === 'Primary') {
    return source === 'a' ? drop('WFConnection', 'StandAlone', 'I shall become SyncTarget, but I am primary!') : drop('StandAlone', 'WFConnection', 'I shall become SyncTarget, but I am primary!');
  }
  if (tgt.disk === 'Diskless') return { kind: 'connect', sync: null, aDisk: a.disk, bDisk: b.disk, reason, rule: r };
  return {
    kind: 'connect',
    sync: { source, oos, full },
    aDisk: source === 'a' ? a.disk : 'Inconsistent',
    bDisk: source === 'b' ? b.disk : 'Inconsistent',
    reason,
    rule: r,
  };
}

/** The disk state a meta-disk gives at attach (MDF flags; fencing dont-care trusts a clean disk). */
export function diskAtAttach(mdDisk, fencing) {
  if (mdDisk === 'Consistent') return fencing === 'dont-care' ? 'UpToDate' : 'Consistent';
  return mdDisk;
}

/** What the meta-disk records for a runtime disk state (null: unchanged). */
export function mdDiskFor(disk) {
  if (disk === 'UpToDate' || disk === 'Consistent') return 'Consistent';
  if (disk === 'Outdated' || disk === 'Inconsistent') return disk;
  return null;
}
