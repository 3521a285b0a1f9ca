/** Second attack pass on the alert agent: each test failed on the code before its fix. */
import t from 'tap';
import { createServer, type Server, type Socket } from 'node:net';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlertEnv } from '../../lib/alert/env.ts';
import { parseEventLine, recordLine, toRecord, type AlertEventRecord } from '../../lib/alert/event.ts';
import { appendLine } from '../../lib/alert/log-writer.ts';
import { runAlert } from '../../lib/alert/agent.ts';
import { createLogger } from '../../lib/log/logger.ts';
import { pushEvent } from '../../lib/alert/push.ts';
import { followEvents } from '../../lib/alert/reader.ts';
import { scratch } from '../helpers/agent.ts';
import { fixtureEnv } from './helpers.ts';

const rec = (usec: number, over: Record<string, string> = {}) =>
  toRecord(parseAlertEnv({ ...fixtureEnv('resource-monitor-ok'), CRM_alert_timestamp_usec: String(usec), ...over }), 'node1');

function logDir(name: string): string {
  const dir = join(scratch(name), 'ocfkit');
  mkdirSync(dir, { mode: 0o750 });
  chmodSync(dir, 0o750);
  return dir;
}

t.test('a rotation that fails (a folder where a rotated file goes) still appends the event', async (t) => {
  const path = join(logDir('atk-rot'), 'events.jsonl');
  const filler = recordLine(rec(1));
  writeFileSync(path, filler.repeat(Math.ceil((64 * 1024) / filler.length) + 1));
  mkdirSync(`${path}.2`); // keep=1: .2 must go, and unlink(folder) fails
  const mine = recordLine(rec(2));
  const r = await appendLine(path, mine, { maxBytes: 64 * 1024, keep: 1 });
  t.equal(r.rotated, false);
  t.match(r.rotateError, /events\.jsonl\.2/, 'the failure is reported, naming the file');
  t.ok(readFileSync(path, 'utf8').endsWith(mine), 'the event is in the log all the same');
});

function listen(path: string, onConn: (s: Socket) => void): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(onConn);
    server.listen(path, () => resolve(server));
  });
}

t.test('stale sockets left by killed subscribers neither starve a live one nor flood the log', async (t) => {
  const d = scratch('atk-stale');
  const sub = join(d, 'events.d');
  mkdirSync(sub);
  // 300 bound-then-closed sockets: what SIGKILLed subscribers leave behind
  const py = spawnSync('python3', ['-c', `import socket\nfor i in range(300):\n  s=socket.socket(socket.AF_UNIX); s.bind("${sub}/a%03d.sock" % i); s.close()`], { timeout: 30_000 });
  t.equal(py.status, 0);
  let got = '';
  const live = await listen(join(sub, 'zz-live.sock'), (s) => {
    s.on('data', (c) => (got += c));
  });
  t.teardown(() => live.close());
  const started = Date.now();
  const results = await pushEvent(join(d, 'events.sock'), '{"x":1}\n', 1000); // generous: 300 refusals take ~25 ms
  t.ok(Date.now() - started < 2500, 'bounded');
  await new Promise((r) => setTimeout(r, 50));
  t.equal(got, '{"x":1}\n', 'the live subscriber got the event');
  t.equal(results.filter((r) => r.outcome === 'timeout' || r.outcome === 'error').length, 0, 'no warning per stale socket');
});

t.test('followEvents: a multi-byte character across a 64 KiB read boundary is not mangled', async (t) => {
  const path = join(logDir('atk-utf8'), 'events.jsonl');
  writeFileSync(path, '');
  const ac = new AbortController();
  const got: AlertEventRecord[] = [];
  const done = (async () => {
    for await (const e of followEvents({ path, signal: ac.signal, intervalMs: 20 })) got.push(e);
  })();
  await new Promise((r) => setTimeout(r, 50));
  // lines of 'é' (2 bytes in UTF-8) until one straddles byte 65536
  let text = '';
  const want: string[] = [];
  for (let i = 0; Buffer.byteLength(text) < 70_000; i++) {
    const r = rec(100 + i, { CRM_alert_desc: (i % 2 ? 'é' : 'xé').repeat(1500) });
    want.push((r as { desc: string }).desc);
    text += recordLine(r);
  }
  appendFileSync(path, text);
  for (let i = 0; i < 200 && got.length < want.length; i++) await new Promise((r) => setTimeout(r, 10));
  ac.abort();
  await done;
  t.equal(got.length, want.length);
  t.strictSame(got.map((e) => (e as { desc: string }).desc), want, 'every description as written');
  t.ok(got.every((e) => parseEventLine(JSON.stringify(e))));
});

