/**
 * The alert agent on real Pacemaker clusters (the namespace lab): installed with
 * `ocfkit alert install` inside the nodes, run by Pacemaker as hacluster, read back with
 * `ocfkit events --json` on each node.
 */
import t from 'tap';
import { createHmac } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deadline } from '../../lib/exec/deadline.ts';
import { pollUntil } from '../../lib/exec/wait.ts';
import { labUp, type Lab } from '../../lib/lab/index.ts';
import type { AlertEventRecord } from '../../lib/alert/event.ts';
import { fixtureEnv } from '../alert/helpers.ts';
import { makeCert } from '../alert/tls.ts';
import { cannotRun, testLog, withCleanLab } from './fixtures/harness.ts';

const AGENT = '/usr/lib/ocf/alerts/ocfkit-alert';
const FIX = join(import.meta.dirname, 'fixtures');

async function events(lab: Lab, node: string, log?: string): Promise<AlertEventRecord[]> {
  const r = await lab.exec(node, ['ocfkit', 'events', '--json', ...(log ? ['--log', log] : [])], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new Error(`ocfkit events on ${node}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AlertEventRecord);
}

function has(list: AlertEventRecord[], want: Partial<Record<string, unknown>>): AlertEventRecord | undefined {
  return list.find((e) => Object.entries(want).every(([k, v]) => (e as unknown as Record<string, unknown>)[k] === v));
}

async function waitEvent(lab: Lab, node: string, want: Partial<Record<string, unknown>>, after = '', timeoutMs = 60_000): Promise<AlertEventRecord> {
  return lab.waitFor(async () => has((await events(lab, node)).filter((e) => e.time > after), want) ?? null, { timeoutMs, intervalMs: 300, what: `${node}: event ${JSON.stringify(want)}` });
}

interface Burst {
  codes: (number | null)[];
  killed: number;
  maxMs: number;
  stderr: string[];
}

async function burst(lab: Lab, node: string, runs: number, env: Record<string, string>, killAfterMs?: number): Promise<Burst> {
  const args = ['node', join(FIX, 'alert-burst.mjs'), AGENT, String(runs), JSON.stringify(env), ...(killAfterMs ? [String(killAfterMs)] : [])];
  const r = await lab.exec(node, args, { timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`burst: ${r.stderr}`);
  return JSON.parse(r.stdout) as Burst;
}

/** The env Pacemaker 2.1.5 gave a monitor alert (a real capture), minus its options. */
const monitorEnv = (): Record<string, string> => {
  const env = fixtureEnv('resource-monitor-ok');
  delete env.log;
  delete env._;
  return { ...env, CRM_alert_rsc: 'burst' };
};

t.test('one node: install, resource events, concurrency, kills, full disk, subscribers, webhook', { skip: cannotRun() ?? false }, async (t) => {
  const NAME = 'ocfkit-alert1';
  await withCleanLab(t, NAME);
  const lab = await labUp({ name: NAME, nodes: 1, log: testLog });

  // A CIB without an <alerts> section (the lab seeds one for its timeline: drop it), the case
  // where Pacemaker before 3.0 may miss the first alert: install creates the section and checks.
  t.equal((await lab.exec('node1', ['cibadmin', '--delete', '--xml-text', '<alerts/>'])).exitCode, 0);
  t.equal((await lab.exec('node1', ['cibadmin', '--query', '--scope', 'alerts'])).exitCode, 105, 'no <alerts> section');
  const install = await lab.exec('node1', ['ocfkit', 'alert', 'install'], { timeoutMs: 60_000 });
  t.equal(install.exitCode, 0, install.stderr);
  t.match(install.stdout, /alert ocfkit-alert created in the CIB/);
  t.match(install.stdout, /verified: the alert fired/);
  const again = await lab.exec('node1', ['ocfkit', 'alert', 'install'], { timeoutMs: 60_000 });
  t.equal(again.exitCode, 0);
  t.match(again.stdout, /alert ocfkit-alert unchanged in the CIB/, 'idempotent');
  t.notMatch(again.stdout, /created|set \//, 'nothing to create or correct the second time');
  const modes = await lab.exec('node1', ['stat', '-c', '%n %U:%G %a', '/var/lib/ocfkit', '/var/lib/ocfkit/events.jsonl', '/run/ocfkit', '/run/ocfkit/events.d']);
  t.equal(
    modes.stdout,
    '/var/lib/ocfkit hacluster:haclient 750\n/var/lib/ocfkit/events.jsonl hacluster:haclient 600\n/run/ocfkit root:root 755\n/run/ocfkit/events.d root:haclient 1770\n',
    'written by hacluster (as Pacemaker runs it), nobody else can write',
  );

  // resources: start, promote, monitor failure and recovery, standby, unstandby
  const t0 = new Date().toISOString();
  const create = async (argv: string[]) => t.equal((await lab.exec('node1', argv, { timeoutMs: 60_000 })).exitCode, 0, argv.join(' '));
  await create(['pcs', 'resource', 'create', 'dummy', 'ocf:heartbeat:Dummy', 'op', 'monitor', 'interval=2s']);
  await create(['pcs', 'resource', 'create', 'st', 'ocf:pacemaker:Stateful', 'promotable', 'op', 'monitor', 'interval=3s', 'role=Promoted', 'op', 'monitor', 'interval=4s', 'role=Unpromoted']);
  await waitEvent(lab, 'node1', { kind: 'resource', resource: 'st', task: 'promote', rc: 0 }, t0);
  const started = await waitEvent(lab, 'node1', { kind: 'resource', resource: 'dummy', task: 'start', rc: 0 }, t0);
  t.match(started, { v: 1, node: 'node1', seenBy: 'node1', recipient: null, interval: 0, targetRc: 0, status: 0, desc: 'ok' });
  t.match(started.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

  const t1 = new Date().toISOString();
  await create(['rm', '-f', '/run/resource-agents/Dummy-dummy.state']);
  const failed = await waitEvent(lab, 'node1', { kind: 'resource', resource: 'dummy', task: 'monitor', rc: 7, status: 0 }, t1);
  t.match(failed, { interval: 2000, targetRc: 0, desc: 'not running' }, 'the monitor failure');
  await waitEvent(lab, 'node1', { kind: 'resource', resource: 'dummy', task: 'start', rc: 0 }, failed.time);

  const t2 = new Date().toISOString();
  await create(['pcs', 'node', 'standby', 'node1']);
  await waitEvent(lab, 'node1', { resource: 'st', task: 'demote', rc: 0 }, t2);
  await waitEvent(lab, 'node1', { resource: 'st', task: 'stop', rc: 0 }, t2);
  await waitEvent(lab, 'node1', { resource: 'dummy', task: 'stop', rc: 0 }, t2);
  const t3 = new Date().toISOString();
  await create(['pcs', 'node', 'unstandby', 'node1']);
  await waitEvent(lab, 'node1', { resource: 'st', task: 'promote', rc: 0 }, t3);
  await waitEvent(lab, 'node1', { resource: 'dummy', task: 'start', rc: 0 }, t3);
  const all = await events(lab, 'node1');
  t.equal(new Set(all.map((e) => e.id)).size, all.length, 'ocfkit events lists each event once');
  const human = await lab.exec('node1', ['ocfkit', 'events', '--since', '10m']);
  t.match(human.stdout, /node1 +resource dummy monitor \(2s\) FAILED rc=7 \(expected 0\): not running/);
  t.match(human.stdout, /node1 +resource st promote: ok/);

  await t.test('200 alerts at once as hacluster: no line lost, none torn', async (t) => {
    const log = '/var/lib/ocfkit/burst.jsonl';
    const b = await burst(lab, 'node1', 200, { ...monitorEnv(), log });
    t.strictSame(b.codes, Array(200).fill(0), 'every run exits 0');
    t.strictSame(b.stderr, []);
    t.comment(`slowest of 200 concurrent runs: ${b.maxMs.toFixed(0)} ms`);
    const raw = await lab.exec('node1', ['cat', log]);
    const lines = raw.stdout.split('\n').filter(Boolean);
    t.equal(lines.length, 200, '200 lines');
    t.ok(lines.every((l) => JSON.parse(l).resource === 'burst'), 'each one whole JSON');
    t.equal(new Set(lines.map((l) => JSON.parse(l).id)).size, 200, '200 distinct events');
  });

  await t.test('garbage from Pacemaker: one line, exit 0, nothing written', async (t) => {
    const log = '/var/lib/ocfkit/garbage.jsonl';
    const b = await burst(lab, 'node1', 3, { CRM_alert_kind: 'resource', CRM_alert_node: 'node1', CRM_alert_rsc: 'x\u001b[2J', CRM_alert_timestamp_epoch: '1', log });
    t.strictSame(b.codes, [0, 0, 0]);
    t.equal(b.stderr.length, 3, 'one line per run');
    t.ok(b.stderr.every((l) => /^ocfkit-alert error: alert ignored: CRM_alert_rsc: control character in "x\\u001b\[2J" \(nothing written\)$/.test(l)));
    t.equal((await lab.exec('node1', ['test', '-e', log])).exitCode, 1, 'no log file');
  });

  await t.test('killed at any moment (Pacemaker timeout): the log stays parseable', async (t) => {
    const log = '/var/lib/ocfkit/killed.jsonl';
    const b = await burst(lab, 'node1', 100, { ...monitorEnv(), log }, 60);
    t.comment(`${b.killed} of 100 runs SIGKILLed`);
    t.ok(b.killed > 0, 'some were killed');
    const raw = (await lab.exec('node1', ['cat', log])).stdout;
    const complete = raw.split('\n').slice(0, -1);
    t.ok(complete.every((l) => JSON.parse(l).resource === 'burst'), 'every complete line parses');
    const read = await events(lab, 'node1', log);
    t.ok(read.length >= 100 - b.killed, `${read.length} events read back`);
  });

  await t.test('a full filesystem: exit 0, an error line, the log parseable', async (t) => {
    const ids = (await lab.exec('node1', ['id', '-u', 'hacluster'])).stdout.trim();
    await create(['mkdir', '-p', '/run/ocfkit-full']);
    await create(['mount', '-t', 'tmpfs', '-o', `size=32k,mode=0750,uid=${ids}`, 'ocfkit-full', '/run/ocfkit-full']);
    const log = '/run/ocfkit-full/events.jsonl';
    const b = await burst(lab, 'node1', 200, { ...monitorEnv(), log });
    t.strictSame(b.codes, Array(200).fill(0), 'every run exits 0');
    const errors = b.stderr.filter((l) => /not written to the event log: .*(no space left|short write|ENOSPC)/.test(l));
    t.ok(errors.length > 0, `${errors.length} runs logged the full disk`);
    t.equal(b.stderr.length, errors.length, 'and nothing else');
    const raw = (await lab.exec('node1', ['cat', log])).stdout;
    t.ok(raw.endsWith('\n'), 'no half line at the end');
    t.equal(raw.split('\n').filter(Boolean).length, 200 - errors.length, 'every run that did not report an error has its line');
    t.ok(raw.split('\n').filter(Boolean).every((l) => JSON.parse(l).v === 1), 'all lines parse');
  });

  await t.test('a subscriber killed while events flow: the agent neither fails nor waits', async (t) => {
    const gid = (await lab.exec('node1', ['getent', 'group', 'haclient'])).stdout.split(':')[2]!;
    const sock = '/run/ocfkit/events.d/4242.sock';
    const sub = lab.exec('node1', ['node', join(FIX, 'alert-subscriber.mjs'), sock, '15'], { timeoutMs: 90_000, env: { HACLIENT_GID: gid } });
    await lab.waitFor(async () => (await lab.exec('node1', ['test', '-S', sock])).exitCode === 0 || null, { timeoutMs: 10_000, what: 'subscriber socket' });
    const log = '/var/lib/ocfkit/subscriber.jsonl';
    const b = await burst(lab, 'node1', 60, { ...monitorEnv(), log });
    const got = await sub;
    t.equal(got.signal, 'SIGKILL', 'the subscriber died mid-flow');
    const received = got.stdout.split('\n').filter(Boolean);
    t.ok(received.length >= 15, `it got ${received.length} lines first`);
    t.ok(received.every((l) => JSON.parse(l).resource === 'burst'), 'whole lines');
    t.strictSame(b.codes, Array(60).fill(0));
    t.ok(b.maxMs < 20_000, `slowest run ${b.maxMs.toFixed(0)} ms (60 at once on a shared machine), well inside Pacemaker's 30 s`);
    t.equal((await events(lab, 'node1', log)).length, 60, 'the log misses no line');
    // its socket file is left behind (as after a crash): later runs are silent and quick
    const after = await burst(lab, 'node1', 10, { ...monitorEnv(), log });
    t.strictSame(after.codes, Array(10).fill(0));
    t.strictSame(after.stderr, [], 'a dead subscriber is no error');
    // a new subscriber gets the next events
    const sub2 = lab.exec('node1', ['node', join(FIX, 'alert-subscriber.mjs'), '/run/ocfkit/events.d/4243.sock', '5'], { timeoutMs: 90_000, env: { HACLIENT_GID: gid } });
    await lab.waitFor(async () => (await lab.exec('node1', ['test', '-S', '/run/ocfkit/events.d/4243.sock'])).exitCode === 0 || null, { timeoutMs: 10_000, what: 'second subscriber' });
    await burst(lab, 'node1', 5, { ...monitorEnv(), log });
    t.equal((await sub2).stdout.split('\n').filter(Boolean).length, 5, 'the restarted subscriber gets every new event');
  });

  await t.test('a webhook receiver with real HTTPS gets every event once, signed', async (t) => {
    const cert = makeCert();
    const dir = mkdtempSync(join(tmpdir(), 'ocfkit-alert-hook-'));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'key.pem'), cert.key, { mode: 0o600 });
    writeFileSync(join(dir, 'cert.pem'), cert.cert, { mode: 0o644 });
    const secret = 'lab-webhook-secret';
    await create(['install', '-m', '0600', '/dev/null', '/run/ocfkit-hook.secret']);
    await lab.exec('node1', ['tee', '/run/ocfkit-hook.secret'], { input: secret });
    const port = '8443';
    const receiver = lab.exec('node1', ['node', join(FIX, 'alert-webhook-receiver.mjs'), port, join(dir, 'key.pem'), join(dir, 'cert.pem'), '/run/ocfkit-hook.out', '60'], { timeoutMs: 90_000 });
    await lab.waitFor(async () => (await lab.exec('node1', ['ss', '-ltnH', `sport = :${port}`])).stdout.includes(port) || null, { timeoutMs: 10_000, what: 'receiver' });
    const inst = await lab.exec('node1', ['ocfkit', 'alert', 'install', '--webhook', `https://127.0.0.1:${port}/hook`, '--secret-file', '/run/ocfkit-hook.secret', '--webhook-ca', join(dir, 'cert.pem')], { timeoutMs: 60_000 });
    t.equal(inst.exitCode, 0, inst.stdout + inst.stderr);
    t.match(inst.stdout, /alert ocfkit-alert updated in the CIB/);
    t.match(inst.stdout, /gave \/run\/ocfkit-hook.secret to hacluster/);
    t.notMatch(inst.stdout + inst.stderr, secret);
    const since = new Date().toISOString();
    await create(['pcs', 'resource', 'disable', 'dummy']);
    await waitEvent(lab, 'node1', { resource: 'dummy', task: 'stop' }, since);
    await create(['pcs', 'resource', 'enable', 'dummy']);
    await waitEvent(lab, 'node1', { resource: 'dummy', task: 'start' }, since);
    // each event's alert run logs it, then POSTs it (up to 3 attempts): wait until every event
    // logged so far has reached the receiver, then check that none came twice
    const read = async () => {
      const logged = (await events(lab, 'node1')).filter((e) => e.time > since);
      const out = (await lab.exec('node1', ['cat', '/run/ocfkit-hook.out'])).stdout;
      const lines = out.slice(0, out.lastIndexOf('\n') + 1).split('\n').filter(Boolean); // whole lines only
      const posts = lines.map((l) => JSON.parse(l) as { sig: string; id: string; body: string });
      return { logged, posts, ids: posts.map((p) => JSON.parse(p.body).id as string) };
    };
    let seen: Awaited<ReturnType<typeof read>> | undefined;
    const arrived = await pollUntil(async () => (seen = await read()).logged.every((e) => seen!.ids.includes(e.id)), Deadline.after(15_000), 300);
    const { logged, posts, ids } = seen!; // pollUntil reads at least once
    t.ok(arrived === true, `every logged event reached the receiver within 15 s (${posts.length} posts)`);
    t.ok(logged.length >= 3, `${logged.length} events since`);
    for (const e of logged) t.equal(ids.filter((id) => id === e.id).length, 1, `${e.kind} ${'task' in e ? e.task : ''} ${e.id}: posted once`);
    t.ok(posts.every((p) => p.sig === `sha256=${createHmac('sha256', secret).update(p.body).digest('hex')}`), 'every signature valid');
    t.ok(posts.every((p) => p.id === JSON.parse(p.body).id), 'the event id header matches the body');
    receiver.catch(() => undefined);

    // unreachable: bounded retries inside the budget, exit 0, one error line each, no secret
    const b = await burst(lab, 'node1', 5, { ...monitorEnv(), log: '/var/lib/ocfkit/hook-down.jsonl', webhook_url: 'https://127.0.0.1:9/hook', secret_file: '/run/ocfkit-hook.secret' });
    t.strictSame(b.codes, Array(5).fill(0));
    t.ok(b.maxMs < 10_000, `slowest ${b.maxMs.toFixed(0)} ms, inside the 10 s budget`);
    t.equal(b.stderr.length, 5);
    t.ok(b.stderr.every((l) => /not delivered to webhook https:\/\/127\.0\.0\.1:9\/hook after 3 attempt\(s\): ECONNREFUSED/.test(l)));
    t.notMatch(b.stderr.join('\n'), secret);
  });

  const removed = await lab.exec('node1', ['ocfkit', 'alert', 'remove']);
  t.match(removed.stdout, /alert ocfkit-alert removed from the CIB/);
  t.match((await lab.exec('node1', ['ocfkit', 'alert', 'remove'])).stdout, /not in the CIB: nothing to remove/, 'idempotent');
  await lab.down();
});

