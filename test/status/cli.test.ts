/**
 * The built CLI on this machine (no cluster running here): `ocfkit status` prints a report
 * anyway (verdict unknown, one line per missing source), exits 3, never a stack; `--json` is the
 * schema; colour only on a TTY (a real pty through script(1)) and never with NO_COLOR; a bad
 * --resource is a usage error (exit 2, one line).
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CLEAN_PATH, ROOT, spawnClean } from '../helpers/agent.ts';

const CLI = join(ROOT, 'dist', 'cli', 'ocfkit.mjs');
const ocfkit = (args: string[], env: Record<string, string> = {}) => spawnClean(process.execPath, [CLI, ...args], { PATH: CLEAN_PATH, ...env }, 60_000);
const clusterUp = ((): boolean => {
  try {
    execFileSync('crm_mon', ['-1'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
})();

t.test('one shot with the cluster down: the report, exit 3, no stack, no escape codes off a TTY', { skip: clusterUp ? 'a cluster runs on this host' : false }, async (t) => {
  const r = ocfkit(['status', '--event-log', '/nonexistent/events.jsonl']);
  t.equal(r.status, 3, r.stderr);
  t.equal(r.stderr, '');
  t.match(r.stdout, /^UNKNOWN: the cluster is not running on this node/);
  t.match(r.stdout, /\n! crm_mon: the cluster is not running here \(crm_mon exit 102: /);
  t.match(r.stdout, /\n! event log: \/nonexistent\/events\.jsonl: not found/);
  t.notMatch(r.stdout, /\x1b|\n\s+at /);
  t.same(r.stdout.split('\n').filter((l) => [...l].length > 80), []);
  const j = ocfkit(['status', '--json']);
  t.equal(j.status, 3);
  t.match(JSON.parse(j.stdout), { schema: 'ocfkit-status/1', verdict: { state: 'unknown' }, cluster: { running: false } });
});

t.test('colour only on a TTY, and not with NO_COLOR', { skip: clusterUp ? 'a cluster runs on this host' : false }, async (t) => {
  const tty = (env: Record<string, string>) =>
    spawnClean('/usr/bin/script', ['-qec', `${process.execPath} ${CLI} status`, '/dev/null'], { PATH: CLEAN_PATH, TERM: 'xterm', ...env }, 60_000).stdout;
  t.match(tty({}), /\x1b\[/, 'a TTY gets colour');
  t.notMatch(tty({ NO_COLOR: '1' }), /\x1b\[/, 'NO_COLOR: none');
});

t.test('usage mistakes are one line, exit 2', async (t) => {
  for (const args of [['status', '--resource', 'bogus=x'], ['status', '--resource', 'clone=a b'], ['status', '--timeout', '0'], ['status', '--bogus']]) {
    const r = ocfkit(args);
    t.equal(r.status, 2, args.join(' '));
    t.match(r.stderr, /^ocfkit: [^\n]+\n$/);
    t.equal(r.stdout, '');
  }
});
