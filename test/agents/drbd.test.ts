/**
 * ocf:ocfkit:drbd, the built agent run as Pacemaker runs it, against the stand-in drbdadm,
 * drbdsetup and crm_attribute of test/fixtures/drbd-standin (real captures of DRBD 8.4.11).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentPath, CLEAN_PATH, runBuiltAgent, scratch, spawnClean } from '../helpers/agent.ts';
import { DRBD_CLONE_ENV } from '../helpers/drbd.ts';

const STANDIN = join(import.meta.dirname, '..', 'fixtures', 'drbd-standin');
const CONF = join(import.meta.dirname, '..', 'fixtures', 'drbd-conf');

/** validate-all at OCF_CHECK_LEVEL 10 in a UTS namespace whose host name is `host` (unshare -u; root). */
function inHost(host: string, env: Record<string, string>, params: Record<string, string>, extra: Record<string, string> = {}) {
  const full: Record<string, string> = { ...env, OCF_ROOT: '/usr/lib/ocf', OCF_CHECK_LEVEL: '10', ...extra };
  for (const [k, v] of Object.entries(params)) full[`OCF_RESKEY_${k}`] = v;
  const r = spawnClean('/usr/bin/unshare', ['-u', '/bin/sh', '-c', 'hostname "$0" && exec "$@"', host, agentPath('drbd'), 'validate-all'], full);
  return { status: r.status, reasons: r.stderr.split('\n').filter((l) => l.startsWith('ocf-exit-reason:')).map((l) => l.slice(16)) };
}
const VM = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'drbd-vm');
const S = {
  fresh: `${VM}/01-fresh-md-connected-secondary-secondary-inconsistent/node1`,
  uptodate: `${VM}/01b-after-new-current-uuid-clear-bitmap-uptodate/node2`,
  syncTarget: `${VM}/02-initial-sync-in-progress/node2`,
  secondary: `${VM}/03-connected-secondary-secondary-uptodate/node1`,
  primary: `${VM}/04-connected-primary-secondary-uptodate/node1`,
  secondaryOfPrimary: `${VM}/04-connected-primary-secondary-uptodate/node2`,
  peerKilled: `${VM}/05-peer-killed-primary-wfconnection/node1`,
  down: `${VM}/06-rebooted-peer-drbd-not-started/node2`,
  splitBrain: `${VM}/09-split-brain-both-primary-standalone/node1`,
  resolved: `${VM}/10-split-brain-resolved-discard-my-data/node1`,
  standAloneInconsistent: `${VM}/11-standalone-inconsistent-after-interrupted-sync-i-shall-become-syncsource/node1`,
};

function setup(name: string, initial: string) {
  const dir = scratch(`drbd-${name}`);
  mkdirSync(join(dir, 'run'));
  writeFileSync(join(dir, 'current'), initial + '\n');
  writeFileSync(join(dir, 'calls'), '');
  const env = {
    PATH: `${STANDIN}:${CLEAN_PATH}`,
    DRBD_STANDIN: dir,
    HA_RSCTMP: join(dir, 'run'),
    ...DRBD_CLONE_ENV,
  };
  const params = { drbd_resource: 'r0', drbdconf: '/etc/drbd.conf' };
  const calls = (): string[] => readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean);
  const clearCalls = () => writeFileSync(join(dir, 'calls'), '');
  const attr = (name: string): string | null => {
    const f = join(dir, `attr.${name}`);
    const v = existsSync(f) ? readFileSync(f, 'utf8').trim() : '';
    return v === '' ? null : v;
  };
  const score = () => attr('master-drbd_r0');
  const set = (file: string, text: string) => writeFileSync(join(dir, file), text + '\n');
  const state = (s: string) => set('current', s);
  const run = (action: string, extraEnv: Record<string, string> = {}, extraParams: Record<string, string> = {}) => {
    const t0 = Date.now();
    const r = runBuiltAgent('drbd', action, { ...params, ...extraParams }, { ...env, ...extraEnv });
    return { ...r, ms: Date.now() - t0 };
  };
  return { dir, env, params, calls, clearCalls, attr, score, set, state, run };
}

t.test('monitor: every captured state gives its code and score', async (t) => {
  const rows: [string, number, string | null][] = [
    [S.fresh, 0, null],
    [S.uptodate, 0, '10000'],
    [S.syncTarget, 0, null],
    [S.secondary, 0, '10000'],
    [S.primary, 8, '10000'],
    [S.secondaryOfPrimary, 0, '10000'],
    [S.peerKilled, 8, '10000'],
    [S.down, 7, null],
    [S.splitBrain, 191, '10000'],
    [S.standAloneInconsistent, 0, null],
  ];
  for (const [state, code, score] of rows) {
    const s = setup('states', state);
    const r = s.run('monitor');
    t.equal(r.code, code, `${state.split('/').slice(-2).join('/')}: code ${code} ${r.reasons.join('')}`);
    t.equal(s.score(), score, `and score ${score}`);
  }
});

