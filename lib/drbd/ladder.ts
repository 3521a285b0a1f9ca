/**
 * The promotion score ladder: facts in, a decision out. Pure and table driven.
 *
 * The four tiers are `adjust_master_score` ("0 10 1000 10000" by default, as ocf:linbit:drbd):
 *   [0] consistent: only Consistent data (may be current; nobody can tell)
 *   [1] remote:     a Primary whose local data is not UpToDate (a resync target, a volume added live)
 *   [2] local:      UpToDate here, the peer's data unknown
 *   [3] best:       UpToDate here and Primary, or UpToDate here and the peer's disk known
 * A score of 0 or less is no score (the attribute is removed): never negative.
 */
import type { DrbdFacts, LocalClass, PeerClass } from './facts.ts';

export type Tiers = readonly [consistent: number, remote: number, local: number, best: number];
export const DEFAULT_TIERS: Tiers = [0, 10, 1000, 10000];

/** The facts the ladder reads: a subset of DrbdFacts, small enough to enumerate in a test. */
export type LadderFacts = Pick<DrbdFacts, 'quorum' | 'primary' | 'local' | 'peer' | 'peerPrimary' | 'splitBrain'>;

export interface LadderOptions {
  tiers: Tiers;
  /** remove_master_score_if_peer_primary=true: no score on a Secondary connected to an UpToDate Primary. */
  removeIfPeerPrimary: boolean;
  /** A promote here was refused and the DRBD state has not changed since: no score. */
  promoteRefused: boolean;
}

export type Decision =
  | { kind: 'set'; score: number; tier: 'consistent' | 'remote' | 'local' | 'best'; why: string }
  | { kind: 'remove'; why: string }
  | { kind: 'keep'; why: string };

const TIER_INDEX = { consistent: 0, remote: 1, local: 2, best: 3 } as const;

function tier(t: keyof typeof TIER_INDEX, opts: LadderOptions, why: string): Decision {
  const score = opts.tiers[TIER_INDEX[t]];
  return score > 0 ? { kind: 'set', score, tier: t, why } : { kind: 'remove', why: `${why} (tier ${t} is ${score}: no score)` };
}

type Rule = {
  when: (f: LadderFacts, o: LadderOptions) => boolean;
  then: (f: LadderFacts, o: LadderOptions) => Decision;
};

const NO_DATA: ReadonlySet<LocalClass> = new Set<LocalClass>(['Failed', 'Diskless']);
const peerText = (p: PeerClass): string => ({ UpToDate: 'peer UpToDate', Known: 'peer disk known, not UpToDate', Unknown: 'peer disk unknown' })[p];

/** First match wins. Read top to bottom: this is the whole policy. */
export const LADDER: readonly Rule[] = [
  { when: (f) => !f.quorum, then: () => ({ kind: 'remove', why: 'no quorum' }) },
  { when: (_, o) => o.promoteRefused, then: () => ({ kind: 'remove', why: 'a promote here was refused and the DRBD state has not changed since' }) },
  { when: (f) => NO_DATA.has(f.local), then: (f) => ({ kind: 'remove', why: `local disk ${f.local}` }) },
  { when: (f) => f.splitBrain && !f.primary, then: () => ({ kind: 'remove', why: 'split brain suspected: this Secondary may hold diverged data' }) },
  {
    when: (f, o) => o.removeIfPeerPrimary && !f.primary && f.peerPrimary && f.peer === 'UpToDate',
    then: () => ({ kind: 'remove', why: 'connected to an UpToDate Primary peer (remove_master_score_if_peer_primary)' }),
  },
  { when: (f) => f.primary && f.local === 'UpToDate', then: (_, o) => tier('best', o, 'Primary with UpToDate data') },
  // a Primary that is not UpToDate keeps a small score: demoting it would not give anyone better data
  { when: (f) => f.primary && f.local !== 'Transitional', then: (f, o) => tier('remote', o, `Primary with local disk ${f.local}`) },
  { when: (f) => f.local === 'Transitional', then: () => ({ kind: 'keep', why: 'local disk in transition (attaching/negotiating/detaching)' }) },
  { when: (f) => f.local === 'UpToDate' && f.peer !== 'Unknown', then: (f, o) => tier('best', o, `UpToDate, ${peerText(f.peer)}`) },
  { when: (f) => f.local === 'UpToDate', then: (_, o) => tier('local', o, 'UpToDate, peer disk unknown') },
  { when: (f) => f.local === 'Consistent', then: (_, o) => tier('consistent', o, 'only Consistent data') },
  { when: () => true, then: (f) => ({ kind: 'remove', why: `local disk ${f.local}` }) },
];

export function decideScore(facts: LadderFacts, opts: LadderOptions): Decision {
  for (const rule of LADDER) if (rule.when(facts, opts)) return rule.then(facts, opts);
  /* c8 ignore next */
  return { kind: 'remove', why: 'no rule matched' };
}

/** The score the decision leaves in the CIB: a number, null for none, undefined for unchanged. */
export function targetScore(d: Decision): number | null | undefined {
  return d.kind === 'set' ? d.score : d.kind === 'remove' ? null : undefined;
}

export class TiersError extends Error {
  override name = 'TiersError';
}

/** `adjust_master_score`: four non-negative integers, non-decreasing. */
export function parseTiers(text: string): Tiers {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length !== 4) throw new TiersError(`expected 4 space-separated scores, got ${words.length}`);
  const n = words.map((w) => {
    if (!/^\d{1,7}$/.test(w) || Number(w) > 1_000_000) throw new TiersError(`'${w.slice(0, 20)}' is not an integer from 0 to 1000000`);
    return Number(w);
  });
  for (let i = 1; i < 4; i++) if (n[i]! < n[i - 1]!) throw new TiersError(`scores must not decrease (${n[i - 1]} > ${n[i]})`);
  return n as unknown as Tiers;
}
