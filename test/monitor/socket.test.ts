/**
 * The push socket against the real ClusterMonitor (its poll reads a real CIB capture through the
 * real crm_mon, CIB_file=…): de-duplication, malformed and over-long lines, many connections, and
 * hostile clients and paths.
 */
import t from 'tap';
import { chmodSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { join } from 'node:path';
import { ClusterMonitor } from '../../lib/monitor/index.ts';
import { ensureEventsDir, groupId, removeStaleSockets } from '../../lib/monitor/socket-path.ts';
import { spawn, spawnSync } from 'node:child_process';
import { cibFixture, collectingLogger, eventLine, scratchDir, send, sleep, until } from './fixtures/helpers.ts';

function monitorAt(path: string, extra: Partial<ConstructorParameters<typeof ClusterMonitor>[0]> = {}) {
  const { logger, lines } = collectingLogger();
  const m = new ClusterMonitor({
    resource: 'db-clone', node: 'node2', pollIntervalMs: 5000, socketPath: path, logger,
    env: { CIB_file: cibFixture('two-node-healthy') }, ...extra,
  });
  const events: Record<string, unknown>[] = [];
  m.on('event', (e) => events.push(e));
  return { m, events, lines };
}

t.test('the socket: 0660, group haclient, unlinked on close', async (t) => {
  const dir = scratchDir('sock');
  const path = join(dir, 'a.sock');
  const { m } = monitorAt(path);
  await m.ready;
  const st = lstatSync(path);
  t.ok(st.isSocket());
  t.equal(st.mode & 0o777, 0o660, 'mode 0660');
  const gid = groupId('haclient');
  if (gid !== null) t.equal(st.gid, gid, 'group haclient');
  t.equal(m.socketPath, path);
  await m.close();
  t.notOk(existsSync(path), 'unlinked on close');
});

t.test('de-duplication by id; several events per connection; a last line without newline', async (t) => {
  const path = join(scratchDir('dedup'), 'm.sock');
  const { m, events } = monitorAt(path);
  t.teardown(() => m.close());
  await m.ready;
  const a = eventLine({ task: 'start', interval: 0 });
  const b = eventLine({ task: 'stop', interval: 0 });
  await send(path, `${a}\n${a}\n${b}`);
  await send(path, `${a}\n`);
  await send(path, `${b}\n`);
  await until(() => events.length >= 2);
  await sleep(200);
  t.same(events.map((e) => e.task), ['start', 'stop'], 'each id once, in order');
});

t.test('malformed lines are dropped; the connection and later lines still count', async (t) => {
  const path = join(scratchDir('garbage'), 'm.sock');
  const { m, events, lines } = monitorAt(path);
  t.teardown(() => m.close());
  await m.ready;
  const good = eventLine({ task: 'promote', interval: 0 });
  const garbage = ['{', 'null', '[]', '"x"', '{"v":1}', '\u0000\u0001\u00ff', '{"v":1,"id":"zz","time":"x","kind":"node","node":"n"}', 'x'.repeat(70_000)];
  await send(path, Buffer.concat([Buffer.from(garbage.join('\n') + '\n'), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`${good}\n`)]));
  await until(() => events.length === 1, 5000, 'the good line');
  t.equal(events[0]!.task, 'promote');
  t.ok(lines.some((l) => l.msg === 'malformed pushed line dropped'), 'logged');
  t.ok(lines.filter((l) => l.msg === 'malformed pushed line dropped').length <= 1, 'once per 100, not once per line');
});

t.test('a 1 MB line is dropped without being buffered; the next line on the same connection counts', async (t) => {
  const path = join(scratchDir('long'), 'm.sock');
  const { m, events, lines } = monitorAt(path);
  t.teardown(() => m.close());
  await m.ready;
  const huge = `{"v":1,"id":"0123456789abcdef","pad":"${'p'.repeat(1024 * 1024)}"}`;
  const after = eventLine({ task: 'demote', interval: 0 });
  await send(path, `${huge}\n${after}\n`);
  await until(() => events.length === 1, 5000, 'the line after');
  t.equal(events[0]!.task, 'demote', 'the long line did not count; the next one did');
  t.ok(lines.some((l) => l.why === 'line-too-long'), 'the drop is logged');
  // exactly at the limit: 64 KiB is accepted
  const pad = 64 * 1024 - eventLine({ desc: '', task: 'start', interval: 0 }).length;
  const atLimit = eventLine({ desc: 'd'.repeat(pad), task: 'start', interval: 0 });
  t.equal(Buffer.byteLength(atLimit), 64 * 1024);
  await send(path, `${atLimit}\n`);
  await until(() => events.length === 2, 5000, 'the 64 KiB line');
});

