/**
 * Fault drills of issue 13, part 1 (lab ocfkit-drill1, the full stack, real fencing):
 *  1. hard kill of the active node: the other takes every piece in order; a client loop sees
 *     service again; the product's event log (`ocfkit events --json`) and `ocfkit status --json`
 *     inside the survivor show each step;
 *  2. graceful switchover (`pcs node standby`) and back, client outage measured;
 *  3. a link cut (`lab.net`) of the active node with real fencing leaves exactly one active: the
 *     simulator's roles and the VIP holders are polled on both nodes throughout. Done twice: the
 *     active that wins the fence race (the lab's delay protects node2) keeps the stack; the
 *     active that loses it (node1) is fenced and node2 takes over.
 * One lab for the three drills (re-settled between them). Needs root and `npm run build`.
 */
import t, { type Test } from 'tap';
import { nodeStackFacts, outages, hardKillFullFailover, rejoinFull, servicesStatus, waitStackRunning } from '../../lib/lab/index.ts';
import { cannotRunFullStack } from './fixtures/harness.ts';
import { assertChecks, resourceEvents, eventsJson, ExclusiveWatch, failoverEventChecks, secs, servicesInOrder, settle, sh, statusFailoverChecks, statusJson, waitDrbdHealthy, otherNode, upFullLab } from './fixtures/drills.ts';

const NAME = 'ocfkit-drill1';
const SERVICES = ['mq', 'sched', 'db'];
const skip = cannotRunFullStack() ?? false;

