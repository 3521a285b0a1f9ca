/**
 * `ocfkit watch` as built (dist/cli/ocfkit.mjs with its worker dist/cli/monitor-worker.mjs),
 * against a real CIB capture read by the real crm_mon (CIB_file): role and event lines, JSON
 * lines, hostile text in events made harmless, SIGTERM/SIGINT close with the socket unlinked,
 * bad option values exit 2 with one line.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cibFixture, eventLine, ROOT, scratchDir, send, until } from './fixtures/helpers.ts';

const CLI = join(ROOT, 'dist', 'cli', 'ocfkit.mjs');
const built = existsSync(CLI) && existsSync(join(ROOT, 'dist', 'cli', 'monitor-worker.mjs'));

function start(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'watch', ...args], { env: { PATH: process.env.PATH!, CIB_file: cibFixture('two-node-healthy') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}

t.test('human lines; hostile text in an event cannot reach the terminal; SIGTERM closes cleanly', { skip: built ? false : 'dist/ not built' }, async (t) => {
  const path = join(scratchDir('watch'), 'w.sock');
  const w = start(['--resource', 'db-clone', '--node', 'node2', '--interval', '500', '--socket', path]);
  await until(() => /role unknown -> standby \(poll: active on node1\)/.test(w.out()), 20_000, 'the role line');
  await send(path, `${eventLine({ node: 'node2', resource: 'db', task: 'promote', interval: 0, desc: 'ok\u001b[2J\u001b]0;pwned\u0007\r\nrole fake' })}\n`);
  await until(() => /role standby -> active \(push: promote of db on node2\)/.test(w.out()), 10_000, 'the push line');
  t.match(w.out(), /event resource promote db on node2 rc=0 \(ok\?\[2J\?\]0;pwned\?\?\?role fake\)/, 'control characters shown as ?');
  t.notMatch(w.out(), /\u001b/, 'no escape character on stdout');
  t.equal(w.out().split('\n').filter((l) => l.startsWith('role fake')).length, 0, 'no forged line');
  w.child.kill('SIGTERM');
  t.equal(await w.exited, 0, 'exit 0 on SIGTERM');
  t.notOk(existsSync(path), 'socket unlinked');
  t.match(w.err(), /"msg":"closing"/, 'pino JSON logs on stderr');
});

t.test('--json: one JSON object per line; SIGINT closes', { skip: built ? false : 'dist/ not built' }, async (t) => {
  const path = join(scratchDir('watchj'), 'w.sock');
  const w = start(['--json', '--resource', 'db-clone', '--node', 'node1', '--interval', '500', '--socket', path]);
  await until(() => w.out().includes('"type":"role"'), 20_000, 'a role line');
  await send(path, `${eventLine({ node: 'node1' })}\n`);
  await until(() => w.out().includes('"type":"event"'), 10_000, 'an event line');
  w.child.kill('SIGINT');
  t.equal(await w.exited, 0);
  const lines = w.out().trim().split('\n').map((l) => JSON.parse(l));
  t.match(lines[0], { type: 'role', role: 'active', previous: 'unknown', source: 'poll' });
  t.match(lines.find((l) => l.type === 'event'), { type: 'event', at: Number, event: { kind: 'resource', node: 'node1' } });
  t.notOk(existsSync(path));
});

t.test('bad values: exit 2, one line', { skip: built ? false : 'dist/ not built' }, async (t) => {
  for (const args of [['--interval', 'abc'], ['--interval', '5'], ['--resource']]) {
    const r = spawnSync(process.execPath, [CLI, 'watch', ...args], { encoding: 'utf8', timeout: 20_000 });
    t.equal(r.status, 2, args.join(' '));
    t.equal(r.stderr.trim().split('\n').length, 1, r.stderr.trim());
  }
});
