/**
 * The failback restore window (seed 004): the cron-ish start + length → date_specs, and what the
 * real scheduler (crm_simulate, clock set with --set-datetime, never the system clock) does with
 * the rendered CIB after a failover when the preferred node comes back: failback inside the
 * window, none outside it (stickiness keeps the role on the side in control).
 */
import t, { type Test } from 'tap';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCib, LAB_VARS, type StackVars } from '../../lib/cib/render.ts';
import { windowDateSpecs, inWindow } from '../../lib/cib/window.ts';
import { WINDOW_SCORE_FACTOR } from '../../lib/cib/vars.ts';
import { placement, setPromotionScore, settle, tempDir } from './helpers.ts';

// 2026-11-27 is a Friday. The window: Saturdays 22:00 for 4 hours (until Sunday 02:00).
const WINDOW = { start: '0 22 * * 6', length: '4h' };
const FRIDAY_NOON = '2026-11-27T12:00:00Z';

t.test('cron-ish start + length → date_specs', async (t) => {
  t.same(windowDateSpecs('0 2 * * *', '2h'), [{ hours: '2-3' }]);
  t.same(windowDateSpecs('0 22 * * 6', '4h'), [
    { hours: '22-23', weekdays: '6' },
    { hours: '0-1', weekdays: '7' },
  ]);
  // Sunday is 0 or 7 in cron, 7 in Pacemaker; the day after Sunday is Monday (1).
  t.same(windowDateSpecs('0 23 * * 0', '2h'), [
    { hours: '23', weekdays: '7' },
    { hours: '0', weekdays: '1' },
  ]);
  t.same(windowDateSpecs('0 1 * * 1-3,5', '1h'), [
    { hours: '1', weekdays: '1-3' },
    { hours: '1', weekdays: '5' },
  ]);
  t.same(windowDateSpecs('0 3 1 1-6 *', 'PT2H'), [{ hours: '3-4', monthdays: '1', months: '1-6' }]);
  t.same(windowDateSpecs('0 0 * * *', '24h'), [{ hours: '0-23' }]);

  const specs = windowDateSpecs(WINDOW.start, WINDOW.length);
  t.equal(inWindow(specs, new Date('2026-11-28T21:59:59Z')), false, 'Saturday 21:59');
  t.equal(inWindow(specs, new Date('2026-11-28T22:00:00Z')), true, 'Saturday 22:00');
  t.equal(inWindow(specs, new Date('2026-11-29T01:59:59Z')), true, 'Sunday 01:59');
  t.equal(inWindow(specs, new Date('2026-11-29T02:00:00Z')), false, 'Sunday 02:00');
});

t.test('bad windows are typed errors naming the variable', async (t) => {
  const cases: [string, string, string, RegExp][] = [
    ['0 2 * *', '2h', 'restore_window.start', /five cron fields/],
    ['30 2 * * *', '2h', 'restore_window.start', /minute field must be 0/],
    ['0 24 * * *', '2h', 'restore_window.start', /hour field/],
    ['0 */2 * * *', '2h', 'restore_window.start', /hour field/],
    ['0 2 * * 8', '2h', 'restore_window.start', /out of range 0-7/],
    ['0 2 * * mon', '2h', 'restore_window.start', /no steps or names/],
    ['0 2 1,15 * *', '2h', 'restore_window.start', /no lists/],
    ['0 2 * * *', '90min', 'restore_window.length', /whole hours/],
    ['0 2 * * *', '25h', 'restore_window.length', /longer than a day/],
    ['0 2 * * *', 'soon', 'restore_window.length', /not a duration/],
    ['0 23 1 * *', '2h', 'restore_window', /crosses midnight/],
  ];
  for (const [start, length, key, message] of cases) {
    t.throws(() => windowDateSpecs(start, length, '--restore-window'), { name: 'CibVarsError', key, source: '--restore-window', message }, `${start} / ${length}`);
  }
  t.throws(() => renderCib(LAB_VARS, { variant: 'cold', restoreWindow: { ...WINDOW, score: 100 } }), { name: 'CibVarsError', key: 'restore_window.score' }, 'a score stickiness would outweigh');
  t.throws(() => renderCib({ ...LAB_VARS, restore_window: { start: '0 2 * *', length: '1h', score: 100000 } }, { variant: 'cold' }), { name: 'CibVarsError', source: 'vars', key: 'restore_window.start' });
});