t.test('many connections at once: every event counted, the number of open connections bounded', async (t) => {
  const path = join(scratchDir('many'), 'm.sock');
  const { m, events } = monitorAt(path, { socketLimits: { maxConnections: 64 } });
  t.teardown(() => m.close());
  await m.ready;
  const burst = Array.from({ length: 50 }, (_, i) => eventLine({ task: 'start', interval: 0, sequence: i }));
  const results = await Promise.all(burst.map((l) => send(path, `${l}\n`)));
  t.ok(results.every((r) => r === 'closed'), 'every connection served');
  await until(() => events.length === 50, 5000, '50 events');
  // 300 idle connections: beyond 64 they are closed at once; the monitor keeps serving
  const idle = Array.from({ length: 300 }, () => createConnection(path).on('error', () => {}));
  t.teardown(() => idle.forEach((s) => s.destroy()));
  await sleep(500);
  const open = idle.filter((s) => !s.destroyed && s.readyState === 'open').length;
  t.ok(open <= 64, `at most 64 held open (${open})`);
  idle.forEach((s) => s.destroy());
  await sleep(100);
  await send(path, `${eventLine({ task: 'stop', interval: 0 })}\n`);
  await until(() => events.length === 51, 5000, 'an event after the flood of connections');
});

t.test('hostile clients: slow drip and flood are cut; the monitor keeps going', async (t) => {
  const path = join(scratchDir('hostile'), 'm.sock');
  const { m, events, lines } = monitorAt(path, { socketLimits: { idleMs: 300, lifetimeMs: 1000, maxBytes: 256 * 1024 } });
  t.teardown(() => m.close());
  await m.ready;
  // a slow drip: one byte every 100 ms never idles out, but its lifetime ends
  const drip = createConnection(path);
  drip.on('error', () => {});
  const started = Date.now();
  const timer = setInterval(() => drip.write('x'), 100);
  await new Promise((r) => drip.once('close', r));
  clearInterval(timer);
  const lived = Date.now() - started;
  t.ok(lived >= 900 && lived < 3000, `slow drip cut at its lifetime (${lived} ms)`);
  // a silent client is cut at the idle timeout
  const silent = createConnection(path);
  silent.on('error', () => {});
  const s0 = Date.now();
  await new Promise((r) => silent.once('close', r));
  t.ok(Date.now() - s0 < 900, 'silent client cut when idle');
  // a flood of valid short lines beyond maxBytes: cut
  const flood = Array.from({ length: 2000 }, () => eventLine()).join('\n');
  t.match(await send(path, flood, { end: false }), /^(closed|ECONNRESET|EPIPE)$/, 'flood connection closed by the monitor');
  t.ok(lines.some((l) => l.why === 'too-many-bytes'), 'too-many-bytes logged');
  const before = events.length;
  await send(path, `${eventLine({ task: 'promote', interval: 0, node: 'node2' })}\n`);
  await until(() => events.length === before + 1, 5000, 'an event after the attacks');
  t.pass('still serving');
});

t.test('a socket path that is a symbolic link, a regular file or a live socket is refused, never replaced', async (t) => {
  const dir = scratchDir('paths');
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'precious');
  const link = join(dir, 'link.sock');
  symlinkSync(victim, link);
  const file = join(dir, 'file.sock');
  writeFileSync(file, 'data');
  const live = join(dir, 'live.sock');
  const other = createServer().listen(live);
  t.teardown(() => other.close());
  await new Promise((r) => other.once('listening', r));
  for (const [path, what] of [[link, /symbolic link/], [file, /regular file/], [live, /in use/]] as const) {
    const { m, lines } = monitorAt(path);
    await m.ready;
    t.equal(m.socketPath, null, `${path}: push off`);
    t.ok(lines.some((l) => l.msg === 'push unavailable: polling only' && what.test(String(l.error))), `says why (${what})`);
    await until(() => m.role !== 'unknown', 10_000, 'the poll still works');
    t.equal(m.role, 'standby', 'polling still tells the role');
    await m.close();
  }
  t.equal(readFileSync(victim, 'utf8'), 'precious', 'the link target is untouched');
  t.ok(lstatSync(link).isSymbolicLink(), 'the link is still there');
  t.equal(readFileSync(file, 'utf8'), 'data', 'the file is untouched');
  t.ok(statSync(live).isSocket(), 'the other listener keeps its socket');
});

