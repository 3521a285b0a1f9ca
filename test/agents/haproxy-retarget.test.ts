/**
 * The built haproxy-retarget agent against a real HAProxy 2.6 on loopback, with real HTTP
 * backends (one per node name) that count the requests they answer.
 */
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeApiError } from '../../lib/haproxy/errors.ts';
import { nodeEnv, runAgent } from '../haproxy/agent-run.ts';
import { adminStates, startPair, deadline, get, startBackend, startHaproxy, tally, twoNodeConfig, until, type Backend } from '../haproxy/real.ts';

const OK = 0;
const NOT_RUNNING = 7;
const RECURRING = { interval: 10_000 };
const node1 = nodeEnv('node1');
const node2 = nodeEnv('node2');

const pair = startPair;

const admin = adminStates;

t.test('start on node2, then a failover to node1: every request goes to the holder', async (t) => {
  const { h } = await pair(t);
  const p = { socket: h.admin, backends: 'be_app' };
  t.equal((await runAgent('monitor', p, node2, { interval: 0 })).code, NOT_RUNNING, 'probe before any start: not running');
  const s2 = await runAgent('start', p, node2);
  t.equal(s2.code, OK, s2.stderr);
  t.same(await tally(h.frontend, 20), { by: { node2: 20 }, failed: 0 }, 'all 20 requests reach node2');
  t.same(await admin(h), { node1: 'maint', node2: 'ready' });
  t.equal((await runAgent('monitor', p, node2, RECURRING)).code, OK);
  t.equal((await runAgent('start', p, node2)).code, OK, 'start is idempotent');

  const s1 = await runAgent('start', p, node1);
  t.equal(s1.code, OK, s1.stderr);
  t.same(await tally(h.frontend, 20), { by: { node1: 20 }, failed: 0 }, 'all 20 requests reach node1');
  const probe2 = await runAgent('monitor', p, node2, { interval: 0 });
  t.equal(probe2.code, NOT_RUNNING, "node2's probe: not running");
  t.equal((await runAgent('monitor', p, node1, RECURRING)).code, OK);

  // the old node's stop must not undo node1's newer claim
  t.equal((await runAgent('stop', p, node2)).code, OK);
  t.same(await tally(h.frontend, 10), { by: { node1: 10 }, failed: 0 }, "node2's stop left node1's claim alone");
  t.equal((await runAgent('monitor', p, node1, RECURRING)).code, OK);

  t.equal((await runAgent('stop', p, node1)).code, OK);
  t.same(await admin(h), { node1: 'maint', node2: 'maint' }, 'released');
  t.equal((await runAgent('monitor', p, node1, { interval: 0 })).code, NOT_RUNNING);
  t.equal((await runAgent('stop', p, node1)).code, OK, 'stop when stopped');
  t.equal((await get(h.frontend)).status, 503, 'nobody serves the write backend');
});

t.test('switching the claim while both are healthy loses no request; the old server drains', async (t) => {
  const { h, b1, b2 } = await pair(t);
  const p = { socket: h.admin, backends: 'be_app', drain_timeout: '10s' };
  t.equal((await runAgent('start', p, node2)).code, OK);
  // a long request in flight on node2 when the switch happens
  const slow = get(h.frontend, '/slow?ms=1500');
  await until(async () => b2.hits > 0, 2000, 'the slow request to reach node2');
  let switching = true;
  let failed = 0;
  let answered = 0;
  const seen: string[] = [];
  const loop = (async () => {
    for (let i = 0; i < 3000 && (switching || i < 50); i++) {
      try {
        const r = await get(h.frontend);
        if (r.status === 200) {
          answered++;
          seen.push(r.body);
        } else failed++;
      } catch {
        failed++;
      }
    }
  })();
  const s1 = await runAgent('start', p, node1);
  switching = false;
  await loop;
  t.equal(s1.code, OK, s1.stderr);
  t.equal(failed, 0, `no request failed during the switch (${answered} answered)`);
  t.ok(answered > 50, `${answered} requests during the switch`);
  t.equal(seen[seen.length - 1], 'node1', 'and then they go to node1');
  t.same(await slow, { status: 200, body: 'node2' }, 'the request in flight on node2 completed');
  t.ok(s1.ms >= 900, `start waited for node2 to drain (${Math.round(s1.ms)} ms)`);
  t.ok(s1.ms < 8000, 'but not for drain_timeout');
  t.same(await admin(h), { node1: 'ready', node2: 'maint' }, 'node2 in maintenance once drained');
  t.ok(b1.hits > 0);
});

