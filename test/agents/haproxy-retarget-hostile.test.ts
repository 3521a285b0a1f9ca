/**
 * haproxy-retarget attacked: replies cut off, flooded, dripped or odd; socket paths that are no
 * socket; a TCP socket that accepts and closes; hostile names; duplicate parameters; concurrent
 * claims from two nodes; a reload in the middle of a claim; short deadlines; long exit reasons.
 * Real HAProxy 2.6 on loopback; the misbehaving peers are node:net servers (test/haproxy/fake.ts).
 */
import t from 'tap';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeEnv, runAgent } from '../haproxy/agent-run.ts';
import { gate, proxy, raw, tempDir } from '../haproxy/fake.ts';
import { safetyMargin } from '../../lib/exec/deadline.ts';
import { adminStates, startPair, deadline, get, startBackend, startHaproxy, tally, twoNodeConfig, until } from '../haproxy/real.ts';

const OK = 0;
const GENERIC = 1;
const INSTALLED = 5;
const CONFIGURED = 6;
const NOT_RUNNING = 7;
const RECURRING = { interval: 10_000 };
const node1 = nodeEnv('node1');
const node2 = nodeEnv('node2');

const pair = startPair;

const admin = adminStates;

t.test('a reply cut off at a line boundary is an error, never the whole state', async (t) => {
  const { h } = await pair(t);
  const p = { socket: h.admin, backends: 'be_app' };
  t.equal((await runAgent('start', p, node1)).code, OK);
  await h.client.setState('be_app', 'node2', 'ready', deadline()); // re-enabled by hand
  // the last server line and HAProxy's terminating empty line never arrive
  const cut = await proxy(h.admin, (line, reply) => {
    if (!line.includes('show servers state')) return reply;
    const from = reply.indexOf('1\n# be_id');
    const block = reply.slice(from, reply.indexOf('\n\n', from) + 1);
    return reply.slice(0, from) + block.replace(/[^\n]*\n$/, ''); // and nothing after it
  });
  t.teardown(() => cut.close());
  const m = await runAgent('monitor', { ...p, socket: cut.path }, node1, RECURRING);
  t.equal(m.code, GENERIC, 'not OCF_SUCCESS: the line naming node2 was missing');
  t.match(m.reasons[0], /the reply to '.*show servers state.*' was cut off after \d+ bytes/);
  t.equal((await runAgent('monitor', p, node1, RECURRING)).code, GENERIC, 'the whole reply shows the mismatch');
});

t.test('peers that are not HAProxy: accept-and-close, flood, drip, odd lines', async (t) => {
  const closer = await raw((s) => s.destroy(), { tcp: true });
  const flood = await raw((s) => {
    const mb = Buffer.alloc(1 << 20, 'x');
    const pump = (): void => {
      while (!s.destroyed && s.write(mb));
      if (!s.destroyed) s.once('drain', pump);
    };
    pump();
  });
  const drip = await raw((s) => {
    s.write('1\n');
    const timer = setInterval(() => (s.destroyed ? clearInterval(timer) : s.write('#')), 50);
    s.on('close', () => clearInterval(timer));
  });
  const odd = await raw((s) =>
    s.on('data', () => s.end('1\n# be_id be_name srv_id srv_name\nhello there\n\nName: x\n\n')),
  );
  t.teardown(async () => {
    for (const x of [closer, flood, drip, odd]) await x.close();
  });

  const c = await runAgent('start', { socket: closer.address, backends: 'be_app' }, node1);
  t.equal(c.code, GENERIC, 'accept-and-close: an error, not OCF_ERR_CONFIGURED (a cluster-wide ban)');
  t.match(c.reasons[0], /closed the connection without answering 'show cli level; show servers state; show info'/);

  const f = await runAgent('stop', { socket: flood.address, backends: 'be_app' }, node1);
  t.equal(f.code, GENERIC, 'a flood: stop does not claim "nothing to release"');
  t.match(f.reasons[0], /exceeds \d+ bytes/);

  // The agent's own deadline is CRM_meta_timeout less safetyMargin, counted from its process
  // start; the reason names what was left of it ("within N ms"), so N shows the agent read the
  // timeout (the advertised 20/30 s would give N in the tens of thousands). The wall clock
  // (spawn to close, so env's exec, Node's start and exit and this process's event loop
  // included) is checked only where the margin, 500 ms, absorbs those; for 500 and 1000 the
  // margin is 125 and 250 ms, and one scheduling stall on a loaded machine eats that.
  for (const timeout of [2000, 1000, 500]) {
    const budget = timeout - safetyMargin(timeout);
    for (const action of ['monitor', 'start', 'stop']) {
      const d = await runAgent(action, { socket: drip.address, backends: 'be_app' }, node1, { timeout, interval: action === 'monitor' ? 10_000 : 0 });
      t.equal(d.code, GENERIC, `drip, ${action}, timeout ${timeout}`);
      const within = /did not answer .* within (\d+) ms/.exec(d.reasons[0] ?? '');
      t.ok(within, `drip, ${action}: ${d.reasons[0]}`);
      t.ok(Number(within?.[1]) <= budget, `${action} waited at most ${within?.[1]} ms of its ${budget} ms deadline (timeout ${timeout})`);
      if (safetyMargin(timeout) >= 500) t.ok(d.ms < timeout, `${action} answered in ${Math.round(d.ms)} ms < ${timeout} ms`);
    }
  }
  const o = await runAgent('monitor', { socket: odd.address, backends: 'be_app' }, node1, RECURRING);
  t.equal(o.code, GENERIC);
  t.match(o.reasons[0], /show servers state, line 2: header lacks column srv_addr/);
});