/** Both nodes up, promotion scores as the DRBD agent publishes them, settled; then node1 (the preferred node) fails and comes back. */
function failoverAndRecover(dir: string, vars: StackVars, variant: 'cold' | 'hot', name: string, window: typeof WINDOW | null = WINDOW, score?: number): string {
  const r = renderCib(vars, { variant, restoreWindow: window ? { ...window, score } : null });
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, r.xml);
  settle(file, FRIDAY_NOON, ['--node-up', 'node1', '--node-up', 'node2']);
  setPromotionScore(file, 'node1', 10000);
  setPromotionScore(file, 'node2', 10000);
  settle(file, FRIDAY_NOON);
  const first = placement(file);
  if (first.promoted.join() !== 'node1') throw new Error(`first promotion on ${first.promoted.join()} (expected the preferred node1)`);
  settle(file, FRIDAY_NOON, ['--node-fail', 'node1']);
  const failedOver = placement(file);
  if (failedOver.promoted.join() !== 'node2' || failedOver.started['app-services']!.join() !== 'node2') throw new Error(`no failover: ${JSON.stringify(failedOver)}`);
  settle(file, FRIDAY_NOON, ['--node-up', 'node1']);
  // node1's DRBD resynced: its agent publishes the top score again (a reboot lost the transient attribute).
  setPromotionScore(file, 'node1', 10000);
  return file;
}

function at(dir: string, recovered: string, time: string, name: string): ReturnType<typeof placement> {
  const file = join(dir, `${name}.xml`);
  copyFileSync(recovered, file);
  settle(file, time);
  return placement(file);
}

const expectActive = (t: Test, p: ReturnType<typeof placement>, node: string, what: string) => {
  t.same(p.promoted, [node], `${what}: DRBD Promoted on ${node}`);
  for (const id of ['fs-data', 'vip', 'haproxy-target', 'app-services']) t.same(p.started[id], [node], `${what}: ${id} on ${node}`);
};

for (const variant of ['cold', 'hot'] as const) {
  t.test(`${variant}: failback inside the window, not outside (crm_simulate --set-datetime)`, async (t) => {
    const dir = tempDir(t);
    const recovered = failoverAndRecover(dir, LAB_VARS, variant, `${variant}-recovered`);
    expectActive(t, placement(recovered), 'node2', 'recovered at once (Friday noon, outside)');
    expectActive(t, at(dir, recovered, '2026-11-28T21:59:59Z', 'sat-2159'), 'node2', 'Saturday 21:59 (outside)');
    expectActive(t, at(dir, recovered, '2026-11-28T22:00:00Z', 'sat-2200'), 'node1', 'Saturday 22:00 (inside)');
    expectActive(t, at(dir, recovered, '2026-11-29T01:30:00Z', 'sun-0130'), 'node1', 'Sunday 01:30 (inside, after midnight)');
    expectActive(t, at(dir, recovered, '2026-11-29T02:00:00Z', 'sun-0200'), 'node2', 'Sunday 02:00 (outside)');
    if (variant === 'hot') {
      t.same(at(dir, recovered, '2026-11-28T23:00:00Z', 'sat-2300-ro').started['app-services-ro'], ['node2'], 'after failback the read-only services run on the new standby');
      t.same(placement(recovered).started['app-services-ro'], ['node1'], 'and before it on the recovered standby');
    }
  });
}

t.test('the lowest accepted window score is enough', async (t) => {
  const dir = tempDir(t);
  const score = LAB_VARS.policy.resource_stickiness * WINDOW_SCORE_FACTOR;
  for (const variant of ['cold', 'hot'] as const) {
    const recovered = failoverAndRecover(dir, LAB_VARS, variant, `min-${variant}`, WINDOW, score);
    expectActive(t, at(dir, recovered, '2026-11-28T22:30:00Z', `min-${variant}-inside`), 'node1', `${variant}, score ${score}, inside`);
  }
});

t.test('inside the window, a preferred node without a promotion score (DRBD not UpToDate) does not take the role', async (t) => {
  const dir = tempDir(t);
  const recovered = failoverAndRecover(dir, LAB_VARS, 'cold', 'no-score');
  setPromotionScore(recovered, 'node1', null);
  expectActive(t, at(dir, recovered, '2026-11-28T23:00:00Z', 'no-score-inside'), 'node2', 'resyncing node1, inside the window');
});

t.test('without a window, failback is manual: stickiness keeps the role at any time', async (t) => {
  const dir = tempDir(t);
  const recovered = failoverAndRecover(dir, LAB_VARS, 'cold', 'none', null);
  t.notMatch(renderCib(LAB_VARS, { variant: 'cold' }).xml, /date_spec/);
  for (const time of ['2026-11-28T23:00:00Z', '2026-11-30T09:00:00Z', '2026-12-24T03:00:00Z']) {
    expectActive(t, at(dir, recovered, time, `none-${time.slice(0, 13)}`), 'node2', `no window, ${time}`);
  }
});

t.test('a window in the vars file works the same as --restore-window', async (t) => {
  const fromVars = renderCib({ ...LAB_VARS, restore_window: { ...WINDOW, score: 100000 } }, { variant: 'hot' });
  const fromOption = renderCib(LAB_VARS, { variant: 'hot', restoreWindow: { ...WINDOW, score: 100000 } });
  t.equal(fromVars.xml, fromOption.xml);
  t.equal(fromVars.pcs, fromOption.pcs);
  t.equal(renderCib({ ...LAB_VARS, restore_window: { ...WINDOW, score: 100000 } }, { variant: 'hot', restoreWindow: null }).xml, renderCib(LAB_VARS, { variant: 'hot' }).xml, 'null switches it off');
});
