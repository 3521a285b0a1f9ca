/**
 * The monitor's API as an application uses it, and what it must survive: waitUntilActive with
 * abort and close, a listener that throws, a future-dated pushed event, many unique ids, close
 * twice or before it is ready, bad options.
 */
import t from 'tap';
import { join } from 'node:path';
import { ClusterMonitor, MonitorClosedError, type RoleChange } from '../../lib/monitor/index.ts';
import { RecentIds } from '../../lib/monitor/dedup.ts';
import { cibFixture, collectingLogger, eventLine, scratchDir, send, sleep, until } from './fixtures/helpers.ts';

const healthy = { CIB_file: cibFixture('two-node-healthy') };

t.test('waitUntilActive: resolves when active, at once when already active', async (t) => {
  const { logger } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node1', pollIntervalMs: 500, socketPath: null, logger, env: healthy });
  t.teardown(() => m.close());
  t.equal(m.role, 'unknown', 'unknown before the first poll');
  await m.waitUntilActive();
  t.equal(m.role, 'active');
  // at once: before anything else the event loop runs (a wait for the next poll or role change would lose the race)
  const first = await Promise.race([m.waitUntilActive().then(() => 'resolved'), new Promise((r) => setImmediate(() => r('pending')))]);
  t.equal(first, 'resolved', 'already active: resolves at once');
});

t.test('waitUntilActive on a standby node: aborted by its signal, rejected by close', async (t) => {
  const { logger } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node2', pollIntervalMs: 500, socketPath: null, logger, env: healthy });
  const ac = new AbortController();
  const waiting = m.waitUntilActive(ac.signal);
  await until(() => m.role === 'standby', 15_000, 'standby');
  ac.abort(new Error('shutting down'));
  await t.rejects(waiting, /shutting down/, 'abort rejects with the reason');
  const second = m.waitUntilActive();
  await m.close();
  await t.rejects(second, MonitorClosedError, 'close rejects pending waits');
  await t.rejects(m.waitUntilActive(), MonitorClosedError, 'and later ones');
  t.equal(m.listenerCount('role'), 0, 'no listener left behind');
  await m.close();
  t.pass('close twice is fine');
});

t.test('a listener that throws is logged; the monitor and the other listeners go on', async (t) => {
  const dir = scratchDir('throw');
  const path = join(dir, 'm.sock');
  const { logger, lines } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node2', pollIntervalMs: 500, socketPath: path, logger, env: healthy });
  t.teardown(() => m.close());
  const seen: RoleChange[] = [];
  m.on('role', () => {
    throw new Error('application bug');
  });
  m.on('role', (c) => seen.push(c));
  m.on('event', () => {
    throw new Error('another bug');
  });
  await until(() => seen.length === 1, 15_000, 'the first role');
  await send(path, `${eventLine({ node: 'node2' })}\n`);
  await until(() => lines.some((l) => l.msg === 'a monitor listener threw' && l.event === 'event'), 5000, 'the event listener error logged');
  t.ok(lines.some((l) => l.msg === 'a monitor listener threw' && l.event === 'role' && l.error === 'application bug'));
  await send(path, `${eventLine({ node: 'node2', resource: 'db', task: 'promote', interval: 0 })}\n`);
  await until(() => seen.length === 2, 5000, 'the next role change still delivered');
  t.equal(seen[1]!.role, 'active');
});

t.test('a pushed event dated in the future changes nothing (it would silence the polls)', async (t) => {
  const dir = scratchDir('future');
  const path = join(dir, 'm.sock');
  const { logger } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node2', pollIntervalMs: 300, socketPath: path, logger, env: healthy });
  t.teardown(() => m.close());
  const changes: RoleChange[] = [];
  m.on('role', (c) => changes.push(c));
  await until(() => m.role === 'standby', 15_000, 'standby');
  await send(path, `${eventLine({ node: 'node2', resource: 'db', task: 'promote', interval: 0 }, new Date(Date.now() + 3_600_000))}\n`);
  await sleep(1000);
  t.same(changes.map((c) => c.role), ['standby'], 'an event an hour ahead is not believed');
});

t.test('de-duplication memory is bounded', async (t) => {
  const ids = new RecentIds(4096);
  for (let i = 0; i < 100_000; i++) ids.add(i.toString(16).padStart(16, '0'));
  t.equal(ids.size, 4096);
  t.equal(ids.add((99_999).toString(16).padStart(16, '0')), false, 'a recent id is still known');
  t.equal(ids.add((0).toString(16).padStart(16, '0')), true, 'the oldest was forgotten');
});

t.test('close before ready: nothing left listening', async (t) => {
  const dir = scratchDir('early');
  const path = join(dir, 'm.sock');
  const { logger } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node2', pollIntervalMs: 300, socketPath: path, logger, env: healthy });
  await m.close();
  await sleep(300);
  t.equal(m.worker, null, 'no worker');
  t.equal(m.socketPath, null, 'no socket');
  t.notOk((await import('node:fs')).existsSync(path), 'no socket file');
});

t.test('bad options are a TypeError at once', async (t) => {
  t.throws(() => new ClusterMonitor({ resource: '', pollIntervalMs: 1000 }), TypeError);
  t.throws(() => new ClusterMonitor({ resource: 'x', pollIntervalMs: 0 }), /pollIntervalMs/);
  t.throws(() => new ClusterMonitor({ resource: 'x', pollIntervalMs: Number.NaN }), /pollIntervalMs/);
});