t.test('socket paths that are no socket: said so, not "connection refused"', async (t) => {
  const dir = tempDir();
  writeFileSync(join(dir, 'file'), '');
  mkdirSync(join(dir, 'dir'));
  symlinkSync(join(dir, 'file'), join(dir, 'link'));
  const cases: [string, RegExp][] = [
    ['file', /socket .*\/file is a regular file, not a socket/],
    ['dir', /socket .*\/dir is a directory, not a socket/],
    ['link', /socket .*\/link is a symbolic link to a regular file, not a socket/],
  ];
  for (const [name, reason] of cases) {
    const p = { socket: join(dir, name), backends: 'be_app' };
    const s = await runAgent('start', p, node1);
    t.equal(s.code, INSTALLED, `${name}: start`);
    t.match(s.reasons[0], reason);
    t.equal((await runAgent('monitor', p, node1, { interval: 0 })).code, NOT_RUNNING, `${name}: probe`);
    t.equal((await runAgent('stop', p, node1)).code, OK, `${name}: stop (nothing can listen there)`);
  }
});

t.test('hostile names: one command per line, nothing injected', async (t) => {
  const { h } = await pair(t);
  const spy = await proxy(h.admin);
  t.teardown(() => spy.close());
  const p = { socket: spy.path, backends: 'be_app' };
  const nodes = ['node1;shutdown sessions server be_app/node2', 'node1\nset server be_app/node2 state maint', 'node 1', 'nöde1', 'node1\\;x'];
  for (const node of nodes) {
    const r = await runAgent('start', p, { ...node1, node });
    t.equal(r.code, CONFIGURED, JSON.stringify(node));
    t.match(r.reasons[0], /is not a valid HAProxy server name/);
  }
  const bad: Record<string, string>[] = [
    { backends: 'be_app;show info' },
    { backends: 'be_app', servers: 'node1=node1;x' },
    { backends: 'be_app', read_backends: 'be\\app' },
    { backends: 'be_app', servers: 'node1=nöde' },
  ];
  for (const params of bad) {
    const r = await runAgent('start', { ...p, ...params }, node1);
    t.equal(r.code, CONFIGURED, JSON.stringify(params));
  }
  // a backend list with a newline is two names, each checked on its own
  const nl = await runAgent('start', { ...p, backends: 'be_app\nshutdown' }, node1);
  t.equal(nl.code, CONFIGURED);
  t.match(nl.reasons[0], /backend 'shutdown' does not exist/);
  const allowed = /^(show cli level; )?show servers state(; show info)?$|^show (cli level|info)$|^show stat( be_app 4 -1)?$|^set server be_app\/node[12] state (ready|drain|maint)$/;
  t.same(spy.lines.filter((l) => !allowed.test(l)), [], 'every line sent is one of the agent\'s own commands');
  t.same(await admin(h), { node1: 'ready', node2: 'ready' }, 'nothing changed');
});

