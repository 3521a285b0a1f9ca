/**
 * The lab runs the real stack (issue 13): `labUp({ stack: 'full' })` brings up two nodes on a
 * bridge with the CIB rendered from cib-templates/ — DRBD (the simulator) Primary on one node,
 * ext4 on a loop device mounted by ocf:heartbeat:Filesystem, the VIP (IPaddr2), HAProxy
 * retargeted (ocf:ocfkit:haproxy-retarget), three services (ocf:ocfkit:services) — and a client
 * in its own namespace reaches the active node's service through VIP → HAProxy. One hard kill of
 * the active node: the other node takes every piece, in order, and the client is answered again
 * by it; the killed node rejoins as standby without disturbing the service; down leaves nothing.
 * Needs root and `npm run build`; lab ocfkit-full1.
 */
import t from 'tap';
import { existsSync, readdirSync } from 'node:fs';
import { run } from '../../lib/exec/run.ts';
import { labUp, nodeStackFacts, readAlerts, waitStackRunning, hardKillFullFailover, rejoinFull, outages, type Lab } from '../../lib/lab/index.ts';
import { namespaceInode } from '../../lib/lab/procs.ts';
import { assertNothingLeft, cannotRunFullStack, testLog, withCleanLab } from './fixtures/harness.ts';
import { hostSnapshot } from './fixtures/host-snapshot.ts';

const NAME = 'ocfkit-full1';
const skip = cannotRunFullStack() ?? false;

/** The simulator's metadata folders on the host named after this lab's nodes (there must be none: the nodes have their own). */
const hostMetadataOf = (lab: Lab): string[] => {
  const inodes = lab.nodes.map((n) => namespaceInode(lab.node(n).netnsFile));
  const dir = '/var/lib/ocfkit-drbd-sim';
  return existsSync(dir) ? readdirSync(dir).filter((e) => inodes.some((i) => i !== null && e.endsWith(`-net${i}`))) : [];
};

