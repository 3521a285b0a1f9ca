/**
 * `ocfkit cib render` as an operator runs it: defaults, --lab, --vars, --variant, the restore
 * window options, every --format, --out (atomic, no temporary left), and one-line errors with
 * the documented exit codes.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCib, EXAMPLE_VARS, LAB_VARS } from '../../lib/cib/render.ts';
import { ROOT, tempDir } from './helpers.ts';

function ocfkit(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/bin.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('render: the example values by default, the lab with --lab, every format', async (t) => {
  const xml = ocfkit(['cib', 'render']);
  t.equal(xml.code, 0, xml.stderr);
  t.equal(xml.stdout, renderCib(EXAMPLE_VARS, { variant: 'cold' }).xml);
  const lab = ocfkit(['cib', 'render', '--lab', '--variant', 'hot', '--format', 'pcs']);
  t.equal(lab.code, 0, lab.stderr);
  t.equal(lab.stdout, renderCib(LAB_VARS, { variant: 'hot' }).pcs);
  const conf = ocfkit(['cib', 'render', '--lab', '--format', 'configuration', '--restore-window', '0 22 * * 6', '--restore-length', '4h']);
  t.equal(conf.stdout, renderCib(LAB_VARS, { variant: 'cold', restoreWindow: { start: '0 22 * * 6', length: '4h' } }).configuration);
  const coro = ocfkit(['cib', 'render', '--lab', '--format', 'corosync']);
  t.match(coro.stdout, /token: 1000\n/);
});

t.test('render --vars FILE --out FILE: atomic, no temporary left, same bytes as stdout', async (t) => {
  const dir = tempDir(t);
  const vars = join(dir, 'site.vars.json');
  writeFileSync(vars, JSON.stringify({ ...LAB_VARS, cluster_name: 'site' }));
  const out = join(dir, 'out', 'stack.xml');
  const r = ocfkit(['cib', 'render', '--vars', vars, '--variant', 'hot', '--out', out]);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, '');
  t.equal(readFileSync(out, 'utf8'), ocfkit(['cib', 'render', '--vars', vars, '--variant', 'hot']).stdout);
  t.same(readdirSync(join(dir, 'out')), ['stack.xml']);
  t.equal(statSync(out).mode & 0o777, 0o644);
  // A plain password among the fence parameters: the file is the owner's only.
  writeFileSync(vars, JSON.stringify({ ...EXAMPLE_VARS, fence: { ...EXAMPLE_VARS.fence, params: { alpha: { password: 'x' }, beta: {} } } }));
  t.equal(ocfkit(['cib', 'render', '--vars', vars, '--format', 'pcs', '--out', out]).code, 0);
  t.equal(statSync(out).mode & 0o777, 0o600);
});

t.test('errors: one line, naming the file and the variable; 1 for bad vars, 2 for usage', async (t) => {
  const dir = tempDir(t);
  const vars = join(dir, 'bad.json');
  writeFileSync(vars, JSON.stringify({ ...LAB_VARS, vip: { ...LAB_VARS.vip, cidr_netmask: 40 } }));
  const bad = ocfkit(['cib', 'render', '--vars', vars]);
  t.equal(bad.code, 1);
  t.equal(bad.stderr, `ocfkit: ${vars}: vip.cidr_netmask: must be between 1 and 32, got 40\n`);
  t.equal(bad.stdout, '');
  const window = ocfkit(['cib', 'render', '--restore-window', '30 2 * * *', '--restore-length', '2h']);
  t.equal(window.code, 2);
  t.match(window.stderr, /^ocfkit: --restore-window: restore_window\.start: the minute field must be 0/);
  const half = ocfkit(['cib', 'render', '--restore-window', '0 2 * * *']);
  t.equal(half.code, 2);
  t.match(half.stderr, /go together/);
  const format = ocfkit(['cib', 'render', '--format', 'yaml']);
  t.equal(format.code, 2);
  t.match(format.stderr, /format/);
  const both = ocfkit(['cib', 'render', '--lab', '--vars', vars]);
  t.equal(both.code, 2);
  const missing = ocfkit(['cib', 'render', '--vars', join(dir, 'none.json')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /none\.json: cannot read: ENOENT/);
  const unwritable = ocfkit(['cib', 'render', '--out', '/proc/version/x']);
  t.equal(unwritable.code, 1);
  t.match(unwritable.stderr, /^ocfkit: cannot write \/proc\/version\/x: /);
  for (const r of [bad, window, half, format, missing, unwritable]) t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
