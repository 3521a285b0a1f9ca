/**
 * ocf:ocfkit:haproxy-retarget on the namespace lab, colocated with the Promoted instance of a
 * promotable clone (ocf:pacemaker:Stateful): a hard-kill failover and a `pcs node standby`
 * switchover leave HAProxy's write backend with the new Promoted node's server ready (and only
 * it), and requests through HAProxy reach that node.
 *
 * HAProxy runs on the host (started by this test), its admin socket in a host folder under /tmp:
 * the nodes share the host's /tmp (lib/lab mounts only /run, /var/log, /etc/corosync, … privately)
 * and a unix socket is reached by path whatever the network namespace, so the agent, running
 * inside each node, reaches it. The backends are node:http servers in this process on 127.0.0.1,
 * one per node name: what is tested is the claim, not the network path.
 */
import t, { type Test } from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { labUp, applyStack, waitSettled, hardKillFailover, rejoin, defaultDistDir, nodesWithRole, STATEFUL_CLONE, type Lab } from '../../lib/lab/index.ts';
import { outcome } from '../../lib/exec/run.ts';
import { deadline, get, tally, until, type Haproxy, startPair } from '../haproxy/real.ts';
import { assertNothingLeft, cannotRun, testLog, withCleanLab } from './fixtures/harness.ts';

const NAME = 'ocfkit-hap2';
const RSC = 'web-target';
const AGENT = join(defaultDistDir(), 'resource.d', 'ocfkit', 'haproxy-retarget');

async function pcs(t: Test, lab: Lab, node: string, args: string[]): Promise<void> {
  const r = await lab.exec(node, ['pcs', ...args], { timeoutMs: 60_000 });
  t.equal(r.exitCode, 0, `pcs ${args.slice(0, 3).join(' ')}`, { result: outcome(r), stderr: r.stderr });
}

/** The servers HAProxy has ready in the write backend. */
async function readyServers(h: Haproxy): Promise<string[]> {
  return (await h.client.showServersState(deadline(), 'be_app')).filter((s) => s.admin === 'ready').map((s) => s.name);
}

/** Wait until HAProxy's write backend has exactly `node`'s server ready; ms waited. */
async function followed(h: Haproxy, node: string, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now();
  await until(async () => (await readyServers(h)).join() === node, timeoutMs, `HAProxy's be_app to have only ${node} ready`);
  return Date.now() - t0;
}

const skip = cannotRun() ?? (existsSync(AGENT) ? false : `ocf:ocfkit:haproxy-retarget is not built (${AGENT} missing): run 'npm run build'`);

t.test('haproxy-retarget follows the Promoted instance: hard-kill failover, then pcs node standby', { skip }, async (t) => {
  await withCleanLab(t, NAME);
  const { h } = await startPair(t);

  const lab = await labUp({ name: NAME, nodes: 2, token: 1000, log: testLog });
  await applyStack(lab, {});
  const first = await waitSettled(lab, {});
  const probe = await lab.exec('node1', ['test', '-S', h.admin]);
  t.equal(probe.exitCode, 0, "the host's admin socket is there inside the nodes");

  await pcs(t, lab, 'node1', ['resource', 'create', RSC, 'ocf:ocfkit:haproxy-retarget', `socket=${h.admin}`, 'backends=be_app', 'drain_timeout=1s', 'op', 'monitor', 'interval=2s', 'timeout=10s']);
  await pcs(t, lab, 'node1', ['constraint', 'colocation', 'add', RSC, 'with', 'Promoted', STATEFUL_CLONE, 'INFINITY']);
  await pcs(t, lab, 'node1', ['constraint', 'order', 'promote', STATEFUL_CLONE, 'then', 'start', RSC]);
  await followed(h, first.promoted);
  t.same(await tally(h.frontend, 10), { by: { [first.promoted]: 10 }, failed: 0 }, `requests reach ${first.promoted}, the Promoted node`);

  // watch HAProxy from before the kill: when does only the other node's server serve?
  const other = lab.nodes.find((n) => n !== first.promoted)!;
  let switchedAt = 0;
  const watching = until(async () => ((await readyServers(h).catch(() => [])).join() === other ? ((switchedAt = Date.now()), true) : false), 60_000, `HAProxy to follow ${other}`);
  const tl = await hardKillFailover(lab, {});
  t.equal(tl.victim, first.promoted, 'the Promoted node was killed');
  await watching;
  await followed(h, tl.survivor);
  const state = await lab.crmMon(tl.survivor);
  t.same(nodesWithRole(state!, STATEFUL_CLONE, 'Promoted'), [tl.survivor]);
  t.same(await tally(h.frontend, 10), { by: { [tl.survivor]: 10 }, failed: 0 }, `after the failover, requests reach ${tl.survivor}`);
  t.comment(`promoted ${tl.promotedMs} ms after the kill; HAProxy's be_app had only ${tl.survivor} ready ${switchedAt - tl.killedAt} ms after the kill`);

  await rejoin(lab, tl.victim, {});
  t.same(await readyServers(h), [tl.survivor], 'the rejoined node does not take the claim back');

  // switchover: the Promoted node goes to standby; the claim moves with the promotion
  const from = tl.survivor;
  const to = tl.victim;
  const t0 = Date.now();
  await pcs(t, lab, to, ['node', 'standby', from]);
  await waitSettled(lab, { from: to, promotedOn: to, timeoutMs: 60_000 });
  await followed(h, to);
  t.same(await tally(h.frontend, 10), { by: { [to]: 10 }, failed: 0 }, `after the standby of ${from}, requests reach ${to}`);
  t.same(
    Object.fromEntries((await h.client.showServersState(deadline(), 'be_app')).map((s) => [s.name, s.admin])),
    { [to]: 'ready', [from]: 'maint' },
    `${from}'s server is in maintenance (its stop released the claim, or ${to}'s start took it)`,
  );
  const monitor = await lab.exec(to, ['crm_resource', '--resource', RSC, '--force-check'], { timeoutMs: 30_000 });
  t.equal(monitor.exitCode, 0, `the monitor on ${to} says the claim holds`, { stdout: monitor.stdout, stderr: monitor.stderr });
  t.comment(`switchover: HAProxy served ${to} ${Date.now() - t0} ms after pcs node standby`);
  await pcs(t, lab, to, ['node', 'unstandby', from]);
  t.same((await get(h.frontend)).body, to, 'unstandby leaves the claim where it is');

  await lab.down();
  assertNothingLeft(t, NAME);
});
