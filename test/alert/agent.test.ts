import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { runAlert } from '../../lib/alert/agent.ts';
import { readEvents, readEventsWithStats } from '../../lib/alert/reader.ts';
import { createLogger } from '../../lib/log/logger.ts';
import { scratch } from '../helpers/agent.ts';
import { fixtureEnv } from './helpers.ts';
import { makeCert, receiver } from './tls.ts';

const DIST_ALERT = join(import.meta.dirname, '..', '..', 'dist', 'alerts', 'ocfkit-alert');

function setup(name: string) {
  const root = scratch(name);
  const dir = join(root, 'lib');
  mkdirSync(dir, { mode: 0o750 });
  chmodSync(dir, 0o750);
  mkdirSync(join(root, 'run'));
  const lines: string[] = [];
  const log = createLogger({ name: 'ocfkit-alert', sink: (l) => lines.push(l) });
  return { root, dir, path: join(dir, 'events.jsonl'), socket: join(root, 'run', 'events.sock'), lines, log };
}

t.test('one event: the log line, the subscriber, nothing on stderr', async (t) => {
  const s = setup('agent-ok');
  const got: string[] = [];
  const server = createServer((c: Socket) => c.on('data', (d) => got.push(String(d))));
  await new Promise<void>((r) => server.listen(s.socket, r));
  t.teardown(() => server.close());
  const report = await runAlert({ ...fixtureEnv('resource-promote'), log: s.path, socket: s.socket }, { log: s.log, hostname: 'node1' });
  t.equal(report.outcome, 'done');
  t.strictSame(s.lines, []);
  const [e] = readEvents({ path: s.path });
  t.match(e, { kind: 'resource', resource: 'st', task: 'promote', seenBy: 'node1' });
  await new Promise((r) => setTimeout(r, 50));
  t.equal(got.join(''), `${JSON.stringify(e)}\n`, 'the subscriber got the same line');
});

t.test('garbage or missing variables: one clear line, nothing written', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{}, /no CRM_alert_\* variables: not run by Pacemaker/],
    [Object.fromEntries(Object.entries(fixtureEnv('resource-start')).filter(([k]) => !k.startsWith('CRM_alert_'))), /no CRM_alert_\* variables/],
    [{ ...fixtureEnv('resource-start'), CRM_alert_rc: '\u001b[31mred' }, /alert ignored: CRM_alert_rc: not a whole number: "\\u001b\[31mred" \(nothing written\)/],
    [{ ...fixtureEnv('resource-start'), CRM_alert_kind: 'x'.repeat(100_000) }, /alert ignored: CRM_alert_kind: unknown kind "x{40}…"/],
    [{ ...fixtureEnv('resource-start'), max_bytes: 'lots' }, /alert not configured right: option max_bytes: expected a whole number/],
    [{ ...fixtureEnv('resource-start'), webhook_url: 'http://example.com/' }, /option webhook_url: only https:\/\/ is allowed/],
    [{ ...fixtureEnv('resource-start'), webhook_url: 'https://example.com/' }, /option secret_file: required with webhook_url/],
    [{ ...fixtureEnv('resource-start'), log: 'relative/events.jsonl' }, /option log: not an absolute path/],
  ];
  for (const [env, expected] of cases) {
    const s = setup('agent-garbage');
    const report = await runAlert({ log: s.path, socket: s.socket, ...env }, { log: s.log, hostname: 'node1' });
    t.equal(report.outcome, 'rejected');
    t.equal(s.lines.length, 1, 'one line');
    t.match(s.lines[0], expected);
    t.ok(s.lines[0]!.length < 300, 'a short line, whatever the input size');
    t.strictSame(readdirSync(s.dir), [], 'nothing written');
  }
});

t.test('an unusable log path: one error line naming it, the push still happens', async (t) => {
  const s = setup('agent-badlog');
  spawnSync('mkfifo', [join(s.dir, 'fifo.jsonl')]);
  symlinkSync('/etc/passwd', join(s.dir, 'link.jsonl'));
  for (const [file, why] of [['fifo.jsonl', /not a regular file/], ['link.jsonl', /is a symbolic link: refused/]] as const) {
    s.lines.length = 0;
    const began = Date.now();
    const report = await runAlert({ ...fixtureEnv('node-lost'), log: join(s.dir, file), socket: s.socket }, { log: s.log, hostname: 'node1' });
    t.equal(report.outcome, 'done');
    t.equal(s.lines.length, 1);
    t.match(s.lines[0], new RegExp(`error: event [0-9a-f]{16} not written to the event log: .*${file}: ${why.source}`));
    t.ok(Date.now() - began < 1000);
  }
  t.notMatch(readFileSync('/etc/passwd', 'utf8'), /"kind"/);
});