t.test('a stale socket (its owner killed) at the path is replaced; stale <pid>.sock of dead processes removed', async (t) => {
  const dir = scratchDir('stale');
  const path = join(dir, 'm.sock');
  const owner = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => owner.stdout!.once('data', r));
  owner.kill('SIGKILL');
  await new Promise((r) => owner.once('exit', r));
  const st = lstatSync(path);
  t.ok(st.isSocket(), 'a dead socket file is left');
  const { m, events } = monitorAt(path);
  await m.ready;
  t.equal(m.socketPath, path, 'listening on it now');
  await send(path, `${eventLine()}\n`);
  await until(() => events.length === 1, 5000, 'an event on the new socket');
  await m.close();

  // <pid>.sock of a dead pid: removed; of a live pid, a symlink or a file named so: left alone
  const dead = join(dir, `${owner.pid}.sock`);
  const second = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(dead)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => second.stdout!.once('data', r));
  second.kill('SIGKILL');
  await new Promise((r) => second.once('exit', r));
  const mine = join(dir, `${process.pid}.sock`);
  writeFileSync(join(dir, '999999999.sock'), 'not a socket');
  symlinkSync('/etc/passwd', join(dir, '999999998.sock'));
  const alive = createServer().listen(mine);
  await new Promise((r) => alive.once('listening', r));
  t.same(removeStaleSockets(dir), [dead], 'only the dead process socket');
  t.ok(existsSync(mine) && existsSync(join(dir, '999999999.sock')) && lstatSync(join(dir, '999999998.sock')).isSymbolicLink(), 'the rest untouched');
  alive.close();
});

t.test('the events folder is created 01770 root:haclient (parents 0755) when missing, as root', { skip: process.getuid?.() === 0 ? false : 'needs root' }, async (t) => {
  const base = scratchDir('evdir');
  const dir = join(base, 'run', 'ocfkit', 'events.d');
  ensureEventsDir(dir);
  const st = statSync(dir);
  t.equal(st.mode & 0o7777, 0o1770, 'mode 01770');
  t.equal(st.uid, 0, 'owner root');
  const gid = groupId('haclient');
  if (gid !== null) t.equal(st.gid, gid, 'group haclient');
  t.equal(statSync(join(base, 'run', 'ocfkit')).mode & 0o777, 0o755, 'parent 0755');
  // an operator's own mode on an existing folder: not reset
  chmodSync(dir, 0o1750);
  ensureEventsDir(dir);
  t.equal(statSync(dir).mode & 0o7777, 0o1750, 'an existing folder is left as it is');
});

t.test('not root: a member of haclient gives the socket to the group; anyone else is told the agent cannot connect', { skip: process.getuid?.() === 0 ? false : 'needs root to switch users' }, async (t) => {
  const dir = scratchDir('asuser');
  chmodSync(dir, 0o1777);
  const script = join(import.meta.dirname, 'fixtures', 'listen-as.ts');
  for (const [user, member] of [['hacluster', true], ['nobody', false]] as const) {
    const r = spawnSync('setpriv', [`--reuid=${user}`, `--regid=${user === 'nobody' ? 'nogroup' : 'haclient'}`, '--init-groups', process.execPath, '--import', 'tsx', script, join(dir, `${user}.sock`)], {
      encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: '/tmp' }, cwd: join(import.meta.dirname, '..', '..'), timeout: 60_000,
    });
    t.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { gid: number; mode: number; warnings: string[] };
    t.equal(out.mode, 0o660, `${user}: 0660`);
    if (member) t.same([out.gid, out.warnings], [groupId('haclient'), []], 'group haclient, no warning');
    else t.match(out.warnings, [/cannot give the socket to group haclient/], 'a warning saying why');
  }
});
