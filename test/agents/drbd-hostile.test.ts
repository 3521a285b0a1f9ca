/**
 * ocf:ocfkit:drbd attacked: hostile drbdsetup output (derived from the real drbd-vm captures: cut,
 * doubled, renamed, inflated), drbdadm that hangs or exits 0 without doing anything, a planted
 * or foreign memory file in $HA_RSCTMP, parameters a stop does not need. The built agent against
 * the stand-ins of test/fixtures/drbd-standin; each test failed on the code before its fix.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLEAN_PATH, runBuiltAgent, scratch } from '../helpers/agent.ts';
import { DRBD_CLONE_ENV } from '../helpers/drbd.ts';

const STANDIN = join(import.meta.dirname, '..', 'fixtures', 'drbd-standin');
const VM = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'drbd-vm');
const S = {
  secondary: `${VM}/03-connected-secondary-secondary-uptodate/node1`,
  primary: `${VM}/04-connected-primary-secondary-uptodate/node1`,
  outdatedPrimary: `${VM}/05-peer-killed-primary-wfconnection/node1`,
  down: `${VM}/06-rebooted-peer-drbd-not-started/node2`,
};
const events2 = (state: string): string => readFileSync(join(state, 'drbdsetup-events2-now.txt'), 'utf8');

function setup(name: string, initial: string) {
  const dir = scratch(`drbd-hostile-${name}`);
  mkdirSync(join(dir, 'run'));
  // drbdsetup that prints hostile.out when the test wrote one, else the stand-in's capture
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'drbdsetup'),
    `#!/bin/sh\nif [ -f "$DRBD_STANDIN/hostile.out" ]; then printf 'drbdsetup %s\\n' "$*" >> "$DRBD_STANDIN/calls"; exec cat "$DRBD_STANDIN/hostile.out"; fi\nexec ${STANDIN}/drbdsetup "$@"\n`,
  );
  chmodSync(join(bin, 'drbdsetup'), 0o755);
  writeFileSync(join(dir, 'current'), initial + '\n');
  writeFileSync(join(dir, 'calls'), '');
  const env: Record<string, string> = {
    PATH: `${bin}:${STANDIN}:${CLEAN_PATH}`,
    DRBD_STANDIN: dir,
    HA_RSCTMP: join(dir, 'run'),
    ...DRBD_CLONE_ENV,
  };
  const params = { drbd_resource: 'r0', drbdconf: '/etc/drbd.conf' };
  const calls = (): string[] => readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean);
  const score = (): string | null => {
    const f = join(dir, 'attr.master-drbd_r0');
    const v = existsSync(f) ? readFileSync(f, 'utf8').trim() : '';
    return v === '' ? null : v;
  };
  const set = (file: string, text: string) => writeFileSync(join(dir, file), text);
  const run = (action: string, extraEnv: Record<string, string> = {}, extraParams: Record<string, string> = {}) => {
    const t0 = Date.now();
    const r = runBuiltAgent('drbd', action, { ...params, ...extraParams }, { ...env, ...extraEnv });
    return { ...r, ms: Date.now() - t0 };
  };
  const memory = join(dir, 'run', 'ocfkit-drbd-drbd_r0.json');
  return { dir, env, calls, score, set, run, memory };
}

t.test('hostile drbdsetup events2 output is a failed read, never a state', async (t) => {
  const sec = events2(S.secondary);
  const lines = sec.trimEnd().split('\n');
  const cases: [string, string, RegExp][] = [
    // empty output with exit 0 read as "down": a probe would say not running on a live Primary
    ['empty', '', /empty output/],
    // cut before its end: the peer-device line lost reads as "peer disk unknown" (score 1000)
    ['truncated', lines.slice(0, 3).join('\n') + '\n', /cut short/],
    ['cut mid-line', sec.slice(0, sec.indexOf('disk:UpToDate') + 6), /cut short/],
    // a second copy of the resource, Primary, after the first
    ['two r0', lines.slice(0, -1).join('\n') + '\n' + events2(S.primary), /the same object twice/],
    // asked for r0, told about r00
    ['r00 for r0', events2(S.primary).replace(/name:r0 /g, 'name:r00 '), /resource "r00" in the dump of r0/],
  ];
  for (const [name, text, why] of cases) {
    const s = setup(name.replace(/\W/g, ''), S.secondary);
    s.set('hostile.out', text);
    const probe = s.run('monitor', { OCF_RESKEY_CRM_meta_interval: '0' });
    t.equal(probe.code, 1, `${name}: probe answers a failure, not a state`);
    t.match(probe.reasons[0], why, name);
    const mon = s.run('monitor');
    t.equal(mon.code, 1, `${name}: monitor`);
    t.equal(s.score(), null, `${name}: no score from it`);
  }
});

t.test('huge drbdsetup output is cut at 1 MiB and refused', async (t) => {
  const s = setup('huge', S.secondary);
  const sec = events2(S.secondary);
  const first = sec.split('\n')[0]! + '\n';
  s.set('hostile.out', first.repeat(Math.ceil((2 << 20) / first.length)) + sec);
  const r = s.run('monitor');
  t.equal(r.code, 1);
  t.match(r.reasons[0], /more than 1048576 bytes/);
  t.equal(s.score(), null);
});

t.test('stop and demote pace a drbdadm that exits 0 and does nothing', async (t) => {
  const s = setup('noop-down', S.secondary); // no next.down: down "succeeds" and r0 stays up
  const stop = s.run('stop', { OCF_RESKEY_CRM_meta_timeout: '4000' });
  t.equal(stop.code, 1);
  t.match(stop.reasons[0], /'drbdadm down' exited 0, but r0 is still up/);
  const downs = s.calls().filter((c) => / down r0$/.test(c)).length;
  t.ok(downs >= 2 && downs <= 6, `drbdadm down tried ${downs} times in ~3.5 s, about once a second (was hundreds)`);

  const d = setup('noop-secondary', S.primary);
  const demote = d.run('demote', { OCF_RESKEY_CRM_meta_timeout: '4000' });
  t.equal(demote.code, 1);
  t.match(demote.reasons[0], /'drbdadm secondary' exited 0, but r0 is still Primary/);
  const secs = d.calls().filter((c) => / secondary r0$/.test(c)).length;
  t.ok(secs >= 2 && secs <= 6, `drbdadm secondary tried ${secs} times`);
});

t.test('a hanging drbdadm --version at start is not OCF_ERR_INSTALLED', async (t) => {
  const s = setup('hang-version', S.down);
  s.set('hang.drbdadm', '');
  const r = s.run('start', { OCF_RESKEY_CRM_meta_timeout: '3000' });
  t.equal(r.code, 1, 'OCF_ERR_GENERIC: recoverable, the node is not banned');
  t.match(r.reasons[0], /drbdadm --version timed out/);
  t.ok(r.ms < 3000, `answered in ${r.ms} ms`);
});

t.test('a drbdadm primary that times out is not remembered as DRBD refusing', async (t) => {
  const s = setup('hang-primary', S.secondary);
  t.equal(s.run('monitor').code, 0);
  t.equal(s.score(), '10000');
  s.set('hang.drbdadm', '');
  const p = s.run('promote', { OCF_RESKEY_CRM_meta_timeout: '3000' });
  t.equal(p.code, 1);
  t.match(p.reasons[0], /^promote failed: drbdadm primary: timed out/);
  spawnSync('rm', ['-f', join(s.dir, 'hang.drbdadm')]);
  t.equal(s.run('monitor').code, 0);
  t.equal(s.score(), '10000', 'the node with UpToDate data keeps its score (it was withheld until the state changed)');
});

t.test('the memory file in $HA_RSCTMP: a FIFO, a foreign memory, another boot', async (t) => {
  const s = setup('fifo', S.secondary);
  spawnSync('mkfifo', [s.memory]);
  const stop = s.run('stop', { OCF_RESKEY_CRM_meta_timeout: '4000' }); // spawnClean's own limit is 120 s
  t.ok(stop.ms < 4000, `stop answered in ${stop.ms} ms (a FIFO blocked its synchronous read for ever)`);

  // a refusal recorded for this very state, in another instance's memory (planted as a symlink)
  const refusal = { fingerprint: 'Secondary|UpToDate|Connected/Secondary/UpToDate', reason: 'planted', at: 1 };
  const base = { v: 1, node: 'node1', score: null, splitBrain: null, writer: null, at: 0, refusal, version: null };
  const f = setup('foreign', S.secondary);
  const other = join(f.dir, 'run', 'ocfkit-drbd-other.json');
  writeFileSync(other, JSON.stringify({ ...base, attr: 'master-other' }));
  symlinkSync(other, f.memory);
  t.equal(f.run('monitor').code, 0);
  t.equal(f.score(), '10000', "another instance's refusal does not withhold our score");

  const b = setup('boot', S.secondary);
  writeFileSync(b.memory, JSON.stringify({ ...base, attr: 'master-drbd_r0', boot: '00000000-0000-0000-0000-000000000000' }));
  t.equal(b.run('monitor').code, 0);
  t.equal(b.score(), '10000', "another boot's refusal does not withhold the score");

  const g = setup('garbage', S.secondary);
  writeFileSync(g.memory, JSON.stringify({ ...base, attr: 'master-drbd_r0', refusal: { fingerprint: refusal.fingerprint } }));
  t.equal(g.run('monitor').code, 0);
  t.equal(g.score(), '10000', 'a malformed memory is no memory');
});

t.test('stop needs nothing but a resource name, and never hands drbdadm an option', async (t) => {
  const s = setup('stop-params', S.secondary);
  s.set('next.down', S.down + '\n');
  const bad = s.run('stop', {}, { drbd_resource: '-x' });
  t.equal(bad.code, 0, 'start refuses such a name, so nothing runs under it');
  t.same(s.calls(), [], 'no command ran');
  for (const p of [{ adjust_master_score: 'garbage' }, { require_drbd_module_version_ge: 'x' }] as Record<string, string>[]) {
    s.set('current', S.secondary + '\n');
    const r = s.run('stop', {}, p);
    t.equal(r.code, 0, `stop with ${JSON.stringify(p)}`);
    t.match(s.calls().join('\n'), /down r0/, 'and it stopped');
    t.equal(s.run('monitor', {}, p).code, 6, 'other actions still refuse it');
  }
});
