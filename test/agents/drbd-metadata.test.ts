/** ocf:ocfkit:drbd's meta-data against the DTD and pcs, and ocf-tester against the stand-ins. */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, BUILT_AGENTS, CLEAN_PATH, runBuiltAgent, scratch, spawnClean } from '../helpers/agent.ts';

const LINBIT_PARAMETERS = [
  'drbd_resource', 'drbdconf', 'adjust_master_score', 'stop_outdates_secondary', 'ignore_missing_notifications', 'wfc_timeout',
  'remove_master_score_if_peer_primary', 'fail_promote_early_if_peer_primary', 'unfence_if_all_uptodate', 'unfence_extra_args',
  'require_drbd_module_version_ge', 'require_drbd_module_version_lt', 'connect_only_after_promote',
];

t.test('meta-data validates against ra-api-1.dtd and declares every parameter of ocf:linbit:drbd', async (t) => {
  const r = runBuiltAgent('drbd', 'meta-data', {});
  t.equal(r.code, 0);
  t.equal(r.stderr, '');
  const file = join(scratch('md'), 'drbd.xml');
  writeFileSync(file, r.stdout);
  const lint = spawnSync('xmllint', ['--noout', '--dtdvalid', '/usr/share/resource-agents/ra-api-1.dtd', file], { encoding: 'utf8' });
  t.equal(lint.status, 0, lint.stderr);
  // the same names as LINBIT's own meta-data, read from the installed agent
  const linbit = spawnSync('/usr/lib/ocf/resource.d/linbit/drbd', ['meta-data'], { encoding: 'utf8', env: { PATH: CLEAN_PATH, OCF_ROOT: '/usr/lib/ocf' } });
  const theirs = [...linbit.stdout.matchAll(/<parameter name="([^"]+)"/g)].map((m) => m[1]);
  t.same(theirs.sort(), [...LINBIT_PARAMETERS].sort(), 'the list above is LINBIT’s');
  for (const p of theirs) t.match(r.stdout, `<parameter name="${p}"`, p);
  t.match(r.stdout, '<parameter name="drbd_resource" unique="1" required="1">');
  for (const a of ['start', 'stop', 'promote', 'demote', 'notify', 'reload', 'meta-data', 'validate-all']) t.match(r.stdout, `<action name="${a}"`);
  t.match(r.stdout, '<action name="monitor" timeout="20s" interval="10s" role="Master" />');
});

t.test('pcs: describe, and create … promotable notify=true without a warning or --force', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ocfkit-pcs-drbd-'));
  const withAgents = (args: string[]) =>
    spawnSync('unshare', ['--mount', '--propagation', 'private', '--', process.execPath, join(import.meta.dirname, '..', 'haproxy', 'with-agents.mjs'), BUILT_AGENTS, 'pcs', ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
  const d = withAgents(['resource', 'describe', 'ocf:ocfkit:drbd']);
  t.equal(d.status, 0, d.stderr);
  t.equal(d.stderr.trim(), '', 'no warning about the meta-data');
  t.match(d.stdout, /drbd_resource \(required\) \(unique\)/);
  const cib = join(root, 'cib.xml');
  writeFileSync(cib, '<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>');
  const c = withAgents(['-f', cib, 'resource', 'create', 'drbd_r0', 'ocf:ocfkit:drbd', 'drbd_resource=r0', 'promotable', 'notify=true']);
  t.equal(c.status, 0, c.stderr);
  t.equal(c.stderr.trim(), '', 'no warning, no --force');
  const xml = readFileSync(cib, 'utf8');
  t.match(xml, /<clone id="drbd_r0-clone">\s*<primitive id="drbd_r0" class="ocf" type="drbd" provider="ocfkit">/);
  t.match(xml, /name="promotable" value="true"/);
  t.match(xml, /name="notify" value="true"/);
});

t.test('ocf-tester passes against the stand-ins', async (t) => {
  const F = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'drbd-vm');
  const up = `${F}/03-connected-secondary-secondary-uptodate/node1`;
  const dir = scratch('drbd-tester');
  chmodSync(dir, 0o777); // ocf-tester runs a monitor as nobody
  mkdirSync(join(dir, 'run'), { mode: 0o777 });
  const files: Record<string, string> = {
    current: `${F}/06-rebooted-peer-drbd-not-started/node2`,
    'next.up': up,
    'next.adjust': up,
    'next.secondary': up,
    'next.primary': `${F}/04-connected-primary-secondary-uptodate/node1`,
    'next.down': `${F}/06-rebooted-peer-drbd-not-started/node2`,
    calls: '',
  };
  for (const [f, v] of Object.entries(files)) {
    writeFileSync(join(dir, f), v ? v + '\n' : '');
    chmodSync(join(dir, f), 0o666);
  }
  const r = spawnClean('ocf-tester', ['-n', 'drbd_r0', '-o', 'drbd_resource=r0', '-o', 'wfc_timeout=0', agentPath('drbd')], {
    PATH: `${join(import.meta.dirname, '..', 'fixtures', 'drbd-standin')}:${CLEAN_PATH}`,
    DRBD_STANDIN: dir,
    HA_RSCTMP: join(dir, 'run'),
  });
  t.equal(r.status, 0, r.stdout + r.stderr);
  t.match(r.stdout, /passed all tests/);
  t.notMatch(r.stdout, /failed/i);
  const calls = readFileSync(join(dir, 'calls'), 'utf8');
  t.match(calls, /drbdadm -c \/etc\/drbd.conf primary r0/, 'it promoted');
  t.match(calls, /drbdadm -c \/etc\/drbd.conf down r0/, 'and stopped');
});