t.test('fault drills: hard kill, switchover and back, link cut', { skip }, async (t) => {
  const lab = await upFullLab(t, NAME);
  const client = lab.client({ intervalMs: 100, timeoutMs: 300 });
  t.teardown(() => client.stop());

  await t.test('drill 1: hard kill of the active node', async (t) => {
    const before = await waitStackRunning(lab, { timeoutMs: 60_000 });
    const victim = before.active;
    const survivor = otherNode(lab, victim);
    const tl = await hardKillFullFailover(lab, { client, timeoutMs: 120_000 });
    t.comment(`drill 1 timeline (ms after the kill of ${victim}): ${tl.steps.map((s) => `${s.key} ${s.atMs}`).join(', ')}`);
    t.equal(tl.victim, victim, 'the active node was killed');
    t.equal(tl.survivor, survivor, `${survivor} is the survivor`);

    // The survivor runs every piece: the simulator, the mount, the VIP, HAProxy, the services.
    const f = await nodeStackFacts(lab, survivor);
    t.match(f.drbd, { role: 'Primary', disk: 'UpToDate' }, `the simulator: r0 Primary UpToDate on ${survivor}`);
    t.equal(f.mounted, '/dev/drbd0', `/srv/data mounted on ${survivor}`);
    t.ok(f.vip, `the VIP on ${survivor}`);
    t.same(f.haproxy, { [victim]: 'maint', [survivor]: 'ready' }, `HAProxy's be_write points at ${survivor}`);
    t.same(f.services, { mq: 'started', sched: 'started', db: 'started' }, 'every service started');
    const st = servicesStatus(lab, survivor);
    t.equal(st?.node, survivor, `the services status file is ${survivor}'s`);
    assertChecks(t, servicesInOrder(st?.steps ?? [], SERVICES));
    t.same(lab.processes(victim), [], 'the victim is off');

    // The client loop sees service again, from the survivor.
    const gaps = outages(client.samples.filter((s) => s.at >= tl.killedAt - 1000));
    t.equal(gaps.length, 1, 'one outage');
    t.equal(gaps[0]?.nextNode, survivor, `service resumed from ${survivor}`);
    t.ok(tl.firstAnswerAfter?.node === survivor, 'the client was answered by the survivor');
    t.comment(`drill 1: kill → client answered by ${survivor}: ${secs(tl.totalMs)}; client outage ${secs(gaps[0]?.ms)}; Pacemaker (membership → last service) ${secs(tl.pacemakerMs)}`);
    for (const s of tl.steps) t.comment(`  ${s.key.padEnd(14)} at ${secs(s.atMs)} (took ${secs(s.durationMs)})`);

    // The product's event log inside the survivor (ocfkit-alert → ocfkit events --json).
    const { events, ev } = await lab.waitFor(async () => {
      const events = await eventsJson(lab, survivor, tl.killedAt - 1000);
      const ev = failoverEventChecks(events, { victim, survivor });
      return ev.checks.every((c) => c.ok) ? { events, ev } : null;
    }, { timeoutMs: 10_000, intervalMs: 500, what: 'every step in the event log' }).catch(async () => {
      const events = await eventsJson(lab, survivor, tl.killedAt - 1000);
      return { events, ev: failoverEventChecks(events, { victim, survivor }) };
    });
    assertChecks(t, ev.checks);
    t.comment(`drill 1 event log (ms after the kill): ${Object.entries(ev.times).map(([k, v]) => `${k} ${Math.round(v - tl.killedAt)}`).join(', ')} (${events.length} events)`);

    // ocfkit status --json inside the survivor: the last takeover, step by step.
    const s = await statusJson(lab, survivor);
    assertChecks(t, statusFailoverChecks(s, { victim, survivor, services: SERVICES }));
    t.comment(`drill 1 ocfkit status: ${s.verdict.state}: ${s.verdict.reason}; takeover ${secs(s.failover?.durationMs)}`);

    const ms = await rejoinFull(lab, victim, 120_000);
    t.comment(`drill 1: ${victim} rejoined as standby in ${secs(ms)}`);
    const back = await nodeStackFacts(lab, victim);
    t.match(back.drbd, { role: 'Secondary' }, `${victim} is Secondary after its reboot`);
  });

  await t.test('drill 2: graceful switchover (pcs node standby) and back', async (t) => {
    const start = await settle(lab);
    const a = start.active;
    const b = otherNode(lab, a);
    await waitDrbdHealthy(lab);

    const switchTo = async (from: string, to: string): Promise<number | null> => {
      const since = Date.now();
      await sh(lab, to, ['pcs', 'node', 'standby', from]);
      await waitStackRunning(lab, { from: to, activeOn: to, timeoutMs: 90_000 });
      await client.answeredBy(to, { since, timeoutMs: 30_000 });
      const took = (client.find((s) => s.ok && s.node === to, since)?.at ?? NaN) - since;
      await new Promise((r) => setTimeout(r, 500));
      const gaps = outages(client.samples.filter((s) => s.at >= since));
      const outage = gaps.reduce((sum, g) => sum + (g.ms ?? Infinity), 0);
      t.notOk(gaps.some((g) => g.ms === null), 'the client is answered again');
      t.notOk(client.find((s) => s.ok && s.node === from, since + took + 1), `no answer from ${from} after the switch`);
      const f = await nodeStackFacts(lab, to);
      t.match(f.drbd, { role: 'Primary' }, `r0 Primary on ${to}`);
      t.ok(f.vip && f.mounted === '/dev/drbd0', `VIP and mount on ${to}`);
      t.same(f.services, { mq: 'started', sched: 'started', db: 'started' }, `services on ${to}`);
      const s = await statusJson(lab, to);
      t.equal(s.activeNode, to, `ocfkit status: ${to} active`);
      t.ok(s.nodes.find((n) => n.name === from)?.standby, `ocfkit status: ${from} in standby`);
      t.comment(`drill 2: standby ${from} → ${to} answers after ${secs(took)}; client outage ${secs(outage)} (${gaps.length} gap(s)); takeover per status ${secs(s.failover?.durationMs)}`);
      const ops = resourceEvents([...(await eventsJson(lab, from, since)), ...(await eventsJson(lab, to, since))])
        .filter((e) => e.interval === 0 && (e.resource === 'drbd-data' ? ['demote', 'stop', 'promote'] : ['stop', 'start']).includes(e.task))
        .sort((x, y) => Date.parse(x.time) - Date.parse(y.time));
      t.comment(`drill 2: ${from} → ${to} steps (ms after pcs node standby): ${ops.map((e) => `${e.task} ${e.resource}@${e.node} ${Date.parse(e.time) - since}`).join(', ')}`);
      // Unstandby: the stack stays (resource-stickiness), the node comes back as the standby.
      await sh(lab, to, ['pcs', 'node', 'unstandby', from]);
      const p = await waitStackRunning(lab, { from: to, activeOn: to, standbyOn: [from], timeoutMs: 90_000 });
      t.equal(p.active, to, `after unstandby ${from}, the stack stays on ${to} (stickiness)`);
      await waitDrbdHealthy(lab);
      return outage;
    };
    const there = await switchTo(a, b);
    const back = await switchTo(b, a);
    t.comment(`drill 2: switchover ${a} → ${b}: outage ${secs(there)}; and back: ${secs(back)}`);
  });

  /** Cuts the active node's cable; the fence race decides (the lab's delay protects fenceDelayTarget); exactly one active throughout. */
  const linkCut = async (t: Test, cut: string): Promise<void> => {
    const peer = otherNode(lab, cut);
    const winner = lab.record.fenceDelayTarget;
    const loser = otherNode(lab, winner);
    const watch = new ExclusiveWatch(lab, 100);
    const since = Date.now();
    await lab.net(cut, 'down');
    t.comment(`drill 3: cut ${cut}'s link (the active node); ${winner}'s fencing is delayed ${lab.record.fenceDelayMs} ms`);
    await lab.waitFor(() => lab.processes(loser).length === 0, { timeoutMs: 60_000, intervalMs: 100, what: `${loser} fenced` });
    const fencedMs = Date.now() - since;
    const p = await waitStackRunning(lab, { from: winner, activeOn: winner, timeoutMs: 90_000 });
    t.equal(p.active, winner, `${winner} runs the stack`);
    const answered = cut === winner ? null : await client.answeredBy(winner, { since, timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 3000));
    await lab.net(cut, 'up');
    await client.answeredBy(winner, { since: Date.now(), timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 1000));
    await watch.stop();
    const m = watch.max();
    t.comment(`drill 3: ${loser} fenced ${secs(fencedMs)} after the cut; ${watch.samples.length} samples of both nodes' simulator roles and VIP holders, max ${m.primaries} Primary, ${m.vip} VIP holder`);
    t.ok(watch.samples.length > 20, 'enough samples');
    t.equal(m.twoPrimaries, null, 'never two DRBD Primaries');
    t.equal(m.twoVip, null, 'never two VIP holders');
    t.ok(watch.samples.at(-1)!.primaries.length === 1 && watch.samples.at(-1)!.vip.length === 1, 'exactly one active at the end');
    t.same(watch.samples.at(-1)!.primaries, [winner], `the Primary is ${winner}`);
    t.same(lab.processes(loser), [], `${loser} was fenced (powered off)`);
    if (cut === winner) t.notOk(watch.samples.some((s) => s.primaries.includes(loser)), `${loser} (the standby) was never Primary`);
    else {
      const ev = await eventsJson(lab, winner, since - 1000);
      const fenced = ev.find((e) => e.kind === 'fencing' && e.fenceTarget === loser && e.rc === 0);
      const promoted = resourceEvents(ev).find((e) => e.resource === 'drbd-data' && e.task === 'promote' && e.rc === 0 && e.node === winner);
      t.ok(fenced && promoted && Date.parse(fenced.time) <= Date.parse(promoted.time), `${winner} promoted only after the fencing of ${loser} was confirmed (event log: fenced ${fenced?.time}, promoted ${promoted?.time})`);
      t.equal(peer, winner, 'the peer took over');
      t.equal(answered?.node, winner, `the client was answered by ${winner} while ${cut}'s cable was still out`);
    }
    const gaps = outages(client.samples.filter((s) => s.at >= since));
    t.comment(`drill 3: client outage ${gaps.map((g) => secs(g.ms)).join(', ') || 'none'} (${cut === winner ? `${cut} kept the stack; its cable was out for that long` : `${winner} took over; answered ${secs(answered ? answered.at + answered.ms - since : null)} after the cut`})`);
    const s = await statusJson(lab, winner);
    t.equal(s.activeNode, winner, `ocfkit status on ${winner}: ${winner} active`);
    t.notOk(s.nodes.find((n) => n.name === loser)?.online, `ocfkit status: ${loser} offline`);
    t.comment(`drill 3 ocfkit status: ${s.verdict.state}: ${s.verdict.reason}`);
    await rejoinFull(lab, loser, 120_000);
  };

  await t.test('drill 3: link cut with real fencing leaves exactly one active', async (t) => {
    const start = await settle(lab);
    await t.test(`cut the active ${start.active}`, (t) => linkCut(t, start.active));
    // Now the other node active (a switchover), and its cable cut: the fence race goes the other way.
    const now = (await settle(lab)).active;
    const next = otherNode(lab, now);
    await waitDrbdHealthy(lab);
    await sh(lab, next, ['pcs', 'node', 'standby', now]);
    await waitStackRunning(lab, { from: next, activeOn: next, timeoutMs: 90_000 });
    await sh(lab, next, ['pcs', 'node', 'unstandby', now]);
    await waitStackRunning(lab, { from: next, activeOn: next, standbyOn: [now], timeoutMs: 90_000 });
    await t.test(`cut the active ${next}`, (t) => linkCut(t, next));
  });
});
