/**
 * Fault drills of issue 13, part 2 (lab ocfkit-drill2, the full stack, real fencing):
 *  4. the standby's DRBD disk Outdated, then the active killed → no promotion, and
 *     `ocfkit status` says why;
 *  5. maintenance mode: killing the active's services does not fail over and Pacemaker does not
 *     restart them; leaving maintenance, the monitor notices and recovery happens;
 *  6. a crashed service (db killed) is restarted in place; after migration-threshold failures
 *     the stack moves to the other node;
 *  7. split brain in the simulator (replication cut, a switchover while apart, reconnect) →
 *     reported by the agent (node attribute) and `ocfkit status`, never two actives.
 * One lab for the four drills (re-settled between them). Needs root and `npm run build`.
 */
import t from 'tap';
import { run } from '../../lib/exec/run.ts';
import { drbdState, nodeStackFacts, outages, waitStackRunning, type Lab } from '../../lib/lab/index.ts';
import { LAB_VARS } from '../../lib/cib/vars.ts';
import { sleep } from '../../lib/exec/wait.ts';
import { cannotRunFullStack } from './fixtures/harness.ts';
import { eventsJson, ExclusiveWatch, failCount, killPids, nodeAttr, secs, servicePids, settle, sh, statusJson, vipHolders, waitDrbdHealthy, drbdPrimaries, resourceEvents, otherNode, upFullLab } from './fixtures/drills.ts';

const NAME = 'ocfkit-drill2';
const skip = cannotRunFullStack() ?? false;

/** Cuts (or restores) DRBD replication alone: a blackhole route in `node` to the peer's DRBD address (corosync keeps its own). */
async function drbdLink(lab: Lab, node: string, state: 'down' | 'up'): Promise<void> {
  const peer = lab.node(otherNode(lab, node)).drbdAddress;
  const r = await run('ip', ['-n', lab.node(node).netns, 'route', state === 'down' ? 'add' : 'del', 'blackhole', `${peer}/32`], { timeoutMs: 10_000 });
  if (r.failed && !(state === 'up' && /No such process|not found/i.test(r.stderr))) throw new Error(`blackhole ${state}: ${r.stderr.trim()}`);
}

