/** Bad input and a missing, killed or silent HAProxy: the right code, a reason naming the cause, never a hang. */
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeEnv, runAgent } from '../haproxy/agent-run.ts';
import { deadline, startBackend, startHaproxy, twoNodeConfig, startPair } from '../haproxy/real.ts';

const node1 = nodeEnv('node1');
const RECURRING = { interval: 10_000 };

t.test('socket missing: start OCF_ERR_INSTALLED, probe OCF_NOT_RUNNING, stop success', async (t) => {
  const p = { socket: join(mkdtempSync(join(tmpdir(), 'ocfkit-hap-')), 'admin.sock'), backends: 'be_app' };
  const s = await runAgent('start', p, node1);
  t.equal(s.code, 5);
  t.match(s.reasons[0], /runtime API socket .*admin.sock does not exist/);
  t.equal((await runAgent('monitor', p, node1, { interval: 0 })).code, 7);
  t.equal((await runAgent('stop', p, node1)).code, 0);
});

t.test('bad configuration: OCF_ERR_CONFIGURED naming the backend, the server, the socket level, the parameter', async (t) => {
  const b1 = await startBackend('node1');
  const h = await startHaproxy(twoNodeConfig([b1], { more: 'backend be_noaddr\n    server s1 db.example.invalid:5432 init-addr none\n' }));
  t.teardown(async () => {
    h.kill();
    await b1.close();
  });
  const cases: [Record<string, string>, RegExp][] = [
    [{ socket: h.admin, backends: 'be_nope' }, /backend 'be_nope' does not exist in HAProxy/],
    [{ socket: h.admin, backends: 'be_app', servers: 'node1=ghost' }, /backend 'be_app' has no server 'ghost' for node 'node1'/],
    [{ socket: h.user, backends: 'be_app' }, /socket .*user.sock is level user, not admin/],
    [{ socket: h.admin, backends: 'be_noaddr', mode: 'addr', addresses: 'node1=127.0.0.1:1' }, /be_noaddr\/s1 has no address .*configuration file/],
    [{ socket: h.admin }, /required parameter 'backends' is not set/],
    [{ socket: h.admin, backends: 'be_app', mode: 'dns' }, /parameter 'mode': 'dns' is neither/],
  ];
  for (const [p, reason] of cases) {
    const r = await runAgent('start', p, node1);
    t.equal(r.code, 6, JSON.stringify(p));
    t.match(r.reasons[0], reason);
  }
  const v = await runAgent('validate-all', { socket: h.admin, backends: 'be_noaddr', mode: 'addr', addresses: 'node1=127.0.0.1:1' }, node1, {
    env: { OCF_CHECK_LEVEL: '10' },
  });
  t.equal(v.code, 6, 'validate-all says so');
  t.match(v.reasons[0], /only lets the configuration file set it/);
  t.equal((await runAgent('validate-all', { socket: h.user, backends: 'be_app' }, node1, { env: { OCF_CHECK_LEVEL: '10' } })).code, 6);
  t.equal((await runAgent('validate-all', { socket: h.user, backends: 'be_app' }, node1)).code, 0, 'level 0: the parameters alone');
});

t.test('HAProxy killed: the recurring monitor fails with a clear reason; a probe says not running', async (t) => {
  const { h } = await startPair(t);
  const p = { socket: h.admin, backends: 'be_app' };
  t.equal((await runAgent('start', p, node1)).code, 0);
  h.kill();
  await new Promise<void>((r) => h.proc.once('exit', () => r()));
  const m = await runAgent('monitor', p, node1, RECURRING);
  t.equal(m.code, 1);
  t.match(m.reasons[0], /^HAProxy is not answering on .*admin.sock \(connection refused\)/);
  t.equal((await runAgent('monitor', p, node1, { interval: 0 })).code, 7);
  t.equal((await runAgent('start', p, node1)).code, 5);
});

t.test('HAProxy not answering: a clear error within the deadline, never a hang', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-hap-'));
  const held: Socket[] = [];
  const mute = createServer((s) => held.push(s));
  await new Promise<void>((r) => mute.listen(join(dir, 'admin.sock'), r));
  t.teardown(() => {
    held.forEach((s) => s.destroy());
    mute.close();
  });
  const p = { socket: join(dir, 'admin.sock'), backends: 'be_app' };
  for (const action of ['monitor', 'start', 'stop']) {
    const r = await runAgent(action, p, node1, { timeout: 2000, interval: action === 'monitor' ? 10_000 : 0 });
    t.equal(r.code, 1, action);
    t.match(r.reasons[0], /did not answer '.*' within \d+ ms/, action);
    t.ok(r.ms < 2000, `${action} gave up in ${Math.round(r.ms)} ms, inside Pacemaker's 2000 ms`);
  }
});
