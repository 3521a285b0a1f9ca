import t from 'tap';
import { LOCAL_CLASSES, PEER_CLASSES } from '../../lib/drbd/facts.ts';
import { DEFAULT_TIERS, decideScore, parseTiers, targetScore, TiersError, type LadderFacts, type LadderOptions } from '../../lib/drbd/ladder.ts';

const bools = [false, true];

function* everyCombination(): Generator<[LadderFacts, LadderOptions]> {
  for (const quorum of bools)
    for (const primary of bools)
      for (const local of LOCAL_CLASSES)
        for (const peer of PEER_CLASSES)
          for (const peerPrimary of bools)
            for (const splitBrain of bools)
              for (const removeIfPeerPrimary of bools)
                for (const promoteRefused of bools)
                  yield [{ quorum, primary, local, peer, peerPrimary, splitBrain }, { tiers: DEFAULT_TIERS, removeIfPeerPrimary, promoteRefused }];
}

t.test('every fact combination: the ladder rules hold', async (t) => {
  let n = 0;
  const bad: string[] = [];
  const check = (ok: boolean, what: string, f: LadderFacts, o: LadderOptions) => {
    if (!ok) bad.push(`${what}: ${JSON.stringify(f)} ${JSON.stringify({ ...o, tiers: undefined })}`);
  };
  for (const [f, o] of everyCombination()) {
    n++;
    const d = decideScore(f, o);
    const s = targetScore(d);
    check(s === undefined || s === null || s > 0, 'never zero or negative', f, o);
    if (!f.quorum) check(d.kind === 'remove', 'no quorum → no score', f, o);
    if (o.promoteRefused) check(d.kind === 'remove', 'refused promote → no score', f, o);
    if (['Outdated', 'Inconsistent'].includes(f.local) && !f.primary) check(d.kind === 'remove', 'Outdated/Inconsistent Secondary → no score', f, o);
    if (['Diskless', 'Failed'].includes(f.local)) check(d.kind === 'remove', 'Diskless/Failed → no score', f, o);
    if (f.splitBrain && !f.primary) check(d.kind === 'remove', 'split-brain Secondary → no score', f, o);
    // the tiers, where nothing above overrides them
    const free = f.quorum && !o.promoteRefused && !f.splitBrain && !(o.removeIfPeerPrimary && f.peerPrimary && f.peer === 'UpToDate');
    if (free && f.local === 'UpToDate' && (f.primary || f.peer !== 'Unknown')) check(s === 10000, 'UpToDate and (Primary or peer known) → best', f, o);
    if (free && f.local === 'UpToDate' && !f.primary && f.peer === 'Unknown') check(s === 1000, 'UpToDate, peer unknown → local', f, o);
    if (free && f.local === 'Consistent' && !f.primary) check(d.kind === 'remove', 'only Consistent → tier 0 → no score', f, o);
    if (f.quorum && !o.promoteRefused && f.local === 'Transitional') check(d.kind === 'keep' || d.kind === 'remove', 'in transition: unchanged', f, o);
    if (d.kind === 'set' && !f.primary) check(f.local === 'UpToDate' || f.local === 'Consistent', 'a Secondary scores only with good local data', f, o);
  }
  t.equal(n, 2 * 2 * LOCAL_CLASSES.length * PEER_CLASSES.length * 2 * 2 * 2 * 2);
  t.same(bad.slice(0, 5), [], `${bad.length} violations`);
});

t.test('the table, row by row (default tiers 0 10 1000 10000)', async (t) => {
  const base: LadderFacts = { quorum: true, primary: false, local: 'UpToDate', peer: 'UpToDate', peerPrimary: false, splitBrain: false };
  const o: LadderOptions = { tiers: DEFAULT_TIERS, removeIfPeerPrimary: false, promoteRefused: false };
  const rows: [Partial<LadderFacts>, Partial<LadderOptions>, number | null | undefined][] = [
    [{}, {}, 10000],
    [{ primary: true, peer: 'Unknown' }, {}, 10000],
    [{ peer: 'Unknown' }, {}, 1000],
    [{ peer: 'Known' }, {}, 10000],
    [{ local: 'Consistent' }, {}, null],
    [{ local: 'Outdated', peer: 'Unknown' }, {}, null],
    [{ local: 'Inconsistent' }, {}, null],
    [{ local: 'Diskless' }, {}, null],
    [{ local: 'Failed', primary: true }, {}, null],
    [{ local: 'Inconsistent', primary: true }, {}, 10],
    [{ local: 'Transitional' }, {}, undefined],
    [{ quorum: false, primary: true }, {}, null],
    [{ splitBrain: true, peer: 'Unknown' }, {}, null],
    [{ splitBrain: true, primary: true, peer: 'Unknown' }, {}, 10000],
    [{ peerPrimary: true }, { removeIfPeerPrimary: true }, null],
    [{ peerPrimary: true }, {}, 10000],
    [{ peerPrimary: true, peer: 'Known' }, { removeIfPeerPrimary: true }, 10000],
    [{}, { promoteRefused: true }, null],
  ];
  for (const [f, opt, want] of rows) {
    const d = decideScore({ ...base, ...f }, { ...o, ...opt });
    t.equal(targetScore(d), want, `${JSON.stringify(f)} ${JSON.stringify(opt)} → ${want} (${d.why})`);
  }
  const custom = decideScore({ ...base, local: 'Consistent' }, { ...o, tiers: [5, 10, 100, 200] });
  t.same([custom.kind, targetScore(custom)], ['set', 5], 'a positive consistent tier gives a score');
});

t.test('adjust_master_score', async (t) => {
  t.same(parseTiers('0 10 1000 10000'), [0, 10, 1000, 10000]);
  t.same(parseTiers('  1  2 3\t4 '), [1, 2, 3, 4]);
  for (const bad of ['', '1 2 3', '1 2 3 4 5', '10 5 20 30', '-1 0 1 2', '0 10 1000 1e4', '0 0 0 2000000']) {
    t.throws(() => parseTiers(bad), { name: 'TiersError' }, `'${bad}' refused`);
  }
});