t.test('a server already DOWN is not waited for', async (t) => {
  const { h, b2 } = await pair(t);
  const p = { socket: h.admin, backends: 'be_app', drain_timeout: '20s' };
  t.equal((await runAgent('start', p, node2)).code, OK);
  await b2.close();
  await until(async () => (await h.client.showServersState(deadline())).find((s) => s.name === 'node2')!.opState === 'stopped', 10_000, 'node2 DOWN');
  const s1 = await runAgent('start', p, node1);
  t.equal(s1.code, OK, s1.stderr);
  t.ok(s1.ms < 3000, `start did not wait for a DOWN server to drain (${Math.round(s1.ms)} ms)`);
  t.same(await tally(h.frontend, 10), { by: { node1: 10 }, failed: 0 });
});

t.test('monitor: a server re-enabled by hand, this node DOWN by health check, another node holding', async (t) => {
  const { h, b1 } = await pair(t);
  const p = { socket: h.admin, backends: 'be_app' };
  t.equal((await runAgent('start', p, node1)).code, OK);
  await h.client.setState('be_app', 'node2', 'ready', deadline());
  const m = await runAgent('monitor', p, node1, RECURRING);
  t.equal(m.code, 1);
  t.match(m.reasons[0], /^be_app\/node2 ready beside be_app\/node1/);
  t.equal((await runAgent('monitor', p, node2, { interval: 0 })).code, NOT_RUNNING, 'a probe on node2 is not fooled either');
  await h.client.setState('be_app', 'node2', 'maint', deadline());
  t.equal((await runAgent('monitor', p, node1, RECURRING)).code, OK);
  await b1.close();
  await until(async () => (await h.client.showServersState(deadline())).find((s) => s.name === 'node1')!.opState === 'stopped', 10_000, 'node1 DOWN');
  const down = await runAgent('monitor', p, node1, RECURRING);
  t.equal(down.code, 1);
  t.match(down.reasons[0], 'be_app/node1 is DOWN by health check');
});

t.test('read/write split: writes reach the active node only, reads every healthy node', async (t) => {
  const b1 = await startBackend('node1');
  const b2 = await startBackend('node2');
  const servers = (prefix: string) => [b1, b2].map((b) => `    server ${b.node} 127.0.0.1:${b.port} check`).join('\n') + `\n    # ${prefix}`;
  const { freePort } = await import('../haproxy/real.ts');
  const readPort = await freePort();
  const h = await startHaproxy(
    twoNodeConfig([b1, b2], {
      more: `frontend fe_read\n    bind 127.0.0.1:${readPort}\n    default_backend be_read\nbackend be_read\n    option httpchk GET /health\n    default-server inter 100ms fall 2 rise 1\n${servers('read')}\n`,
    }),
  );
  t.teardown(async () => {
    h.kill();
    await b1.close();
    await b2.close();
  });
  await until(async () => (await h.client.showServersState(deadline())).every((s) => s.opState === 'running'), 10_000, 'UP');
  const p = { socket: h.admin, backends: 'be_app', read_backends: 'be_read' };
  t.equal((await runAgent('start', p, node1)).code, OK);
  t.same(await tally(h.frontend, 20), { by: { node1: 20 }, failed: 0 }, 'writes: node1 only');
  t.same(await tally(readPort, 20), { by: { node1: 10, node2: 10 }, failed: 0 }, 'reads: both nodes');
  t.equal((await runAgent('start', p, node2)).code, OK);
  t.same(await tally(h.frontend, 20), { by: { node2: 20 }, failed: 0 });
  t.same(await tally(readPort, 20), { by: { node1: 10, node2: 10 }, failed: 0 }, 'node1, now standby, still serves reads');
  t.equal((await runAgent('monitor', p, node2, RECURRING)).code, OK);
});

