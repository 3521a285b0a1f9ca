/**
 * Stop never lies: the services agent's process supervision, each case a regression of the
 * "stop reports success while the service runs" family. Every process is found again by
 * identity (pid + start time from /proc, or its process group), never trusted from a pid file.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { procStat } from '../../lib/exec/proc.ts';
import { agentPath, CLEAN_PATH, runBuiltAgent, scratch } from '../helpers/agent.ts';
import { servicesResource, sleepers } from '../helpers/services.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'services');


const setup = servicesResource;

const recurring = { OCF_RESKEY_CRM_meta_interval: '10000' };
const probe = { OCF_RESKEY_CRM_meta_interval: '0' };

t.test('a daemon pid file is read as the daemon writes it, and the start command does not hold the start', async (t) => {
  const tag = '8101.5';
  const dir = scratch('daemon');
  const pidfile = join(dir, 'postmaster.pid');
  const s = setup('daemon', [{ name: 'db', command: [join(FIXTURES, 'daemonize'), pidfile, tag], pidfile }]);
  t.teardown(() => void s.run('stop'));

  // the daemon keeps the start command's stdout open for 8101 s: start must not wait for it
  const start = s.timed('start', {}, { OCF_RESKEY_CRM_meta_timeout: '20000' });
  t.equal(start.code, 0, start.stderr);
  t.ok(start.ms < 19_000, `start returned when the command exited (${start.ms} ms), not when the daemon let go of its stdout`);
  const [daemon] = sleepers(tag);
  t.ok(daemon, 'the daemon runs');
  t.equal(readFileSync(pidfile, 'utf8').split('\n')[0], String(daemon), 'line 1 of the pid file is its pid');
  t.equal(s.run('monitor', {}, recurring).code, 0, 'monitor: running');
  t.equal(s.run('start').code, 0, 'start again: already running');
  t.same(sleepers(tag), [daemon], 'and no second copy');

  t.equal(s.run('stop').code, 0);
  t.same(sleepers(tag), [], 'stop took the daemon down');
  t.ok(existsSync(pidfile), "the daemon's own pid file is the daemon's: ocfkit does not delete it");
  t.equal(s.run('monitor', {}, probe).code, 7);
});

t.test('a pid file naming a process ocfkit did not start is not trusted and never signalled', async (t) => {
  const tag = '8102.5';
  const dir = scratch('stale');
  const pidfile = join(dir, 'postmaster.pid');
  const s = setup('stale', [{ name: 'db', command: [join(FIXTURES, 'daemonize'), pidfile, tag], pidfile }]);
  // an unrelated process, e.g. what a stale postmaster.pid on the replicated disk names after a failover
  const bystander = spawn('sleep', ['8102.7'], { stdio: 'ignore' });
  t.teardown(() => bystander.kill('SIGKILL'));
  await new Promise((r) => bystander.once('spawn', r));
  const before = procStat(bystander.pid!)!;

  for (const [who, pid] of [['an unrelated process', bystander.pid!], ['the caller itself', process.pid]] as const) {
    writeFileSync(pidfile, `${pid}\n/srv/ocfkit-test/data\n1764200000\n5432\n`);
    t.equal(s.run('monitor', {}, probe).code, 7, `probe: ${who} in the pid file reads as not running`);
    t.equal(s.run('monitor', {}, recurring).code, 7, `monitor: likewise`);
    t.equal(s.run('stop').code, 0, 'stop: nothing of ours runs');
  }
  t.equal(procStat(bystander.pid!)?.start, before.start, 'the unrelated process was never signalled');
  t.ok(procStat(process.pid), 'nor was the caller');
});

t.test('stop stops what runs even when validation says a program is missing', async (t) => {
  const tag = '8103.5';
  const dir = scratch('nocheck');
  const check = join(dir, 'check');
  copyFileSync('/bin/true', check);
  chmodSync(check, 0o755);
  const s = setup('nocheck', [{ name: 'sched', command: ['sleep', tag], check: [check] }]);
  t.teardown(() => void s.run('stop'));
  t.equal(s.run('start').code, 0);
  t.equal(sleepers(tag).length, 1);

  rmSync(check);
  const monitor = s.run('monitor', {}, recurring);
  t.equal(monitor.code, 5, 'the recurring monitor: OCF_ERR_INSTALLED, so Pacemaker moves the resource');
  t.equal(s.run('stop').code, 0, 'stop succeeds …');
  t.same(sleepers(tag), [], '… because it stopped the service, not because a program is missing');
  t.equal(s.run('monitor', {}, probe).code, 7, 'now the probe says not running');
});

t.test('a probe finds what runs even when a program is missing', async (t) => {
  const tag = '8104.5';
  const dir = scratch('probe-running');
  const check = join(dir, 'check');
  copyFileSync('/bin/true', check);
  const s = setup('probe-running', [{ name: 'sched', command: ['sleep', tag], check: [check] }]);
  t.teardown(() => void s.run('stop'));
  t.equal(s.run('start').code, 0);
  rmSync(check);
  const r = s.run('monitor', {}, probe);
  t.not(r.code, 7, 'a probe does not call a running service "not running"');
  t.equal(r.code, 1, 'it runs, and its check cannot run: failed');
  t.equal(s.run('stop').code, 0);
  t.same(sleepers(tag), []);
});

t.test('workers in the process group are stopped when the main process died first', async (t) => {
  const tag = '8105.5';
  const s = setup('workers', [{ name: 'app', command: ['sh', '-c', `sleep ${tag} & exec sleep 8105.6`] }]);
  t.teardown(() => void s.run('stop'));
  t.equal(s.run('start').code, 0);
  const [worker] = sleepers(tag);
  const [main] = sleepers('8105.6');
  t.ok(worker && main);
  process.kill(main!, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
  const monitor = s.run('monitor', {}, recurring);
  t.equal(monitor.code, 1);
  t.match(monitor.reasons[0], /service app failed: process \d+ is gone; processes of its group remain/);
  t.equal(s.run('stop').code, 0);
  t.same(sleepers(tag), [], 'the worker is gone too');
});

t.test('children left by a failed start are cleaned up', async (t) => {
  const tag = '8106.5';
  const s = setup('leftover', [{ name: 'app', command: ['sh', '-c', `sleep ${tag} & exit 0`] }]);
  const start = s.run('start');
  t.equal(start.code, 1);
  t.match(start.reasons[0], /service app failed to start: process \d+ (exited|exited at once)/);
  t.same(sleepers(tag), [], 'the child it left is gone');
  t.equal(s.run('stop').code, 0);
});

t.test('repeated failed starts of a self-daemonizing command leave no copies', async (t) => {
  const tag = '8107.5';
  const dir = scratch('pileup');
  const pidfile = join(dir, 'd.pid');
  const s = setup('pileup', [
    { name: 'd', command: [join(FIXTURES, 'daemonize'), pidfile, tag], pidfile, check: ['/bin/false'], start_timeout: '1s' },
  ]);
  for (let i = 0; i < 3; i++) {
    const r = s.run('start');
    t.equal(r.code, 1, `start ${i + 1} fails (its check never passes)`);
    t.same(sleepers(tag), [], `and leaves no daemon behind (${i + 1})`);
  }
});

t.test('a check that leaves a background child does not hold up monitor', async (t) => {
  const tag = '8108.5';
  const s = setup('bgcheck', [{ name: 'app', command: ['sleep', '8108.6'], check: ['sh', '-c', `sleep ${tag} &`] }]);
  t.teardown(() => {
    s.run('stop');
    for (const pid of sleepers(tag)) process.kill(pid, 'SIGKILL');
  });
  t.equal(s.run('start').code, 0);
  const m = s.timed('monitor', {}, { ...recurring, OCF_RESKEY_CRM_meta_timeout: '20000' });
  t.equal(m.code, 0);
  t.ok(m.ms < 10_000, `monitor returned when the check exited (${m.ms} ms)`);
  t.same(sleepers(tag), [], 'and what the check left in its process group is gone, not one leak per monitor');
});

t.test('every operation ends before Pacemaker kills it', async (t) => {
  const tag = '8109.5';
  const s = setup('hung', [{ name: 'app', command: [join(FIXTURES, 'stubborn'), tag], check: [join(FIXTURES, 'stubborn'), '8109.6'] }]);
  t.teardown(() => {
    s.run('stop');
    for (const pid of [...sleepers(tag), ...sleepers('8109.6')]) process.kill(pid, 'SIGKILL');
  });
  // the check hangs and ignores SIGTERM: start is cut at its deadline
  const start = s.timed('start', {}, { OCF_RESKEY_CRM_meta_timeout: '4000' });
  t.equal(start.code, 1);
  t.ok(start.ms < 4000, `start answered within its 4 s timeout (${start.ms} ms)`);
  t.same(sleepers('8109.6'), [], 'the hung check was killed');
  t.same(sleepers(tag), [], 'what never got ready was killed');

  const s2 = setup('stubborn', [{ name: 'app', command: [join(FIXTURES, 'stubborn'), '8109.7'], stop_timeout: '30s' }]);
  t.equal(s2.run('start').code, 0);
  const stop = s2.timed('stop', {}, { OCF_RESKEY_CRM_meta_timeout: '4000' });
  t.equal(stop.code, 0, stop.stderr);
  t.ok(stop.ms < 4000, `stop of a service that ignores SIGTERM answered within its 4 s timeout (${stop.ms} ms)`);
  t.same(sleepers('8109.7'), [], 'SIGKILL came in time');
});

t.test('SIGTERM gets its grace: stop_timeout after SIGTERM', async (t) => {
  const dir = scratch('grace');
  const marker = join(dir, 'clean');
  const s = setup('grace', [{ name: 'db', command: [join(FIXTURES, 'graceful'), marker, '1.2', '8110.5'], stop_timeout: '2s' }]);
  t.equal(s.run('start').code, 0);
  const stop = s.run('stop');
  t.equal(stop.code, 0);
  t.ok(existsSync(marker), 'the service shut down cleanly within its 2 s stop_timeout (no SIGKILL at 80 ms)');
  t.same(sleepers('8110.5'), []);
});

t.test('stop timeouts that add up to more than the stop operation are shared out', async (t) => {
  const services = ['a', 'b', 'c'].map((name, i) => ({ name, command: [join(FIXTURES, 'stubborn'), `8111.${i + 1}`], stop_timeout: '10s' }));
  const s = setup('share', services);
  const validate = s.run('validate-all');
  t.equal(validate.code, 0);
  t.notMatch(validate.stderr, /add up to/, '30 s of stop_timeout fits the advertised 120 s stop');
  const tight = s.run('validate-all', { services: JSON.stringify(services.map((x) => ({ ...x, stop_timeout: '50s' }))) });
  t.match(tight.stderr, /stop_timeout values add up to 150 s, more than the stop operation's 120 s/);

  t.equal(s.run('start').code, 0);
  const stop = s.timed('stop', {}, { OCF_RESKEY_CRM_meta_timeout: '8000' });
  t.equal(stop.code, 0, stop.stderr);
  t.ok(stop.ms < 8000, `all three ignored SIGTERM and were still killed within the 8 s stop (${stop.ms} ms)`);
  t.match(stop.stderr, /add up to 30 s, more than the stop operation's 8 s/);
  for (let i = 1; i <= 3; i++) t.same(sleepers(`8111.${i}`), [], `service ${i} is gone`);
});

t.test('nothing untracked: a process whose record cannot be written is stopped again', async (t) => {
  const tag = '8112.5';
  const s = setup('untracked', [{ name: 'app', command: ['sleep', tag] }]);
  mkdirSync(join(s.dir, 'run'), { recursive: true });
  // the directory of our records is a file: no record can be written there
  writeFileSync(join(s.dir, 'run', 'ocfkit-services-untracked'), 'not a directory');
  const start = s.run('start');
  t.equal(start.code, 1);
  t.match(start.reasons[0], /service app failed to start: cannot record process \d+/);
  t.same(sleepers(tag), [], 'the process just started was killed');
  t.same(readdirSync(join(s.dir, 'run')).filter((f) => f.includes('.tmp-')), [], 'no temporary file left');
});

t.test('two starts at once leave one copy', async (t) => {
  const tag = '8113.5';
  const s = setup('twice', [{ name: 'app', command: ['sleep', tag], check: ['sleep', '0.5'] }]);
  t.teardown(() => void s.run('stop'));
  const env = { PATH: CLEAN_PATH, OCF_ROOT: '/usr/lib/ocf', ...s.env, OCF_RESKEY_services: s.params.services, OCF_RESKEY_log_dir: s.params.log_dir };
  const once = () =>
    new Promise<number | null>((resolve) => {
      const c = spawn('/usr/bin/env', ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), agentPath('services'), 'start'], { stdio: 'ignore' });
      c.on('exit', (code) => resolve(code));
    });
  const codes = await Promise.all([once(), once()]);
  t.same(codes, [0, 0], 'both succeed: the second waited, then found it running');
  t.equal(sleepers(tag).length, 1, 'exactly one copy runs');
  t.equal(s.run('stop').code, 0);
  t.same(sleepers(tag), []);
});

t.test('exit reasons fit in 128 bytes, the important part first', async (t) => {
  const long = 'x'.repeat(300);
  const s = setup('reason', [{ name: 'app', command: ['sh', '-c', `echo ${long} >&2; exit 1`], pidfile: '/nonexistent/ocfkit/p.pid' }]);
  const r = s.run('start');
  t.equal(r.code, 1);
  t.ok(Buffer.byteLength(r.reasons[0]!) <= 128, `${Buffer.byteLength(r.reasons[0]!)} bytes`);
  t.match(r.reasons[0], /^service app failed to start: start command exit 1/);

  const name = 'n'.repeat(150);
  const tooLong = s.run('validate-all', { services: JSON.stringify([{ name, command: ['sleep', '1'] }]) });
  t.equal(tooLong.code, 6, 'a name too long for a file name is a configuration error');
  t.match(tooLong.reasons[0], /services\[0\]\.name: is 150 characters long; at most 100/);
});

t.test('nodes that share a kernel (the lab) never take each other\'s processes for theirs', async (t) => {
  const tag = '8114.5';
  const s = setup('twin', [{ name: 'mq', command: ['sleep', tag] }]);
  t.teardown(() => void s.run('stop'));
  t.equal(s.run('start').code, 0);
  t.equal(sleepers(tag).length, 1);
  // the other node: the same resource and service names, the same $HA_RSCTMP path, its own files
  const otherRun = scratch('twin-other');
  mkdirSync(join(s.dir, 'run'), { recursive: true });
  const env = { PATH: CLEAN_PATH, OCF_ROOT: '/usr/lib/ocf', ...s.env, OCF_RESKEY_services: s.params.services, OCF_RESKEY_log_dir: s.params.log_dir };
  const other = (action: string, extra: Record<string, string> = {}) =>
    spawnSync(
      '/usr/bin/env',
      ['-i', ...Object.entries({ ...env, ...extra }).map(([k, v]) => `${k}=${v}`), 'unshare', '--mount', '--propagation', 'private', join(FIXTURES, 'other-node'), otherRun, join(s.dir, 'run'), agentPath('services'), action],
      { encoding: 'utf8' },
    );
  const probe = other('monitor', { OCF_RESKEY_CRM_meta_interval: '0' });
  t.equal(probe.status, 7, `the other node's probe: nothing of its own runs (${probe.stderr.trim().split('\n').pop()})`);
  t.equal(other('stop').status, 0, "the other node's stop succeeds");
  t.equal(sleepers(tag).length, 1, "and did not touch this node's service");
  t.equal(s.run('monitor', {}, recurring).code, 0);
});
