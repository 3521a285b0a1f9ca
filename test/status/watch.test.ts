/**
 * --watch: a pushed event (a real unix socket, contract 3) redraws at once, before the 2 s poll;
 * off a TTY a new report is printed only when its content changed; SIGTERM/SIGINT end it with
 * the socket unlinked; stale sockets of dead pids are removed; over-long lines are dropped.
 */
import t from 'tap';
import { EventEmitter } from 'node:events';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStatus } from '../../lib/status/build.ts';
import { removeStaleSockets } from '../../lib/monitor/socket-path.ts';
import { listenForEvents } from '../../lib/status/push-socket.ts';
import { renderStatus } from '../../lib/status/render.ts';
import type { StatusReport } from '../../lib/status/report.ts';
import { contentKey, watchStatus } from '../../lib/status/watch.ts';
import { facts } from './helpers.ts';
import { SCENARIOS } from './scenarios.ts';

const base = mkdtempSync(join(tmpdir(), 'ocfkit-status-watch-'));
t.teardown(() => rmSync(base, { recursive: true, force: true }));

function send(path: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = connect(path, () => c.end(text));
    c.on('close', () => resolve());
    c.on('error', reject);
  });
}
const until = async (what: string, fn: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

t.test('push → immediate redraw; unchanged content is not printed again; SIGTERM ends it and unlinks the socket', async (t) => {
  const dir = join(base, 'events.d');
  mkdirSync(dir);
  const signals = new EventEmitter();
  let produced = 0;
  let scenario = 'start-pending';
  const writes: string[] = [];
  let socketPath = '';
  const done = watchStatus({
    produce: async () => {
      produced++;
      return buildStatus({ ...facts(SCENARIOS[scenario]!), now: Date.now() });
    },
    render: (r: StatusReport) => renderStatus(r),
    write: (s) => writes.push(s),
    tty: false,
    intervalMs: 60_000, // no poll in this test: only pushes redraw
    debounceMs: 20,
    listen: async (onEvent) => {
      const s = await listenForEvents(onEvent, join(dir, '4242.sock'));
      socketPath = s.path;
      return s;
    },
    signals,
  });
  await until('first report', () => writes.length === 1);
  t.equal(socketPath, join(dir, '4242.sock'));
  t.equal(statSync(socketPath).mode & 0o777, 0o660, 'socket 0660');
  // the same content again (only running durations advance): nothing printed
  await send(socketPath, '{"v":1}\n');
  await until('second produce', () => produced === 2);
  t.equal(writes.length, 1, 'no new report when only elapsed times changed');
  // a real change: the failover finished
  scenario = 'healthy';
  await send(socketPath, '{"v":1}\n{"v":1}\n');
  await until('changed report', () => writes.length === 2);
  t.match(writes[1], /^\nHEALTHY: /, 'the new report, after a blank line');
  signals.emit('SIGTERM');
  await done;
  t.notOk(existsSync(socketPath), 'socket unlinked');
});

t.test('no socket directory possible: polls instead, says so once', async (t) => {
  const notes: string[] = [];
  const signals = new EventEmitter();
  let produced = 0;
  const done = watchStatus({
    produce: async () => {
      produced++;
      return buildStatus(facts(SCENARIOS.healthy!));
    },
    render: (r) => renderStatus(r),
    write: () => {},
    tty: true,
    intervalMs: 50,
    listen: (onEvent) => listenForEvents(onEvent, '/etc/passwd/ocfkit/events.d/1.sock'),
    note: (l) => notes.push(l),
    signals,
  });
  await until('three polls', () => produced >= 3);
  signals.emit('SIGINT');
  await done;
  t.match(notes, [/push socket unavailable .*polling every/]);
});

t.test('a TTY redraws with a clear-screen only when the text changed', async (t) => {
  const writes: string[] = [];
  const signals = new EventEmitter();
  let produced = 0;
  const done = watchStatus({
    produce: async () => {
      produced++;
      return buildStatus(facts(SCENARIOS.healthy!));
    },
    render: (r) => renderStatus(r),
    write: (s) => writes.push(s),
    tty: true,
    intervalMs: 30,
    signals,
  });
  await until('polls', () => produced >= 3);
  signals.emit('SIGTERM');
  await done;
  t.equal(writes.length, 1, 'the same text is not redrawn');
  t.ok(writes[0]!.startsWith('\x1b[H\x1b[2J'));
});

t.test('contentKey ignores the clock, not the state', async (t) => {
  const a = buildStatus(facts({ ...SCENARIOS['start-pending']!, now: Date.parse('2026-11-27T11:22:37Z') }));
  const b = buildStatus(facts({ ...SCENARIOS['start-pending']!, now: Date.parse('2026-11-27T11:22:39Z') }));
  t.equal(contentKey(a), contentKey(b));
  t.not(contentKey(a), contentKey(buildStatus(facts(SCENARIOS.healthy!))));
});

t.test('the socket: several events per connection, over-long lines dropped, stale sockets removed', async (t) => {
  const dir = join(base, 'sock.d');
  mkdirSync(dir);
  const got: string[] = [];
  const s = await listenForEvents((l) => got.push(l), join(dir, `${process.pid}.sock`)); // this process's pid: alive
  await send(s.path, 'a\nb\n' + 'x'.repeat(70_000) + '\nc');
  await until('lines', () => got.length === 3);
  t.same(got, ['a', 'b', 'c'], 'the 70 kB line is dropped, the rest delivered');
  // a dead pid's socket is stale; a live pid's is not
  // a crashed subscriber leaves its socket behind: bound by a process that is gone
  const stalePath = join(dir, '99999999.sock');
  execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', stalePath]);
  t.ok(statSync(stalePath).isSocket());
  t.same(removeStaleSockets(dir), [stalePath], 'the dead pid\'s socket removed');
  t.notOk(existsSync(stalePath));
  t.ok(existsSync(s.path), 'our own (a live pid) kept');
  s.close();
  t.notOk(existsSync(s.path));
});