t.test('several HAProxy instances all follow; the claim holds only when every one agrees', async (t) => {
  const b1 = await startBackend('node1');
  const b2 = await startBackend('node2');
  const ha = await startHaproxy(twoNodeConfig([b1, b2]));
  const hb = await startHaproxy(twoNodeConfig([b1, b2]));
  t.teardown(async () => {
    ha.kill();
    hb.kill();
    await b1.close();
    await b2.close();
  });
  for (const h of [ha, hb]) await until(async () => (await h.client.showServersState(deadline())).every((s) => s.opState === 'running'), 10_000, 'UP');
  const p = { socket: `${ha.admin} ${hb.admin}`, backends: 'be_app' };
  t.equal((await runAgent('start', p, node1)).code, OK);
  for (const h of [ha, hb]) t.same(await tally(h.frontend, 10), { by: { node1: 10 }, failed: 0 });
  t.equal((await runAgent('monitor', p, node1, RECURRING)).code, OK);
  await hb.client.setState('be_app', 'node2', 'ready', deadline());
  const m = await runAgent('monitor', p, node1, RECURRING);
  t.equal(m.code, 1);
  // the server first, the socket after: Pacemaker keeps 128 bytes of an exit reason
  t.match(m.reasons[0], `be_app/node2 ready beside be_app/node1 (re-enabled by hand?) (on ${hb.admin})`);
  hb.kill();
  // SIGKILL reaches the master; the admin socket is served by the worker, which exits only when
  // it notices the master gone: wait until the socket refuses (or is removed), not a fixed time
  const refused = (e: unknown): boolean => e instanceof RuntimeApiError && (e.kind === 'refused' || e.kind === 'absent');
  await until(() => hb.client.showInfo(deadline(1000)).then(() => false, refused), 5000, "the killed instance's admin socket to refuse");
  const k = await runAgent('monitor', p, node1, RECURRING);
  t.equal(k.code, 1, 'one instance gone: the claim does not hold');
  t.match(k.reasons[0], /not answering|does not exist/);
});

