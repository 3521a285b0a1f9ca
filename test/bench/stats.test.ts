import t from 'tap';
import { roundOrder, runAlternating, spread, summarize } from '../../bench/stats.ts';

const abc = [{ label: 'a' }, { label: 'b' }, { label: 'c' }];

t.test('every candidate runs once per round and the order rotates', async (t) => {
  const calls: string[] = [];
  let n = 0;
  const samples = await runAlternating(abc, 4, (c) => {
    calls.push(c.label);
    return n++;
  });
  t.same(calls, ['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b', 'a', 'b', 'c']);
  const rounds = [0, 1, 2, 3].map((r) => calls.slice(r * 3, r * 3 + 3));
  for (const r of rounds) t.same([...r].sort(), ['a', 'b', 'c'], 'each candidate once in the round');
  t.same(rounds.slice(0, 3).map((r) => r[0]), ['a', 'b', 'c'], 'a different candidate first in each of n rounds');
  // samples by label, in round order: the call index of each of a's runs
  t.same(samples.get('a'), [0, 5, 7, 9]);
  t.same(samples.get('b'), [1, 3, 8, 10]);
  t.same(samples.get('c'), [2, 4, 6, 11]);
});

t.test('reverse: the list backwards on odd rounds', async (t) => {
  const calls: string[] = [];
  await runAlternating(abc, 3, (c) => void calls.push(c.label), { order: 'reverse' });
  t.same(calls, ['a', 'b', 'c', 'c', 'b', 'a', 'a', 'b', 'c']);
  t.same(roundOrder(abc, 1, 'reverse').map((c) => c.label), ['c', 'b', 'a']);
  t.same(abc.map((c) => c.label), ['a', 'b', 'c'], 'the caller’s list is left as it was');
});

t.test('an async runOnce is awaited: one run at a time, its resolved value is the sample', async (t) => {
  let running = 0;
  let overlapped = false;
  const samples = await runAlternating(abc, 3, async (c) => {
    if (running++ > 0) overlapped = true;
    await new Promise((r) => setTimeout(r, 2));
    running--;
    return `${c.label}!`;
  });
  t.equal(overlapped, false);
  t.same(samples.get('b'), ['b!', 'b!', 'b!']);
});

t.test('a failing runOnce rejects the whole run', async (t) => {
  await t.rejects(
    runAlternating(abc, 2, async (c) => {
      if (c.label === 'b') throw new Error('b broke');
      return 1;
    }),
    { message: 'b broke' },
  );
});

t.test('duplicate labels are refused before anything runs', async (t) => {
  let ran = 0;
  await t.rejects(
    runAlternating([{ label: 'x' }, { label: 'y' }, { label: 'x' }], 2, () => ran++),
    { name: 'RangeError', message: /duplicate label "x"/ },
  );
  t.equal(ran, 0);
});

t.test('rounds and warm-up must be whole numbers, the list not empty', async (t) => {
  await t.rejects(runAlternating(abc, 0, () => 1), { name: 'RangeError', message: /rounds/ });
  await t.rejects(runAlternating(abc, Number('x'), () => 1), { name: 'RangeError', message: /rounds.*NaN/ });
  await t.rejects(runAlternating(abc, 2, () => 1, { warmUp: -1 }), { name: 'RangeError', message: /warmUp/ });
  await t.rejects(runAlternating([], 2, () => 1), { name: 'RangeError', message: /no candidates/ });
});

t.test('warm-up passes run first, in list order, and are not counted', async (t) => {
  const calls: string[] = [];
  let n = 0;
  const samples = await runAlternating(
    abc,
    2,
    (c) => {
      calls.push(c.label);
      return n++;
    },
    { warmUp: 2 },
  );
  t.same(calls, ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'b', 'c', 'a']);
  for (const xs of samples.values()) t.equal(xs.length, 2);
  t.same(samples.get('a'), [6, 11], 'no warm-up run (calls 0–5) among the samples');
});

t.test('hooks run around each measured round, given the round and its order', async (t) => {
  const events: string[] = [];
  await runAlternating(abc, 2, (c) => void events.push(c.label), {
    warmUp: 1,
    beforeRound: async (round, order) => {
      await new Promise((r) => setImmediate(r));
      events.push(`before ${round} ${order.map((c) => c.label).join('')}`);
    },
    afterRound: (round, order) => void events.push(`after ${round} ${order.map((c) => c.label).join('')}`),
  });
  t.same(events, ['a', 'b', 'c', 'before 0 abc', 'a', 'b', 'c', 'after 0 abc', 'before 1 bca', 'b', 'c', 'a', 'after 1 bca']);
});

t.test('summarize: median, p10, p90 and the ratio of medians', async (t) => {
  const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5, 11];
  const s = summarize(xs, [2, 3, 4]);
  t.same(s, { median: 6, p10: 2, p90: 10, ratio: 2 });
  t.equal(spread(s), '2.0–10.0');
  t.equal(summarize([1, 2, 3, 4]).median, 2.5);
  t.ok(Number.isNaN(summarize([1]).ratio), 'no baseline, no ratio');
  t.throws(() => summarize([]), { name: 'RangeError' });
});