t.test('a log whose start a crash left as a hole of NULs is appended to, not refused for ever', async (t) => {
  const path = join(logDir('atk-hole'), 'events.jsonl');
  writeFileSync(path, Buffer.alloc(4096), { mode: 0o600 }); // size committed, data not: all NULs
  const mine = recordLine(rec(3));
  const r = await appendLine(path, mine, { maxBytes: 1024 * 1024, keep: 1 });
  t.equal(r.repaired, true, 'a new line is started after the hole');
  t.ok(readFileSync(path, 'utf8').endsWith(`\n${mine}`));
  // a short hole before a record, too
  writeFileSync(path, Buffer.concat([Buffer.alloc(3), Buffer.from(recordLine(rec(4)))]));
  await t.resolves(appendLine(path, mine, { maxBytes: 1024 * 1024, keep: 1 }));
  // and still no other file
  writeFileSync(path, Buffer.concat([Buffer.alloc(3), Buffer.from('root:x:0:0::/root:/bin/sh\n')]));
  await t.rejects(appendLine(path, mine, { maxBytes: 1024 * 1024, keep: 1 }), /not an ocfkit event log/);
});

t.test('followEvents: two rotations between two looks lose no event', async (t) => {
  const path = join(logDir('atk-2rot'), 'events.jsonl');
  writeFileSync(path, recordLine(rec(1)));
  const ac = new AbortController();
  const got: AlertEventRecord[] = [];
  const done = (async () => {
    for await (const e of followEvents({ path, signal: ac.signal, intervalMs: 300 })) got.push(e);
  })();
  for (let i = 0; i < 100 && got.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
  // all within one poll interval: A, rotate, B, rotate, C (what the writer does with keep=2)
  appendFileSync(path, recordLine(rec(2)));
  renameSync(path, `${path}.1`);
  writeFileSync(path, recordLine(rec(3)));
  renameSync(`${path}.1`, `${path}.2`);
  renameSync(path, `${path}.1`);
  writeFileSync(path, recordLine(rec(4)));
  for (let i = 0; i < 200 && got.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
  ac.abort();
  await done;
  t.strictSame(got.map((e) => e.time.slice(-3, -1)).sort(), ['01', '02', '03', '04']);
});

t.test('a timestamp up to the documented year 9999 is a whole number, not refused as garbage', async (t) => {
  const env = fixtureEnv('resource-monitor-ok');
  t.equal(parseAlertEnv({ ...env, CRM_alert_timestamp_epoch: '253402300799' }).epoch, 253402300799);
  t.equal(rec(5, { CRM_alert_timestamp_epoch: '253402300799' }).time, '9999-12-31T23:59:59.000005Z');
  t.throws(() => parseAlertEnv({ ...env, CRM_alert_timestamp_epoch: '253402300800' }), /CRM_alert_timestamp_epoch: out of range/);
});

t.test('the agent: subscribers beyond the cap cost one warning line, not one each', async (t) => {
  const root = scratch('atk-flood');
  const dir = join(root, 'lib');
  mkdirSync(dir, { mode: 0o750 });
  chmodSync(dir, 0o750);
  mkdirSync(join(root, 'run', 'events.d'), { recursive: true });
  const servers = await Promise.all(Array.from({ length: 80 }, (_, i) => listen(join(root, 'run', 'events.d', `${i}.sock`), (c) => c.resume())));
  t.teardown(() => servers.forEach((s) => s.close()));
  const lines: string[] = [];
  const log = createLogger({ name: 'ocfkit-alert', sink: (l) => lines.push(l) });
  const report = await runAlert({ ...fixtureEnv('resource-promote'), log: join(dir, 'events.jsonl'), socket: join(root, 'run', 'events.sock') }, { log, hostname: 'node1' });
  t.equal(report.outcome, 'done');
  t.equal(report.pushed.filter((r) => r.outcome === 'sent').length, 64);
  t.equal(lines.length, 1, 'one line');
  t.match(lines[0], /16 subscriber socket\(s\) skipped/);
});