t.test('fault drills: Outdated standby, maintenance mode, crashed service, split brain', { skip }, async (t) => {
  const lab = await upFullLab(t, NAME);
  const client = lab.client({ intervalMs: 100, timeoutMs: 300 });
  t.teardown(() => client.stop());

  await t.test("drill 4: the standby's disk Outdated, the active killed → no promotion, a clear reason", async (t) => {
    const start = await settle(lab);
    const a = start.active;
    const b = otherNode(lab, a);
    await waitDrbdHealthy(lab);
    await drbdLink(lab, b, 'down');
    await lab.waitFor(() => drbdState(lab, b)?.conn !== 'Connected', { timeoutMs: 20_000, intervalMs: 100, what: `r0 on ${b} disconnected` });
    await sh(lab, b, ['drbdadm', 'outdate', 'r0']);
    t.equal(drbdState(lab, b)?.disk, 'Outdated', `the simulator: ${b}'s disk Outdated`);
    const watch = new ExclusiveWatch(lab, 150);
    const { at } = await lab.kill(a);
    // Fencing confirmed, seen by the survivor's product event log.
    const fenced = await lab.waitFor(async () => (await eventsJson(lab, b, at - 1000)).find((e) => e.kind === 'fencing' && e.fenceTarget === a && e.rc === 0) ?? null, { timeoutMs: 60_000, intervalMs: 500, what: `${a} fenced` });
    const fencedMs = Date.parse(fenced.time) - at;
    // Pacemaker has what it needs to promote b now; give it time to try (and the agent to refuse).
    const s = await lab.waitFor(async () => {
      const s = await statusJson(lab, b);
      return s.verdict.state === 'no-active-node' && /Outdated/.test(s.nodes.find((n) => n.name === b)?.notPromotable ?? '') ? s : null;
    }, { timeoutMs: 60_000, intervalMs: 1000, what: 'ocfkit status: no active node, b not promotable (Outdated)' }).catch(() => statusJson(lab, b));
    await sleep(10_000);
    await watch.stop();
    t.comment(`drill 4: ${a} fenced ${secs(fencedMs)} after the kill; ${watch.samples.length} samples over ${secs(Date.now() - at)}`);
    t.notOk(watch.samples.some((x) => x.primaries.includes(b)), `${b} never Primary (the simulator)`);
    t.notOk(watch.samples.some((x) => x.vip.includes(b)), `${b} never held the VIP`);
    const f = await nodeStackFacts(lab, b);
    t.equal(f.mounted, null, `/srv/data not mounted on ${b}`);
    t.same(f.services, {}, `no service on ${b}`);
    t.equal(f.drbd?.disk, 'Outdated', `${b}'s disk is still Outdated`);
    t.equal(s.activeNode, null, 'ocfkit status: no active node');
    t.equal(s.verdict.state, 'no-active-node', 'ocfkit status: verdict no-active-node');
    const reason = s.nodes.find((n) => n.name === b)?.notPromotable ?? '';
    t.match(reason, /Outdated/, `ocfkit status says why ${b} is not promoted`);
    t.match(s.verdict.reasons.join('\n'), /Outdated/, 'the verdict names the Outdated disk');
    t.comment(`drill 4 ocfkit status: ${s.verdict.state}: ${s.verdict.reason} | ${b}: ${reason}`);
    const tries = resourceEvents(await eventsJson(lab, b, at)).filter((e) => e.resource === 'drbd-data' && e.task === 'promote' && e.node === b);
    t.comment(`drill 4: promote attempts on ${b} after the kill: ${tries.length}${tries.length ? ` (${tries.map((e) => `rc=${e.rc} ${e.desc}`).join('; ')})` : ' (no promotion score: Pacemaker did not try)'}`);
    // Recovery: replication back, the killed node boots, its UpToDate data is promoted, b resyncs.
    await drbdLink(lab, b, 'up');
    const t1 = Date.now();
    await lab.start(a, { timeoutMs: 120_000 });
    await waitStackRunning(lab, { from: b, activeOn: a, timeoutMs: 120_000 });
    t.comment(`drill 4: ${a} booted and took the stack back in ${secs(Date.now() - t1)}`);
  });

  await t.test("drill 5: maintenance mode: killed services are left alone, recovery resumes after", async (t) => {
    const start = await settle(lab);
    const a = start.active;
    const b = otherNode(lab, a);
    await sh(lab, a, ['pcs', 'property', 'set', 'maintenance-mode=true']);
    const sm = await statusJson(lab, a);
    t.equal(sm.cluster.maintenanceMode, true, 'ocfkit status: maintenance mode on');
    const pids = servicePids(lab, a);
    t.equal(pids.length, 3, `three service processes on ${a}`);
    const watch = new ExclusiveWatch(lab, 250);
    const killedAt = Date.now();
    t.equal(killPids(pids), 3, 'killed');
    await sleep(25_000); // 2.5 monitor intervals of app-services (10 s)
    t.same(servicePids(lab, a), [], `nothing restarted the services on ${a}`);
    t.same(servicePids(lab, b), [], `nothing started them on ${b}`);
    const during = (await eventsJson(lab, a, killedAt)).concat(await eventsJson(lab, b, killedAt));
    const acts = resourceEvents(during).filter((e) => ['start', 'stop', 'promote', 'demote'].includes(e.task));
    t.same(acts.map((e) => `${e.resource} ${e.task} ${e.node}`), [], 'no start/stop/promote/demote anywhere while in maintenance (event logs)');
    const held = await lab.crmMon(b);
    t.same(held?.resources.filter((r) => r.id === 'drbd-data' && r.role === 'Promoted').map((r) => r.nodes[0]), [a], `crm_mon: still Promoted on ${a}`);
    t.ok(watch.samples.every((x) => x.primaries.join() === a && x.vip.join() === a), `the simulator and the VIP stayed on ${a} throughout`);
    // Leave maintenance: the monitor finds the services dead and Pacemaker recovers them.
    const left = Date.now();
    await sh(lab, a, ['pcs', 'property', 'set', 'maintenance-mode=false']);
    const answer = await client.answeredBy(a, { since: left, timeoutMs: 90_000 });
    const recoveredMs = answer.at + answer.ms - left;
    await waitStackRunning(lab, { from: a, timeoutMs: 60_000 }).catch(() => null);
    await watch.stop();
    t.equal(servicePids(lab, a, 'db').length, 1, `db runs on ${a} again`);
    const after = resourceEvents(await eventsJson(lab, a, left));
    const failedMonitor = after.find((e) => e.resource === 'app-services' && e.task === 'monitor' && e.rc !== 0 && e.node === a);
    const restarted = after.find((e) => e.resource === 'app-services' && e.task === 'start' && e.rc === 0 && e.node === a);
    t.ok(failedMonitor, `the monitor noticed (app-services monitor rc=${failedMonitor?.rc} on ${a})`);
    t.ok(restarted, `app-services started again on ${a}`);
    t.ok(failedMonitor && restarted && Date.parse(failedMonitor.time) <= Date.parse(restarted.time), 'noticed, then restarted');
    t.ok(watch.samples.every((x) => !x.primaries.includes(b)), `no failover to ${b}`);
    t.comment(`drill 5: maintenance held ${secs(left - killedAt)} with the services dead (no action); after leaving it, ${a} answered again in ${secs(recoveredMs)}`);
  });

  await t.test('drill 6: a crashed service is restarted in place, then moved after migration-threshold failures', async (t) => {
    const start = await settle(lab);
    const a = start.active;
    const b = otherNode(lab, a);
    const threshold = Number((await sh(lab, a, ['crm_attribute', '--type', 'rsc_defaults', '--name', 'migration-threshold', '--query', '--quiet'])).trim());
    t.equal(threshold, LAB_VARS.policy.migration_threshold, `migration-threshold ${threshold}, the template's value`);
    t.equal(await failCount(lab, a, 'app-services', a), 0, 'no failures to start with');
    const restarts: number[] = [];
    for (let i = 1; i <= threshold; i++) {
      await waitStackRunning(lab, { from: a, activeOn: a, timeoutMs: 90_000 });
      const before = servicePids(lab, a, 'db');
      t.equal(before.length, 1, `failure ${i}: db runs on ${a}`);
      const since = Date.now();
      killPids(before);
      await lab.waitFor(() => !servicePids(lab, a, 'db').includes(before[0]!), { timeoutMs: 5000, intervalMs: 20, what: 'db gone' });
      if (i < threshold) {
        const answer = await client.answeredBy(a, { since: Date.now(), timeoutMs: 60_000 });
        restarts.push(answer.at + answer.ms - since);
        const now = servicePids(lab, a, 'db');
        t.ok(now.length === 1 && now[0] !== before[0], `failure ${i}: db restarted in place on ${a} (pid ${before[0]} → ${now[0]})`);
        await lab.waitFor(async () => (await failCount(lab, a, 'app-services', a)) === i, { timeoutMs: 30_000, intervalMs: 500, what: `fail count ${i}` }).catch(() => null);
        t.equal(await failCount(lab, a, 'app-services', a), i, `fail count ${i} on ${a}`);
        t.same(drbdPrimaries(lab), [a], `still Primary on ${a}`);
      } else {
        const answer = await client.answeredBy(b, { since, timeoutMs: 120_000 });
        const movedMs = answer.at + answer.ms - since;
        const p = await waitStackRunning(lab, { from: b, activeOn: b, timeoutMs: 90_000 });
        t.equal(p.active, b, `failure ${i} (= migration-threshold): the stack moved to ${b}`);
        t.ok((await failCount(lab, b, 'app-services', a)) >= threshold, `fail count on ${a} reached ${threshold}`);
        t.same(drbdPrimaries(lab), [b], `r0 Primary on ${b} only`);
        t.same(await vipHolders(lab), [b], `the VIP on ${b} only`);
        const s = await statusJson(lab, b);
        t.equal(s.activeNode, b, `ocfkit status: ${b} active`);
        t.ok(s.failedActions.some((f) => f.resource === 'app-services' && f.node === a), `ocfkit status lists app-services' failures on ${a}`);
        t.comment(`drill 6: restarts in place ${restarts.map(secs).join(', ')} (kill → answered again); failure ${i}: moved to ${b} in ${secs(movedMs)}`);
      }
    }
  });

  await t.test('drill 7: split brain in the simulator is reported, never two actives', async (t) => {
    const start = await settle(lab);
    await waitDrbdHealthy(lab);
    const a = start.active;
    const b = otherNode(lab, a);
    const watch = new ExclusiveWatch(lab, 150);
    // Replication cut; the Primary goes on writing (a new data generation on a).
    await drbdLink(lab, b, 'down');
    await lab.waitFor(() => drbdState(lab, a)?.conn !== 'Connected', { timeoutMs: 20_000, intervalMs: 100, what: 'r0 disconnected' });
    await sh(lab, a, ['drbd-sim', 'write', 'r0', '4096']);
    // A switchover while apart: b is promoted on its own data (a second generation).
    await sh(lab, b, ['pcs', 'node', 'standby', a]);
    await waitStackRunning(lab, { from: b, activeOn: b, timeoutMs: 90_000 });
    await sh(lab, b, ['drbd-sim', 'write', 'r0', '4096']);
    await sh(lab, b, ['pcs', 'node', 'unstandby', a]);
    await waitStackRunning(lab, { from: b, activeOn: b, standbyOn: [a], timeoutMs: 90_000 });
    // Replication back: the handshake finds diverged data.
    const joined = Date.now();
    await drbdLink(lab, b, 'up');
    await lab.waitFor(() => drbdState(lab, a)?.conn === 'StandAlone' && drbdState(lab, b)?.conn === 'StandAlone', { timeoutMs: 30_000, intervalMs: 200, what: 'StandAlone on both (split brain)' });
    const sbLog = await sh(lab, b, ['cat', '/run/ocfkit-drbd-sim/r0.log']).catch(() => '');
    t.match(sbLog, /Split-Brain detected/, 'the simulator detected the split brain');
    // Reported: the agent's monitor (29 s / 31 s intervals) sets its node attribute; ocfkit status says so.
    const attr = `ocfkit-drbd-r0-split-brain`;
    const seen = await lab.waitFor(async () => {
      const s = await statusJson(lab, b);
      const va = await nodeAttr(lab, b, a, attr);
      const vb = await nodeAttr(lab, b, b, attr);
      return s.drbd[0]?.splitBrain.suspected && (va || vb) ? { s, va, vb } : null;
    }, { timeoutMs: 75_000, intervalMs: 1000, what: 'split brain reported' }).catch(async () => ({ s: await statusJson(lab, b), va: await nodeAttr(lab, b, a, attr), vb: await nodeAttr(lab, b, b, attr) }));
    const reportedMs = Date.now() - joined;
    await watch.stop();
    t.ok(seen.va !== null || seen.vb !== null, `node attribute ${attr} set by the agent (${a}: ${seen.va}, ${b}: ${seen.vb})`);
    t.equal(seen.s.drbd[0]?.splitBrain.suspected, true, 'ocfkit status: split brain suspected');
    t.match(seen.s.verdict.reasons.join('\n'), /split brain/i, 'ocfkit status: the verdict names it');
    t.comment(`drill 7: split brain reported ${secs(reportedMs)} after reconnecting; status: ${seen.s.verdict.state}: ${seen.s.verdict.reason}; evidence: ${seen.s.drbd[0]?.splitBrain.evidence.join(' | ')}`);
    const m = watch.max();
    t.comment(`drill 7: ${watch.samples.length} samples, max ${m.primaries} Primary, ${m.vip} VIP holder`);
    t.equal(m.twoPrimaries, null, 'never two DRBD Primaries');
    t.equal(m.twoVip, null, 'never two VIP holders');
    t.same(drbdPrimaries(lab), [b], `one Primary: ${b}`);
    t.equal(seen.s.activeNode, b, `ocfkit status: ${b} active`);
    const gaps = outages(client.samples.filter((x) => x.at >= joined));
    t.same(gaps.filter((g) => g.ms === null), [], 'the client is served through it');
    // Control: the watch does see two actives when there are two (done by hand, behind Pacemaker's back).
    const control = new ExclusiveWatch(lab, 100);
    await sh(lab, a, ['drbdadm', 'primary', 'r0']);
    await run('ip', ['-n', lab.node(a).netns, 'addr', 'add', `${lab.paths.vip}/24`, 'dev', 'lab0'], { timeoutMs: 10_000 });
    await lab.waitFor(() => control.samples.some((x) => x.primaries.length > 1 && x.vip.length > 1), { timeoutMs: 10_000, intervalMs: 100, what: 'the control seen' }).catch(() => null);
    await control.stop();
    t.ok(control.max().twoPrimaries && control.max().twoVip, `control: two Primaries and two VIP holders by hand on ${a} are seen by the watch`);
  });
});