t.test('duplicates and a default server that is another node\'s', async (t) => {
  const { h } = await pair(t);
  const cases: [Record<string, string>, RegExp][] = [
    [{ socket: `${h.admin} unix@${h.admin}` }, /parameter 'socket': 'unix@.*' is the same socket as/],
    [{ socket: `${h.admin} ${h.user}`, state_file: '/tmp/x /tmp/x' }, /parameter 'state_file': '\/tmp\/x' is given for two sockets/],
    [{ mode: 'addr', addresses: 'node1=127.0.0.1:80 node2=127.0.0.1:80' }, /nodes 'node1' and 'node2' have the same address/],
  ];
  for (const [params, reason] of cases) {
    const r = await runAgent('start', { socket: h.admin, backends: 'be_app', ...params }, node1);
    t.equal(r.code, CONFIGURED, JSON.stringify(params));
    t.match(r.reasons[0], reason);
  }
  // node1's server is 'node2': node2, not listed, would claim the same server
  const r = await runAgent('start', { socket: h.admin, backends: 'be_app', servers: 'node1=node2' }, node2);
  t.equal(r.code, CONFIGURED);
  t.match(r.reasons[0], /node 'node2' is not listed, and its default server 'node2' is node 'node1's/);
  t.same(await admin(h), { node1: 'ready', node2: 'ready' }, 'nothing changed');
});

t.test('concurrent claims', async (t) => {
  t.test('a claim that began before a newer one completed yields to it (state mode)', async (t) => {
    const { h } = await pair(t);
    const p = { socket: h.admin, backends: 'be_app', drain_timeout: '0' };
    t.equal((await runAgent('stop', p, node1)).code, OK);
    t.equal((await runAgent('stop', p, node2)).code, OK);
    t.same(await admin(h), { node1: 'maint', node2: 'maint' }, 'nobody holds it');
    // node1's first reading is held back until node2's whole claim is done
    const g = gate();
    let first = true;
    const slow = await proxy(h.admin, async (line, reply) => {
      if (first && line.includes('show servers state')) {
        first = false;
        await g.wait();
      }
      return reply;
    });
    t.teardown(() => slow.close());
    const s1 = runAgent('start', { ...p, socket: slow.path }, node1);
    await g.reached;
    t.equal((await runAgent('start', p, node2)).code, OK, 'node2 claims');
    g.open();
    const r1 = await s1;
    t.equal(r1.code, GENERIC, 'node1 yields');
    t.match(r1.reasons[0], /^be_app\/node2 was made ready during the claim of node1 \(a newer claim\); left to be_app\/node2/);
    t.same(await admin(h), { node1: 'maint', node2: 'ready' }, 'node2 holds it alone');
    t.same(await tally(h.frontend, 10), { by: { node2: 10 }, failed: 0 });
  });

  t.test('two starts at the same instant: exactly one holder, whose start and monitor say so', async (t) => {
    const { h } = await pair(t);
    const p = { socket: h.admin, backends: 'be_app', drain_timeout: '0' };
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([runAgent('start', p, node1), runAgent('start', p, node2)]);
      const state = await admin(h);
      const ready = Object.keys(state).filter((k) => state[k] === 'ready');
      t.equal(ready.length, 1, `round ${round}: one server ready (${JSON.stringify(state)}; ${a.code}/${b.code} ${a.reasons[0] ?? ''} ${b.reasons[0] ?? ''})`);
      const holder = ready[0] === 'node1' ? node1 : node2;
      t.equal((ready[0] === 'node1' ? a : b).code, OK, 'the holder\'s start succeeded');
      t.equal((await runAgent('monitor', p, holder, RECURRING)).code, OK);
      t.equal((await runAgent('monitor', p, holder === node1 ? node2 : node1, RECURRING)).code, NOT_RUNNING);
      await runAgent('stop', p, holder);
    }
  });

  t.test('mode=addr: the old node\'s stop does not take out the server the newer claim re-pointed', async (t) => {
    const b1 = await startBackend('node1');
    const b2 = await startBackend('node2');
    const h = await startHaproxy(twoNodeConfig([], { backend: `server db 127.0.0.1:${b1.port} check` }));
    t.teardown(async () => {
      h.kill();
      await b1.close();
      await b2.close();
    });
    const p = { socket: h.admin, backends: 'be_app', mode: 'addr', addresses: `node1=127.0.0.1:${b1.port} node2=127.0.0.1:${b2.port}` };
    t.equal((await runAgent('start', p, node1)).code, OK);
    const g = gate();
    let first = true;
    const slow = await proxy(h.admin, async (line, reply) => {
      if (first && line.includes('show servers state')) {
        first = false;
        await g.wait();
      }
      return reply;
    });
    t.teardown(() => slow.close());
    const stop1 = runAgent('stop', { ...p, socket: slow.path }, node1);
    await g.reached; // node1's stop read "db is at node1's address" …
    t.equal((await runAgent('start', p, node2)).code, OK); // … then node2 re-pointed it
    g.open();
    t.equal((await stop1).code, OK);
    const db = (await h.client.showServersState(deadline(), 'be_app'))[0]!;
    t.same([db.admin, db.port], ['ready', b2.port], "node2's claim stands");
    await until(async () => (await get(h.frontend).catch(() => null))?.body === 'node2', 5000, 'node2 serving');
    t.same(await tally(h.frontend, 10), { by: { node2: 10 }, failed: 0 });
  });

  t.test("after a reload, the old node's monitor does not take back a claim made since on the new process", async (t) => {
    const { h } = await pair(t);
    const p = { socket: h.admin, backends: 'be_app', drain_timeout: '0' };
    t.equal((await runAgent('start', p, node1)).code, OK);
    await h.reload();
    // node2's claim clearly after the new process started: HAProxy counts in whole seconds, so
    // wait until the new worker itself reports 3 s of uptime (a fixed sleep was not enough when
    // the worker came up late on a loaded machine)
    await until(async () => ((await h.client.showInfo(deadline()).catch(() => ({ uptimeS: 0 }))).uptimeS >= 3), 15_000, 'the new worker 3 s old');
    t.equal((await runAgent('start', p, node2)).code, OK);
    const m = await runAgent('monitor', p, node1, RECURRING);
    t.equal(m.code, NOT_RUNNING, m.stderr);
    t.match(m.reasons[0], /^be_app\/node2 ready: node node2 holds it/);
    t.same(await admin(h), { node1: 'maint', node2: 'ready' }, 'node2 keeps it');
  });
});

