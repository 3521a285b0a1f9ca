import t from 'tap';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseSocketAddress } from '../../lib/haproxy/address.ts';
import { RuntimeClient } from '../../lib/haproxy/client.ts';
import { Deadline } from '../../lib/exec/deadline.ts';
import { deadline, freePort, startBackend, startHaproxy, twoNodeConfig } from './real.ts';

t.test('the runtime API client against a real HAProxy 2.6', async (t) => {
  const b1 = await startBackend('node1');
  const b2 = await startBackend('node2');
  const tcp = await freePort();
  const h = await startHaproxy(
    twoNodeConfig([b1, b2], {
      global: `stats socket ipv4@127.0.0.1:${tcp} level admin`,
      more: 'backend be_noaddr\n    server s1 db.example.invalid:5432 init-addr none\n',
    }),
  );
  t.teardown(async () => {
    h.kill();
    await b1.close();
    await b2.close();
  });
  const c = h.client;
  const servers = await c.showServersState(deadline());
  t.same(servers.map((s) => `${s.backend}/${s.name}`), ['be_app/node1', 'be_app/node2', 'be_noaddr/s1']);
  t.same((await c.showServersState(deadline(), 'be_app')).length, 2);
  t.same(await c.showBackends(deadline()), ['be_app', 'be_noaddr']);
  t.equal(await c.cliLevel(deadline()), 'admin');
  t.ok((await c.showStat(deadline())).some((r) => r.proxy === 'be_app' && r.name === 'node1'));
  t.ok((await c.showInfo(deadline())).pid > 0);

  await c.setState('be_app', 'node1', 'drain', deadline());
  t.equal((await c.showServersState(deadline(), 'be_app')).find((s) => s.name === 'node1')!.admin, 'drain');
  await c.setState('be_app', 'node1', 'maint', deadline());
  t.equal((await c.showServersState(deadline(), 'be_app')).find((s) => s.name === 'node1')!.admin, 'maint');
  await c.setState('be_app', 'node1', 'ready', deadline());
  t.match(await c.setAddr('be_app', 'node2', '127.0.0.1', b2.port, deadline()), { addrChanged: false, portChanged: false }, '"no need to change"');
  t.match(await c.setAddr('be_app', 'node2', '127.0.0.2', b2.port, deadline()), { addrChanged: true });
  await c.setAddr('be_app', 'node2', '127.0.0.1', b2.port, deadline());
  await c.setHealth('be_app', 'node2', 'up', deadline());

  await t.rejects(c.setState('be_nope', 'node1', 'ready', deadline()), { name: 'RuntimeApiError', kind: 'no-such-backend', message: /No such backend/ });
  await t.rejects(c.setState('be_app', 'nope', 'ready', deadline()), { name: 'RuntimeApiError', kind: 'no-such-server', message: /No such server/ });
  await t.rejects(c.showServersState(deadline(), 'be_nope'), { name: 'RuntimeApiError', kind: 'no-such-backend', message: /Can't find backend/ });
  await t.rejects(c.setAddr('be_noaddr', 's1', '127.0.0.1', 1, deadline()), { name: 'RuntimeApiError', kind: 'addr-config-only', message: /only supported through configuration file/ });
  await t.rejects(c.setAddr('be_app', 'node1', '127.0.0.999', undefined, deadline()), { name: 'RuntimeApiError', kind: 'invalid-addr' });
  await t.rejects(c.setState('be_app', 'node1;shutdown', 'ready', deadline()), /invalid server name/);

  const user = new RuntimeClient(parseSocketAddress(h.user));
  t.equal(await user.cliLevel(deadline()), 'user');
  await t.rejects(user.setState('be_app', 'node1', 'maint', deadline()), { name: 'RuntimeApiError', kind: 'permission-denied' });
  const overTcp = new RuntimeClient(parseSocketAddress(`ipv4@127.0.0.1:${tcp}`));
  t.equal((await overTcp.showServersState(deadline())).length, 3, 'a TCP socket');
});

t.test('no HAProxy: absent, refused, silent (a deadline, never a hang)', async (t) => {
  const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'ocfkit-hapc-'));
  const absent = new RuntimeClient(parseSocketAddress(join(dir, 'none.sock')));
  await t.rejects(absent.showServersState(deadline()), { name: 'RuntimeApiError', kind: 'absent', unreachable: true });
  const refused = new RuntimeClient(parseSocketAddress(`127.0.0.1:${await freePort()}`));
  await t.rejects(refused.showServersState(deadline()), { name: 'RuntimeApiError', kind: 'refused' });
  const sockets: Socket[] = [];
  const silent = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(join(dir, 'silent.sock'), r));
  t.teardown(() => {
    sockets.forEach((s) => s.destroy());
    silent.close();
  });
  const mute = new RuntimeClient(parseSocketAddress(join(dir, 'silent.sock')));
  const t0 = performance.now();
  await t.rejects(mute.showServersState(Deadline.after(300)), { name: 'RuntimeApiError', kind: 'timeout', message: /did not answer 'show servers state' within 300 ms/ });
  const took = performance.now() - t0;
  t.ok(took >= 290 && took < 2000, `gave up after ${Math.round(took)} ms`);
});