t.test('two nodes: each node logs what its controller saw; the same fencing has one id on both', { skip: cannotRun() ?? false }, async (t) => {
  const NAME = 'ocfkit-alert2';
  await withCleanLab(t, NAME);
  const lab = await labUp({ name: NAME, nodes: 2, fenceDelayMs: 0, log: testLog });
  const run = async (node: string, argv: string[]) => {
    const r = await lab.exec(node, argv, { timeoutMs: 60_000 });
    t.equal(r.exitCode, 0, `${node}: ${argv.join(' ')} ${r.stderr}`);
    return r;
  };

  const i1 = await lab.exec('node1', ['ocfkit', 'alert', 'install'], { timeoutMs: 60_000 });
  const i2 = await lab.exec('node2', ['ocfkit', 'alert', 'install'], { timeoutMs: 60_000 });
  t.match(i1.stdout, /alert ocfkit-alert created in the CIB/);
  t.match(i2.stdout, /alert ocfkit-alert unchanged in the CIB/, 'the CIB is shared: the second node finds it');
  // attribute alerts run on the node that writes attributes: one of the two sees the probe
  const verified = [i1, i2].filter((r) => /verified: the alert fired/.test(r.stdout));
  t.ok(verified.length >= 1, `verified on ${verified.length} node(s)`);
  for (const r of [i1, i2]) {
    if (r.exitCode === 3) t.match(r.stdout, /not verified on this node: .*Attribute alerts run on the node that writes the attributes/);
    else t.equal(r.exitCode, 0);
  }

  const t0 = new Date().toISOString();
  await run('node1', ['pcs', 'resource', 'create', 'dummy', 'ocf:heartbeat:Dummy', 'op', 'monitor', 'interval=3s']);
  await run('node1', ['pcs', 'resource', 'create', 'st', 'ocf:pacemaker:Stateful', 'promotable', 'op', 'monitor', 'interval=3s', 'role=Promoted', 'op', 'monitor', 'interval=4s', 'role=Unpromoted']);
  const promoted = await lab.waitFor(
    async () => {
      for (const node of lab.nodes) {
        const e = has((await events(lab, node)).filter((x) => x.time > t0), { resource: 'st', task: 'promote', rc: 0 });
        if (e) return e;
      }
      return null;
    },
    { timeoutMs: 60_000, what: 'st promoted' },
  );
  t.equal(promoted.seenBy, promoted.node, 'a resource event is logged by the node that ran the operation');
  for (const node of lab.nodes) {
    const mine = (await events(lab, node)).filter((e) => e.kind === 'resource');
    t.ok(mine.length > 0 && mine.every((e) => e.node === node && e.seenBy === node), `${node} logs only its own operations`);
  }

  // the same fencing operation, raised by both controllers: one id
  const f = await lab.exec('node1', ['stonith_admin', '--fence', 'node3', '--timeout', '10'], { timeoutMs: 30_000 });
  t.not(f.exitCode, 0, 'fencing a node that does not exist fails (harmlessly)');
  const f1 = await waitEvent(lab, 'node1', { kind: 'fencing', fenceTarget: 'node3' }, t0);
  const f2 = await waitEvent(lab, 'node2', { kind: 'fencing', fenceTarget: 'node3' }, t0);
  t.equal(f1.id, f2.id, 'same id on both nodes');
  t.match(f1, { task: 'off', rc: -19, seenBy: 'node1' });
  t.match(f2, { seenBy: 'node2' });
  t.comment(`node1 stamped it ${f1.time}, node2 ${f2.time}`);
  await lab.exec('node1', ['stonith_admin', '--cleanup', '--history', 'node3'], { timeoutMs: 30_000 });

  // hard kill of node2: node1 sees it lost and fenced, and takes over
  const beforeKill = new Date().toISOString();
  await lab.kill('node2');
  const lost = await waitEvent(lab, 'node1', { kind: 'node', node: 'node2', desc: 'lost' }, beforeKill);
  t.match(lost, { nodeId: '2', seenBy: 'node1' });
  const fenced = await waitEvent(lab, 'node1', { kind: 'fencing', fenceTarget: 'node2', rc: 0 }, beforeKill);
  t.match(fenced, { task: 'reboot', seenBy: 'node1' });
  await waitEvent(lab, 'node1', { resource: 'st', task: 'promote', rc: 0 }, promoted.node === 'node2' ? beforeKill : t0);
  await waitEvent(lab, 'node1', { resource: 'dummy', task: 'start', rc: 0 }, t0);

  // node2 boots again: node1 sees it join; node2's own log kept what it wrote before the kill
  const beforeStart = new Date().toISOString();
  await lab.start('node2');
  await waitEvent(lab, 'node1', { kind: 'node', node: 'node2', desc: 'member' }, beforeStart);
  await waitEvent(lab, 'node2', { resource: 'st', task: 'start', rc: 0 }, beforeStart);
  const n2 = await events(lab, 'node2');
  t.ok(n2.some((e) => e.time < beforeKill), "node2's log survived its power cut");
  const n1 = await events(lab, 'node1');
  t.equal(n1.filter((e) => e.id === lost.id).length, 1, 'listed once');
  t.equal(new Set(n1.map((e) => e.id)).size, n1.length, 'no duplicates in ocfkit events');
  await lab.down();
});