t.test('a steady-state monitor runs one process and makes no cluster call', async (t) => {
  const s = setup('steady', S.secondary);
  t.equal(s.run('monitor').code, 0);
  t.equal(s.score(), '10000');
  t.match(s.calls(), [/^drbdsetup events2 --now r0$/, /^crm_attribute --name master-drbd_r0 --lifetime reboot --node node1 --update 10000$/]);
  s.clearCalls();
  for (let i = 0; i < 3; i++) t.equal(s.run('monitor').code, 0);
  t.same(s.calls(), ['drbdsetup events2 --now r0', 'drbdsetup events2 --now r0', 'drbdsetup events2 --now r0'], 'one status read each, nothing else');

  // every process the agent starts, counted by the kernel (strace follows forks); one parent
  // runs the agent twice, as pacemaker-execd does: the second monitor is the steady state
  const trace = join(s.dir, 'trace');
  const envFull: Record<string, string> = { ...s.env };
  for (const [k, v] of Object.entries(s.params)) envFull[`OCF_RESKEY_${k}`] = v;
  const agent = agentPath('drbd');
  const r = spawnClean('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', trace, '/bin/sh', '-c', `"${agent}" monitor && "${agent}" monitor`], envFull);
  t.equal(r.status, 0, r.stderr);
  const execs = readFileSync(trace, 'utf8').split('\n').filter((l) => /execve\(/.test(l) && !/ENOENT/.test(l));
  const last = execs.map((l) => l.includes(`execve("${agent}"`)).lastIndexOf(true);
  const children = execs.slice(last + 1);
  t.equal(children.length, 1, `one child: ${children.map((l) => l.slice(0, 90)).join(' | ')}`);
  t.match(children[0], /execve\("[^"]*drbdsetup", \["drbdsetup", "events2", "--now", "r0"\]/);
});

t.test('a score change is written once; a Pacemaker restart (new execd) makes it written again', async (t) => {
  const s = setup('change', S.secondary);
  s.run('monitor');
  s.state(S.fresh);
  s.clearCalls();
  t.equal(s.run('monitor').code, 0);
  t.equal(s.score(), null, 'Inconsistent: no score');
  t.same(s.calls().filter((c) => c.startsWith('crm_attribute')), ['crm_attribute --name master-drbd_r0 --lifetime reboot --node node1 --delete']);
  s.state(S.secondary);
  s.run('monitor');
  t.equal(s.score(), '10000');
  // pacemakerd restarted: attrd forgot the score; the agent's parent (execd) is a new process
  writeFileSync(join(s.dir, 'attr.master-drbd_r0'), '');
  s.clearCalls();
  const envFull: Record<string, string> = { ...s.env, OCF_RESKEY_drbd_resource: 'r0' };
  const viaNewParent = spawnClean('/bin/sh', ['-c', `"${agentPath('drbd')}" monitor; exit $?`], envFull);
  t.equal(viaNewParent.status, 0);
  t.equal(s.score(), '10000', 'written again');
  t.equal(s.calls().filter((c) => c.startsWith('crm_attribute')).length, 1);
});

t.test('probes never touch the score; stop removes it', async (t) => {
  const s = setup('probe', S.secondary);
  const probe = s.run('monitor', { OCF_RESKEY_CRM_meta_interval: '0' });
  t.equal(probe.code, 0);
  t.same(s.calls(), ['drbdsetup events2 --now r0'], 'a probe only looks');
  t.equal(s.score(), null);
  s.run('monitor');
  t.equal(s.score(), '10000');
  s.set('next.down', S.down);
  t.equal(s.run('stop').code, 0);
  t.equal(s.score(), null, 'stop removed the score');
  t.equal(s.run('monitor').code, 7);
  t.equal(s.run('stop').code, 0, 'stop when already stopped');
});

t.test('start: up, Secondary, a score; start of a Primary demotes it first', async (t) => {
  const s = setup('start', S.down);
  s.set('next.up', S.secondary);
  const r = s.run('start');
  t.equal(r.code, 0, r.stderr);
  t.match(s.calls(), [/^drbdadm --version$/, /^drbdsetup events2/, /^drbdadm -c \/etc\/drbd.conf up r0$/, /^drbdsetup events2/, /^crm_attribute .* --update 10000$/]);
  t.equal(s.score(), '10000');
  const p = setup('start-primary', S.primary);
  p.set('next.secondary', S.secondary);
  t.equal(p.run('start').code, 0);
  t.ok(p.calls().includes('drbdadm -c /etc/drbd.conf secondary r0'));
});

t.test('promote refuses stale data, reports exit 17 once, and does not loop', async (t) => {
  const s = setup('stale', S.fresh);
  const r = s.run('promote');
  t.equal(r.code, 1);
  t.match(r.reasons[0], /^refusing to promote: local data is Inconsistent, not UpToDate \(Secondary disk:Inconsistent/);
  t.notOk(s.calls().some((c) => / primary /.test(c)), 'drbdadm primary never called');

  const x = setup('exit17', S.secondary);
  x.run('monitor');
  t.equal(x.score(), '10000');
  x.set('rc.primary', '17');
  x.set('stderr.primary', '0: State change failed: (-2) Need access to UpToDate data');
  const p = x.run('promote');
  t.equal(p.code, 1);
  t.match(p.reasons[0], /^promote failed: DRBD refused \(exit 17\)/);
  t.equal(x.calls().filter((c) => / primary /.test(c)).length, 1, 'tried once');
  t.ok(p.ms < 5000, `returned at once (${p.ms} ms), no sleep`);
  t.equal(x.score(), null, 'no score while the state is the one promote was refused in');
  t.equal(x.run('monitor').code, 0);
  t.equal(x.score(), null, 'the monitor keeps it withheld');
  x.state(S.secondaryOfPrimary);
  x.run('monitor');
  t.equal(x.score(), '10000', 'the state changed: scored again');
});

t.test('split brain: exit reason and node attribute, cleared when resolved', async (t) => {
  const s = setup('sb', S.splitBrain);
  const r = s.run('monitor');
  t.equal(r.code, 191, 'OCF_DEGRADED_PROMOTED: running, no recovery');
  t.match(r.reasons[0], /^split brain suspected on r0: Primary disk:UpToDate peer:StandAlone/);
  t.match(s.attr('ocfkit-drbd-r0-split-brain'), /^Primary disk:UpToDate peer:StandAlone/);
  s.clearCalls();
  s.run('monitor');
  t.equal(s.calls().length, 1, 'flag written once');
  s.state(S.resolved);
  t.equal(s.run('monitor').code, 8);
  t.equal(s.attr('ocfkit-drbd-r0-split-brain'), null, 'flag removed');
});

t.test('deadlines: a hanging drbdsetup is cut, a hanging crm_attribute does not hold the monitor', async (t) => {
  const s = setup('hang', S.secondary);
  s.set('hang.drbdsetup', '');
  const r = s.run('monitor', { OCF_RESKEY_CRM_meta_timeout: '3000' });
  t.equal(r.code, 1);
  t.match(r.reasons[0], /^drbdsetup events2 timed out after \d+ ms/);
  t.ok(r.ms < 3000, `answered within the 3 s timeout (${r.ms} ms)`);

  const a = setup('hang-attr', S.secondary);
  a.set('hang.crm_attribute', '');
  const m = a.run('monitor', { OCF_RESKEY_CRM_meta_timeout: '4000' });
  t.equal(m.code, 0, 'the monitor still answers with its code');
  t.ok(m.ms < 4000, `within the 4 s timeout (${m.ms} ms)`);
  t.match(m.stderr, /crm_attribute update master-drbd_r0: timed out .*; the next monitor tries again/);
  spawnSync('rm', [join(a.dir, 'hang.crm_attribute')]);
  a.clearCalls();
  a.run('monitor');
  t.equal(a.score(), '10000', 'and the next one writes it');
});

t.test('stop: an unconfigured resource is stopped; a held device is named', async (t) => {
  const s = setup('stop-down', S.down);
  t.equal(s.run('stop').code, 0);
  t.notOk(s.calls().some((c) => / down /.test(c)));
  const h = setup('stop-held', S.secondary);
  h.set('rc.down', '11');
  h.set('stderr.down', '0: State change failed: (-12) Device is held open by someone');
  const r = h.run('stop', { OCF_RESKEY_CRM_meta_timeout: '4000' });
  t.equal(r.code, 1);
  t.match(r.reasons[0], /^stop failed: \/dev\/drbd0(: no holder found| held by .*); drbdadm down: 0: State change failed: \(-12\) Device is held/);
  t.ok(h.calls().filter((c) => / down /.test(c)).length >= 2, 'tried more than once');
  const missing = setup('stop-no-tools', S.secondary);
  const nt = missing.run('stop', { PATH: CLEAN_PATH.replace(/\/usr\/sbin:|\/sbin:/g, '') });
  t.equal(nt.code, 0, 'no drbdsetup on the node: nothing can be running');
});

t.test('notify never fails and needs nothing', async (t) => {
  const s = setup('notify', S.secondary);
  t.equal(s.run('notify', { OCF_RESKEY_CRM_meta_notify_type: 'post', OCF_RESKEY_CRM_meta_notify_operation: 'promote', OCF_RESKEY_CRM_meta_notify_master_uname: 'node2' }).code, 0);
  t.equal(s.score(), '10000', 'post notification refreshed the score');
  t.equal(s.run('notify', {}, { drbd_resource: '-bad' }).code, 0, 'even with a bad configuration');
  s.set('hang.drbdsetup', '');
  t.equal(s.run('notify', { OCF_RESKEY_CRM_meta_timeout: '2000', OCF_RESKEY_CRM_meta_notify_type: 'post', OCF_RESKEY_CRM_meta_notify_operation: 'start' }).code, 0);
});

t.test('validation', async (t) => {
  const s = setup('validate', S.secondary);
  const bad = s.run('monitor', {}, { drbd_resource: '-r0' });
  t.equal(bad.code, 6);
  t.match(bad.reasons[0], /^parameter 'drbd_resource'/);
  t.equal(s.run('start', { OCF_RESKEY_CRM_meta_notify: 'false' }).code, 6, 'notify=false');
  t.equal(s.run('start', { OCF_RESKEY_CRM_meta_notify: 'false' }, { ignore_missing_notifications: 'true' }).code, 0, 'unless ignore_missing_notifications');
  const cm = s.run('start', { OCF_RESKEY_CRM_meta_clone_max: '3' });
  t.equal(cm.code, 6);
  t.match(cm.reasons[0], /clone-max must be at most 2 with DRBD 8.4/);
  t.equal(s.run('monitor', {}, { adjust_master_score: '10 5 1 0' }).code, 6);
  // monitor never reads the configuration: an unreadable one does not make it "not installed"
  // (a ban here, then a stop that cannot succeed and a fenced node); start does need it
  t.equal(s.run('monitor', {}, { drbdconf: '/nonexistent/drbd.conf' }).code, 0, 'monitor answers from DRBD state');
  const conf = s.run('start', {}, { drbdconf: '/nonexistent/drbd.conf' });
  t.equal(conf.code, 5, 'start needs the configuration');
  t.equal(s.run('monitor', { OCF_RESKEY_CRM_meta_interval: '0' }, { drbdconf: '/nonexistent/drbd.conf' }).code, 0, 'a probe goes on to look');
  t.equal(s.run('start', {}, { stop_outdates_secondary: 'whatever', unfence_if_all_uptodate: 'x', connect_only_after_promote: 'y' }).code, 0, 'ignored parameters never fail a start');
  const ver = s.run('start', {}, { require_drbd_module_version_ge: '9.0.16' });
  t.equal(ver.code, 5);
  t.match(ver.reasons[0], /DRBD module 8.4.11 is older than require_drbd_module_version_ge=9.0.16/);
  s.set('stdout.dump', readFileSync(join(CONF, 'drbd-utils9.22-drbdadm-84-dump-r0-on-node1.txt'), 'utf8'));
  t.equal(inHost('node1', s.env, s.params).status, 0, 'validate-all level 10: host, Pacemaker and DRBD say node1');
  const primitive = s.run('start', { OCF_RESKEY_CRM_meta_clone: '' });
  t.equal(primitive.code, 6, 'not a clone');
});

t.test('validate-all (level 10) names the node names that differ', async (t) => {
  const s = setup('names', S.secondary);
  s.set('stdout.dump', readFileSync(join(CONF, 'drbd-utils9.22-drbdadm-84-dump-r0-on-node1.txt'), 'utf8'));
  t.equal(inHost('node1', s.env, s.params).status, 0, 'all say node1');
  const pm = inHost('node1', s.env, s.params, { OCF_RESKEY_CRM_meta_on_node: 'node1.example.com' });
  t.equal(pm.status, 6);
  t.same(pm.reasons, ['node names differ: host=node1 pacemaker=node1.example.com drbd(r0)=node1,node2']);
  // drbdadm-84 on a host the resource has no `on` section for (a real capture of its refusal)
  s.set('stdout.dump', '');
  s.set('stderr.dump', readFileSync(join(CONF, 'drbd-utils9.22-drbdadm-84-dump-r0-on-node1-example-com.stderr'), 'utf8').trim());
  s.set('rc.dump', '1');
  const host = inHost('node1.example.com', s.env, s.params);
  t.equal(host.status, 6);
  t.same(host.reasons, ['node names differ: host=node1.example.com pacemaker=node1 drbd(r0)=none-for-this-host']);
  t.equal(s.run('validate-all').code, 0, 'level 0 does not look');
});
