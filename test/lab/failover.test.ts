import t from 'tap';
import { labUp, applyStack, waitSettled, hardKillFailover, rejoin, nodesWithRole, DUMMY, STATEFUL_CLONE } from '../../lib/lab/index.ts';
import { readAlerts } from '../../lib/lab/failover.ts';
import { assertNothingLeft, cannotRun, testLog, withCleanLab } from './fixtures/harness.ts';
import { delayedFence, fenceRaceNote } from './fixtures/fence-race.ts';

const NAME = 'ot-failover';

t.test('Stateful + Dummy: hard kill, rejoin, link cut', { skip: cannotRun() ?? false }, async (t) => {
  await withCleanLab(t, NAME);
  // Fencing of node2 is delayed 5 s: in a split, node2 wins.
  const lab = await labUp({ name: NAME, nodes: 2, token: 1000, stonith: true, fenceDelayMs: 5000, fenceDelayTarget: 'node2', log: testLog });
  await applyStack(lab, {});
  const first = await waitSettled(lab, { unpromotedOn: ['node2'] });
  t.equal(first.promoted, 'node1', 'Promoted on node1 at first');
  t.same(first.started[DUMMY], ['node1'], 'Dummy with Promoted');

  await t.test('hard kill of the Promoted node: fenced, promoted, Dummy started on the survivor', async (t) => {
    const tl = await hardKillFailover(lab, {});
    t.equal(tl.victim, 'node1');
    t.equal(tl.survivor, 'node2');
    t.same(lab.processes('node1'), [], 'the victim has no process left');
    t.not(tl.membershipMs, null, 'corosync membership change seen');
    t.not(tl.fencedMs, null, 'fencing of node1 confirmed');
    t.ok(tl.fencedMs! <= tl.promotedMs!, 'fencing confirmed before the promote');
    t.not(tl.promotedMs, null, 'promoted');
    t.not(tl.startedMs[DUMMY], null, 'Dummy started on the survivor');
    const fencing = readAlerts(lab, 'node2').find((e) => e.kind === 'fencing' && e.node === 'node1');
    t.match(fencing?.desc, /reboot of node1 by node2.*OK/, 'the survivor did the fencing');
    const state = await lab.crmMon('node2');
    t.same(nodesWithRole(state!, STATEFUL_CLONE, 'Promoted'), ['node2']);
    t.same(nodesWithRole(state!, DUMMY, 'Started'), ['node2']);
    t.notOk(state!.nodes.find((n) => n.name === 'node1')?.unclean, 'node1 is clean (fenced), not UNCLEAN');
    t.comment(`kill→membership ${tl.membershipMs} ms, fenced ${tl.fencedMs} ms, promoted ${tl.promotedMs} ms, Dummy ${tl.endMs} ms`);
  });

  await t.test('the killed node comes back as Unpromoted', async (t) => {
    const ms = await rejoin(lab, 'node1', {});
    const state = await lab.crmMon('node1');
    t.same(nodesWithRole(state!, STATEFUL_CLONE, 'Unpromoted'), ['node1'], 'node1 Unpromoted (seen from node1)');
    t.same(nodesWithRole(state!, STATEFUL_CLONE, 'Promoted'), ['node2'], 'Promoted stays on node2');
    t.comment(`rejoin ${ms} ms`);
  });

  await t.test('net node2 down: exactly one node survives and holds the resources', async (t) => {
    const cutAt = Date.now();
    await lab.net('node2', 'down');
    const dead = await lab.waitFor(() => lab.nodes.find((n) => lab.processes(n).length === 0), { timeoutMs: 30_000, intervalMs: 100, what: 'one node fenced' });
    const survivor = lab.nodes.find((n) => n !== dead)!;
    t.equal(survivor, 'node2', 'node2 wins (its fencing is delayed)');
    const placed = await waitSettled(lab, { from: survivor, promotedOn: survivor, timeoutMs: 30_000 });
    t.same(placed.started[DUMMY], [survivor], 'the survivor holds Dummy');
    // Past the latest moment the loser's delayed fence of the survivor could fire: still alive.
    const race = await delayedFence(lab, cutAt, dead, survivor);
    t.not(race.fencedAt, null, `the survivor confirmed the fencing of ${dead}`);
    t.comment(fenceRaceNote(race, cutAt));
    await new Promise((r) => setTimeout(r, Math.max(0, race.deadline - Date.now())));
    t.ok(lab.processes(survivor).length > 0, `the survivor is still running ${Date.now() - cutAt} ms after the cut, past any delayed fence by the loser`);
    t.same(lab.processes(dead), [], `${dead} stays off`);
    await lab.net('node2', 'up');
    await rejoin(lab, dead, {});
    t.pass(`${dead} rejoined after the link came back`);
  });

  await lab.down();
  assertNothingLeft(t, NAME);
});