t.test('a reload in the middle of a claim: the claim starts over on the new process', async (t) => {
  const dir = tempDir();
  const state = join(dir, 'server-state');
  const { h, b2 } = await pair(t, { global: `server-state-file ${state}`, defaults: 'load-server-state-from-file global' });
  const p = { socket: h.admin, backends: 'be_app', drain_timeout: '10s', state_file: state };
  t.equal((await runAgent('start', p, node2)).code, OK, 'node2 holds it; the state file says so');
  const slow = get(h.frontend, '/slow?ms=2500').catch(() => null); // keeps node2 draining
  await until(async () => b2.hits > 0, 2000, 'the slow request on node2');
  const s1 = runAgent('start', p, node1);
  await until(async () => (await admin(h)).node2 === 'drain', 5000, 'node2 draining');
  await h.reload(); // the new process reads the file: node2 ready, node1 maint
  const r = await s1;
  t.equal(r.code, OK, r.stderr);
  t.match(r.stderr, /reloaded or restarted during the claim/);
  t.same(await admin(h), { node1: 'ready', node2: 'maint' });
  t.same(await tally(h.frontend, 10), { by: { node1: 10 }, failed: 0 });
  await slow;
});

t.test('exit reasons: the backend/server first, within 128 bytes, behind a long socket path', async (t) => {
  const dir = join(tempDir(), 'a-long-directory-name-for-the-runtime-api-sockets-xxxxx');
  mkdirSync(dir);
  const { h, b1 } = await pair(t, {}, { dir });
  const p = { socket: h.admin, backends: 'be_app' };
  await b1.close(); // node1's backend dies
  await until(async () => (await h.client.showServersState(deadline())).find((s) => s.name === 'node1')!.opState === 'stopped', 5000, 'node1 DOWN');
  const s = await runAgent('start', p, node1, { timeout: 3000 });
  t.equal(s.code, GENERIC);
  t.ok(Buffer.byteLength(s.reasons[0]!) <= 128, s.reasons[0]);
  t.match(s.reasons[0], /^be_app\/node1 is DOWN by health check \(stopped\)/);
  t.ok(s.ms < 3000, `answered in ${Math.round(s.ms)} ms`);
});

t.test('CRM_meta_timeout garbage: the advertised timeout', async (t) => {
  const { h } = await pair(t);
  const p = { socket: h.admin, backends: 'be_app' };
  const r = await runAgent('start', p, node1, { env: { OCF_RESKEY_CRM_meta_timeout: 'soon' } });
  t.equal(r.code, OK, r.stderr);
  t.equal((await runAgent('monitor', p, node1, { ...RECURRING, env: { OCF_RESKEY_CRM_meta_timeout: '-5' } })).code, OK);
});
