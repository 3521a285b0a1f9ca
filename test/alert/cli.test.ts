import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlertEnv } from '../../lib/alert/env.ts';
import { recordLine, toRecord } from '../../lib/alert/event.ts';
import { scratch } from '../helpers/agent.ts';
import { fixtureEnv } from './helpers.ts';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'ocfkit.mjs');
const skip = !existsSync(CLI) && 'run npm run build first';
const ocfkit = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });

/** An event log in a fresh 0750 folder, as the alert agent keeps it. */
function logIn(name: string): { dir: string; log: string } {
  const dir = join(scratch(name), 'ocfkit');
  mkdirSync(dir);
  chmodSync(dir, 0o750);
  return { dir, log: join(dir, 'events.jsonl') };
}

/** One record line from a captured alert environment, as seen by `by`. */
const rec = (s: string, by: string) => recordLine(toRecord(parseAlertEnv(fixtureEnv(s)), by));

t.test('ocfkit alert install: usage mistakes exit 2 with one line', { skip }, async (t) => {
  for (const [args, msg] of [
    [['--select', 'nodes,bogus'], /--select: unknown kind 'bogus'/],
    [['--webhook', 'https://x/'], /--webhook and --secret-file go together/],
    [['--webhook-ca', '/x'], /--webhook-ca needs --webhook/],
    [['--log', 'relative.jsonl'], /--log: give an absolute path, got 'relative.jsonl'/],
    [['--verify-timeout', 'soon'], /--verify-timeout: expected a whole number/],
  ] as const) {
    const r = ocfkit(['alert', 'install', ...args]);
    t.equal(r.status, 2, args.join(' '));
    t.match(r.stderr, msg);
    t.equal(r.stderr.trim().split('\n').length, 1);
  }
  t.match(ocfkit(['alert', 'bogus']).stderr, /unknown alert command 'bogus'/);
});

t.test('ocfkit events: human lines, JSON lines, --since, de-duplicated', { skip }, async (t) => {
  const { dir, log } = logIn('cli-events');
  writeFileSync(log, rec('resource-promote', 'node1') + rec('fencing-failed-seen-by-node1', 'node1') + rec('fencing-failed-seen-by-node2', 'node2') + rec('node-lost', 'node1'));
  const human = ocfkit(['events', '--log', log]);
  t.equal(human.status, 0, human.stderr);
  t.strictSame(human.stdout.trim().split('\n').map((l) => l.slice(24, 60)), [
    'node1  resource st promote: ok',
    'node2  node lost (id 2)  [seen by no',
    'node3  fencing off: FAILED rc=-19 - ',
  ]);
  const json = ocfkit(['events', '--json', '--log', log]);
  const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines.length, 3, 'the fencing seen by both nodes once');
  t.strictSame(lines.map((l) => l.kind), ['resource', 'node', 'fencing']);
  const since = ocfkit(['events', '--json', '--log', log, '--since', '2026-11-27T11:11:00Z']);
  t.equal(since.stdout.trim().split('\n').length, 1);
  t.equal(ocfkit(['events', '--since', 'later', '--log', log]).status, 2);
  const none = ocfkit(['events', '--log', join(dir, 'none.jsonl')]);
  t.equal(none.status, 0);
  t.equal(none.stdout, '', 'no log yet: nothing, no error');
});

t.test('ocfkit events --max-bytes: only the newest bytes, across the rotated file, said on stderr', { skip }, async (t) => {
  const { log } = logIn('cli-events-max');
  const [older, lost, promote] = [rec('fencing-failed-seen-by-node1', 'node1'), rec('node-lost', 'node1'), rec('resource-promote', 'node1')];
  writeFileSync(`${log}.1`, older);
  writeFileSync(log, lost + promote);
  const kinds = (args: string[]) => {
    const r = ocfkit(['events', '--json', '--log', log, ...args]);
    return { status: r.status, stderr: r.stderr, kinds: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).kind) };
  };
  const all = kinds([]);
  t.strictSame(all.kinds.sort(), ['fencing', 'node', 'resource'], 'no budget: the rotated file too');
  t.equal(all.stderr, '');
  const last = kinds(['--max-bytes', String(Buffer.byteLength(promote) + 10)]);
  t.strictSame(last.kinds, ['resource'], 'the last line whole; the one cut by the window dropped');
  t.match(last.stderr, /only the last \d+ bytes of .*events\.jsonl were read: older events not shown/);
  const current = kinds(['--max-bytes', String(Buffer.byteLength(lost + promote))]);
  t.strictSame(current.kinds.sort(), ['node', 'resource'], 'exactly the current file: .1 left out');
  t.match(current.stderr, /older events not shown/, 'and it says so');
  t.strictSame(kinds(['--max-bytes', '1M']).kinds.sort(), ['fencing', 'node', 'resource'], '1M reaches into .1');
  for (const bad of ['0', '2x', '-5', '1.5M']) {
    const r = ocfkit(['events', '--log', log, '--max-bytes', bad]);
    t.equal(r.status, 2, `--max-bytes ${bad}`);
    t.match(r.stderr, /^ocfkit: --max-bytes: expected a size of at least 1 byte .*, got '/);
    t.equal(r.stderr.trim().split('\n').length, 1);
  }
});

t.test('ocfkit install also puts the alert agent under <prefix>/alerts, idempotently', { skip }, async (t) => {
  const prefix = scratch('cli-install');
  const first = ocfkit(['install', '--prefix', prefix]);
  t.equal(first.status, 0, first.stderr);
  t.match(first.stdout, new RegExp(`installed ${prefix}/alerts/ocfkit-alert`));
  const agent = join(prefix, 'alerts', 'ocfkit-alert');
  t.ok(lstatSync(agent).isSymbolicLink() || lstatSync(agent).isFile());
  const second = ocfkit(['install', '--prefix', prefix]);
  t.match(second.stdout, new RegExp(`unchanged ${prefix}/alerts/ocfkit-alert`));
  const run = spawnSync(agent, [], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  t.equal(run.status, 0);
  t.match(run.stderr, /^ocfkit-alert error: no CRM_alert_\* variables/, 'the installed agent runs, as the alert agent');
});

t.test('ocfkit events --follow: prints new events as they come, ends cleanly on SIGTERM', { skip }, async (t) => {
  const { spawn } = await import('node:child_process');
  const { appendFileSync } = await import('node:fs');
  const dir = join(scratch('cli-follow'), 'ocfkit');
  mkdirSync(dir);
  chmodSync(dir, 0o750);
  const log = join(dir, 'events.jsonl');
  const rec = (s: string) => recordLine(toRecord(parseAlertEnv(fixtureEnv(s)), 'node1'));
  writeFileSync(log, rec('resource-start'));
  const p = spawn(process.execPath, [CLI, 'events', '--follow', '--json', '--log', log], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  const lines = async (n: number) => {
    for (let i = 0; i < 300 && out.split('\n').filter(Boolean).length < n; i++) await new Promise((r) => setTimeout(r, 20));
  };
  await lines(1);
  appendFileSync(log, rec('resource-stop'));
  await lines(2);
  const code = new Promise<number | null>((r) => p.on('exit', r));
  p.kill('SIGTERM');
  t.equal(await code, 0);
  t.strictSame(out.trim().split('\n').map((l) => JSON.parse(l).task), ['start', 'stop']);
});