t.test('the webhook: delivered signed; the secret never in a line; an unreachable one stays inside the budget', async (t) => {
  const cert = makeCert();
  const r = await receiver(cert, (_req, res) => res.end());
  t.teardown(() => r.server.close());
  const s = setup('agent-hook');
  const secret = join(s.root, 'secret');
  writeFileSync(secret, 'topsecret\n', { mode: 0o600 });
  const env = { ...fixtureEnv('fencing-reboot-ok'), log: s.path, socket: s.socket, webhook_url: r.url, secret_file: secret, webhook_ca: cert.certFile };
  const ok = await runAlert(env, { log: s.log, hostname: 'node1' });
  t.equal(ok.webhook?.ok, true);
  t.equal(r.received.length, 1);
  t.equal(r.received[0]!.body, readFileSync(s.path, 'utf8').trimEnd(), 'the body is the log line');
  chmodSync(secret, 0o644);
  const loose = await runAlert(env, { log: s.log, hostname: 'node1' });
  t.equal(loose.webhook, null);
  t.match(s.lines.join('\n'), /not delivered to webhook https:\/\/127\.0\.0\.1:\d+\/hook: secret file .*mode 644\): refused/);
  t.notMatch(s.lines.join('\n'), /topsecret/);
  chmodSync(secret, 0o600);
  s.lines.length = 0;
  const began = Date.now();
  const down = await runAlert({ ...env, webhook_url: 'https://127.0.0.1:1/hook?token=abc' }, { log: s.log, hostname: 'node1', budgetMs: 2000 });
  const took = Date.now() - began;
  t.ok(took < 2000, `unreachable: over in ${took} ms of a 2000 ms budget`);
  t.equal(down.webhook?.attempts.length, 3);
  t.match(s.lines[0], /not delivered to webhook https:\/\/127\.0\.0\.1:1\/hook after 3 attempt\(s\): ECONNREFUSED/);
  t.notMatch(s.lines.join('\n'), /token=abc|topsecret/, 'neither the query string nor the secret');
  t.equal(readEvents({ path: s.path }).length, 1, 'the log has the event once (same id each run)');
  t.equal(readEventsWithStats({ path: s.path }).stats.duplicates, 2);
});

t.test('a run that started late (Node slow to start under a burst): the line is still written, the webhook skipped', async (t) => {
  const s = setup('agent-late');
  const secret = join(s.root, 'secret');
  writeFileSync(secret, 'k\n', { mode: 0o600 });
  const report = await runAlert(
    { ...fixtureEnv('node-member'), log: s.path, socket: s.socket, webhook_url: 'https://127.0.0.1:1/hook', secret_file: secret },
    { log: s.log, hostname: 'node1', startedAt: process.uptime() * 1000 - 60_000 },
  );
  t.equal(report.outcome, 'done');
  t.equal(readEvents({ path: s.path }).length, 1, 'the event is in the log');
  t.strictSame(report.webhook?.attempts, [], 'no webhook attempt past the budget');
  t.match(s.lines.join('\n'), /not delivered to webhook .* after 0 attempt\(s\): no time left/);
});

t.test('the built executable: exit 0 always; killed at any moment, the log stays parseable', { skip: !existsSync(DIST_ALERT) && 'run npm run build first' }, async (t) => {
  const s = setup('agent-exe');
  const env = { ...fixtureEnv('resource-monitor-ok'), log: s.path, socket: s.socket, PATH: '/usr/bin:/bin' };
  const garbage = spawnSync(DIST_ALERT, [], { env: { PATH: '/usr/bin:/bin', CRM_alert_kind: 'nonsense' }, encoding: 'utf8' });
  t.equal(garbage.status, 0);
  t.equal(garbage.stderr.trim().split('\n').length, 1);
  t.match(garbage.stderr, /^ocfkit-alert error: alert ignored: CRM_alert_kind: unknown kind "nonsense"/);
  // bytes that are no UTF-8 (Pacemaker copies CIB and agent text as bytes): one valid JSON line
  const weird = spawnSync('python3', ['-c', `import os,sys; env={k.encode():v.encode() for k,v in ${JSON.stringify(env).replace(/"/g, "'")}.items()}; env[b'CRM_alert_desc']=b'bad \\xff\\xfe \\xed\\xa0\\x80 \\xc0\\xaf end'; os.execve(sys.argv[1], [sys.argv[1]], env)`, DIST_ALERT], { encoding: 'utf8' });
  t.equal(weird.status, 0, weird.stderr);
  t.equal(weird.stderr, '');
  const [w] = readEvents({ path: s.path });
  t.match((w as { desc: string }).desc, /^bad \uFFFD.* end$/u, 'invalid bytes become U+FFFD, the line stays JSON');
  const runs = 40;
  const killed = await Promise.all(
    Array.from({ length: runs }, (_, i) =>
      new Promise<number | null>((resolve) => {
        const p = spawn(DIST_ALERT, [], { env: { ...env, CRM_alert_timestamp_usec: String(i) }, stdio: 'ignore' });
        const timer = setTimeout(() => p.kill('SIGKILL'), 20 + ((i * 7) % 60));
        p.on('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      }),
    ),
  );
  const finished = killed.filter((c) => c === 0).length;
  const { events, stats } = readEventsWithStats({ path: s.path });
  t.comment(`${finished} of ${runs} finished before SIGKILL; ${events.length} lines in the log`);
  t.equal(stats.skipped, 0, 'no broken line');
  t.ok(events.length >= finished, 'every run that finished wrote its line');
});

t.test('run by hand as root: what it creates is hacluster\'s, so Pacemaker\'s runs can still write', { skip: process.getuid?.() !== 0 && 'needs root' }, async (t) => {
  const { statSync } = await import('node:fs');
  const { haclusterOwner } = await import('../../lib/alert/agent.ts');
  const ids = haclusterOwner();
  t.ok(ids, 'hacluster exists (Pacemaker is installed)');
  if (!ids) return;
  const s = setup('agent-root');
  const path = join(s.root, 'new', 'events.jsonl');
  await runAlert({ ...fixtureEnv('resource-start'), log: path, socket: s.socket }, { log: s.log, hostname: 'node1' });
  t.strictSame(s.lines, []);
  for (const p of [join(s.root, 'new'), path]) t.strictSame([statSync(p).uid, statSync(p).gid], [ids.uid, ids.gid], `${p} is hacluster:haclient`);
  t.equal(statSync(join(s.root, 'new')).mode & 0o777, 0o750);
  // and root can still append there afterwards
  await runAlert({ ...fixtureEnv('resource-stop'), log: path, socket: s.socket }, { log: s.log, hostname: 'node1' });
  t.strictSame(s.lines, []);
  t.equal(readEvents({ path }).length, 2);
});