t.test('reloads: the state file keeps the claim; when a reload loses it, monitor restores it', async (t) => {
  t.test('server-state-file written by the agent: a reload keeps the claim', async (t) => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'ocfkit-hap-'));
    const state = join(dir, 'server-state');
    const { h } = await pair(t, { global: `server-state-file ${state}`, defaults: 'load-server-state-from-file global' });
    const p = { socket: h.admin, backends: 'be_app', state_file: state };
    t.equal((await runAgent('start', p, node1)).code, OK);
    t.ok(readFileSync(state, 'utf8').endsWith('\n'), 'the state file ends with a newline');
    await h.reload();
    t.same(await admin(h), { node1: 'ready', node2: 'maint' }, 'the new process read the claim');
    t.same(await tally(h.frontend, 20), { by: { node1: 20 }, failed: 0 }, 'right after the reload, before any monitor');
    t.equal((await runAgent('monitor', p, node1, RECURRING)).code, OK);

    // the same file without its trailing newline: HAProxy 2.6 ignores the line, the claim is lost
    t.equal((await runAgent('start', p, node2)).code, OK);
    writeFileSync(state, readFileSync(state, 'utf8').replace(/\n+$/, ''));
    await h.reload();
    t.equal((await admin(h)).node1, 'ready', 'node1 is back in production after the reload: HAProxy ignored the last line');
    const m = await runAgent('monitor', p, node2, RECURRING);
    t.equal(m.code, OK, m.stderr);
    t.match(m.stderr, /reloaded or restarted.*re-asserting/);
    t.same(await tally(h.frontend, 20), { by: { node2: 20 }, failed: 0 }, 'restored by one monitor');
  });

  t.test('no state file: the reload puts every server back in production; the recurring monitor restores the claim', async (t) => {
    const { h } = await pair(t);
    const p = { socket: h.admin, backends: 'be_app' };
    t.equal((await runAgent('start', p, node2)).code, OK);
    await h.reload();
    await until(async () => (await h.client.showServersState(deadline())).every((s) => s.opState === 'running'), 10_000, 'UP after reload');
    const lost = await tally(h.frontend, 20);
    t.ok((lost.by.node1 ?? 0) > 0, `after the reload node1 gets traffic again (${JSON.stringify(lost.by)}): the runtime state is lost`);
    t.equal((await runAgent('monitor', p, node1, { interval: 0 })).code !== OK, true, "node1's probe does not claim it");
    const m = await runAgent('monitor', p, node2, RECURRING);
    t.equal(m.code, OK, m.stderr);
    t.same(await tally(h.frontend, 20), { by: { node2: 20 }, failed: 0 });
  });

  t.test('mode=addr: 2.6 restores the port but not the address from the state file; monitor re-asserts it', async (t) => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'ocfkit-hap-'));
    const state = join(dir, 'server-state');
    const b1 = await startBackend('node1');
    // node2 on another loopback address, as another machine would be
    const { freePort } = await import('../haproxy/real.ts');
    const b2 = await startBackendOn('node2', '127.0.0.2', await freePort());
    const h = await startHaproxy((v) =>
      twoNodeConfig([], { global: `server-state-file ${state}`, defaults: 'load-server-state-from-file global' })(v).replace(
        '\n    \n',
        `\n    server db 127.0.0.1:${b1.port} check\n`,
      ),
    );
    t.teardown(async () => {
      h.kill();
      await b1.close();
      await b2.close();
    });
    const p = { socket: h.admin, backends: 'be_app', mode: 'addr', addresses: `node1=127.0.0.1:${b1.port} node2=127.0.0.2:${b2.port}`, state_file: state };
    t.equal((await runAgent('validate-all', p, node1, { env: { OCF_CHECK_LEVEL: '10' } })).code, OK);
    const s = await runAgent('start', p, node2);
    t.equal(s.code, OK, s.stderr);
    t.same(await tally(h.frontend, 10), { by: { node2: 10 }, failed: 0 });
    await h.reload();
    const srv = (await h.client.showServersState(deadline(), 'be_app'))[0]!;
    t.same([srv.addr, srv.port], ['127.0.0.1', b2.port], 'after the reload: the port came back, the address did not');
    const m = await runAgent('monitor', p, node2, RECURRING);
    t.equal(m.code, OK, m.stderr);
    await until(async () => (await h.client.showServersState(deadline(), 'be_app'))[0]!.opState === 'running', 5000, 'UP');
    t.same(await tally(h.frontend, 10), { by: { node2: 10 }, failed: 0 }, 'node2 again, after one monitor');
    t.equal((await runAgent('start', p, node1)).code, OK);
    t.same(await tally(h.frontend, 10), { by: { node1: 10 }, failed: 0 });
    t.equal((await runAgent('monitor', p, node2, { interval: 0 })).code, NOT_RUNNING);
  });
});

async function startBackendOn(node: string, host: string, port: number): Promise<Backend> {
  const b = await startBackend(node, port).catch(() => null);
  if (b) await b.close();
  // startBackend listens on 127.0.0.1; this one on another loopback address
  const { createServer } = await import('node:http');
  const out: Backend = { node, port, hits: 0, server: undefined as never, close: async () => {} };
  out.server = createServer((req, res) => {
    if (!req.headers['user-agent']?.includes('HAProxy')) out.hits++;
    res.end(req.headers['user-agent']?.includes('HAProxy') ? 'ok' : node);
  });
  await new Promise<void>((r) => out.server.listen(port, host, r));
  out.close = () => new Promise<void>((r) => (out.server.closeAllConnections(), out.server.close(() => r())));
  return out;
}