t.test('the full stack on the namespace lab: up, one hard kill, rejoin, down', { skip }, async (t) => {
  await withCleanLab(t, NAME);
  const host = await hostSnapshot();
  const t0 = Date.now();
  const lab: Lab = await labUp({ name: NAME, stack: 'full', token: 1000, log: testLog, timeoutMs: 180_000 });
  const upMs = Date.now() - t0;
  t.comment(`up with the stack running in ${(upMs / 1000).toFixed(1)} s`);
  const client = lab.client();
  t.teardown(() => client.stop());

  let active = '';
  let standby = '';
  await t.test('up: every piece placed and running on the active node', async (t) => {
    const p = await waitStackRunning(lab, { timeoutMs: 30_000 });
    active = p.active;
    standby = lab.nodes.find((n) => n !== active)!;
    t.equal(active, 'node1', 'the first promotion on the preferred node');
    t.same(p.standby, ['node2'], 'node2 runs DRBD Unpromoted');
    t.same(p.failed, [], 'no failed resource');
    const a = await nodeStackFacts(lab, active);
    const s = await nodeStackFacts(lab, standby);
    t.match(a.drbd, { role: 'Primary', disk: 'UpToDate', conn: 'Connected', peerRole: 'Secondary', pdsk: 'UpToDate' }, 'the simulator: Primary, UpToDate, Connected');
    t.match(s.drbd, { role: 'Secondary', disk: 'UpToDate', conn: 'Connected' }, 'the standby: Secondary, UpToDate');
    t.equal(a.mounted, '/dev/drbd0', '/srv/data mounted from /dev/drbd0 on the active node');
    t.equal(s.mounted, null, 'not on the standby');
    const fstype = await lab.exec(active, ['findmnt', '-n', '-o', 'FSTYPE', '/srv/data']);
    t.equal(fstype.stdout.trim(), 'ext4', 'a real ext4');
    t.equal(lab.leftovers().loops.length, 2, 'one loop device per node, backed by the lab state');
    t.ok(a.vip, 'the VIP on the active node');
    t.notOk(s.vip, 'not on the standby');
    t.same(a.haproxy, { node1: 'ready', node2: 'maint' }, "the active node's HAProxy sends writes to it");
    t.same(a.services, { mq: 'started', sched: 'started', db: 'started' }, 'three services started');
    t.same(s.services, {}, 'none on the standby');
    t.same(Object.keys(a.heartbeats).sort(), ['db', 'mq', 'sched'], 'each writes heartbeats on the mounted filesystem');
    for (const [name, at] of Object.entries(a.heartbeats)) t.ok(Date.now() - Date.parse(at) < 5000, `${name}'s heartbeat is fresh`);
    const answer = await client.answeredBy(active, { timeoutMs: 10_000 });
    t.equal(answer.service, 'db', 'the client (its own namespace, via VIP → HAProxy) is answered by the active node');
    t.same(await hostSnapshot(), host, "the host's network, /etc files and /srv are unchanged");
    t.same(hostMetadataOf(lab), [], "the simulator's metadata is in the nodes' own /var/lib/ocfkit-drbd-sim, not the host's");
  });

  await t.test('hard kill of the active node: the other takes every piece, in order; the client follows', async (t) => {
    const tl = await hardKillFullFailover(lab, { client, timeoutMs: 90_000 });
    t.comment(tl.steps.map((s) => `${s.key} ${s.atMs} ms`).join(', '));
    t.equal(tl.victim, active);
    t.equal(tl.survivor, standby);
    for (const s of tl.steps) t.not(s.atMs, null, `${s.key} seen`);
    const at = (key: string): number => tl.steps.find((s) => s.key === key)!.atMs!;
    const order = ['fenced', 'promote', 'mount', 'vip', 'haproxy', 'service:mq', 'service:sched', 'service:db'];
    for (let i = 1; i < order.length; i++) t.ok(at(order[i - 1]!) <= at(order[i]!), `${order[i - 1]} before ${order[i]}`);
    // The HTTP service may answer before the agent's check has declared it started: the client's
    // answer comes after HAProxy's retarget and after db's start began, not necessarily after its end.
    const db = tl.steps.find((s) => s.key === 'service:db')!;
    t.ok(db.startedAtMs !== null && db.startedAtMs! >= at('service:sched'), 'db started after sched was up');
    t.ok(at('client') >= at('haproxy') && at('client') >= db.startedAtMs!, 'the client answered once HAProxy pointed at the survivor and db ran');
    t.ok(tl.totalMs !== null && tl.totalMs < 60_000, `end to end ${tl.totalMs} ms`);
    const f = await nodeStackFacts(lab, standby);
    t.match(f.drbd, { role: 'Primary', disk: 'UpToDate', peerRole: 'Unknown' }, 'the simulator: Primary on the survivor, peer gone');
    t.equal(f.mounted, '/dev/drbd0', 'mounted');
    t.ok(f.vip, 'the VIP moved');
    t.same(f.haproxy, { node1: 'maint', node2: 'ready' }, 'HAProxy retargeted to the survivor');
    t.same(f.services, { mq: 'started', sched: 'started', db: 'started' }, 'services running');
    t.same(lab.processes(active), [], 'the victim is off');
    const nic = await run('ip', ['-n', lab.node(active).netns, 'link', 'show', 'lab0'], { timeoutMs: 10_000 });
    t.match(nic.stdout, /state DOWN/, "the victim's NIC went dark with it (no ARP answers for the VIP)");
    t.notOk(client.find((s) => s.ok && s.node === active, tl.killedAt + 1), 'no answer from the victim after the kill');
  });

  await t.test('the victim rejoins as standby without disturbing the service', async (t) => {
    const since = Date.now();
    const ms = await rejoinFull(lab, active, 90_000);
    t.comment(`rejoined in ${ms} ms`);
    const f = await nodeStackFacts(lab, active);
    t.match(f.drbd, { role: 'Secondary', disk: 'UpToDate', conn: 'Connected' }, 'DRBD Secondary, UpToDate again');
    t.notOk(f.vip, 'the rebooted node does not hold the VIP');
    t.equal(f.mounted, null, 'nor the mount');
    const restarted = readAlerts(lab, standby).filter((e) => e.at >= since && e.kind === 'resource' && e.node === standby && e.task === 'stop');
    t.same(restarted.map((e) => e.rsc), [], 'nothing on the active node was stopped (a stale VIP on the rebooted node would restart vip and everything after it)');
    await new Promise((r) => setTimeout(r, 1000));
    const gaps = outages(client.samples.filter((s) => s.at >= since));
    t.same(gaps, [], 'the client saw no outage during the rejoin');
  });

  await t.test('down leaves nothing: processes, mounts, namespaces (nodes, switch, client), loop devices, state', async (t) => {
    await client.stop();
    await lab.down();
    const l = lab.leftovers();
    t.same(l, { processes: [], mounts: [], netns: [], loops: [], stateDir: false });
    assertNothingLeft(t, NAME);
    t.same(await hostSnapshot(), host, 'the host as before');
  });
});
