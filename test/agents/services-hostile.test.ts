/**
 * The services agent attacked as a hostile operator and an attacker would: processes that
 * leave every group we know, an agent killed mid-start, names planted where root writes,
 * service output with control characters, parameters that make a synchronous call spin. Each
 * case a regression: it failed on the code before its fix. Processes are found by command line
 * tag (each test has its own) and signalled by the tests only after an identity check.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentPath, CLEAN_PATH, runBuiltAgent, scratch } from '../helpers/agent.ts';
import { servicesResource, sleepers } from '../helpers/services.ts';
import { identityOf, signalIdentity, stillRuns } from '../helpers/real-procs.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'services');


/** Kill what a failed test may have left, by identity. */
function sweep(...tags: string[]): void {
  for (const tag of tags) for (const pid of sleepers(tag)) {
    const id = identityOf(pid, tag);
    if (id) signalIdentity(id, 'SIGKILL');
  }
}

const setup = servicesResource;

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const probe = { OCF_RESKEY_CRM_meta_interval: '0' };

t.test('a worker that leaves the process group and session (setsid) is stopped too', async (t) => {
  const tag = '8201.5';
  const s = setup('escape', [{ name: 'app', command: ['sh', '-c', `setsid sleep ${tag} & exec sleep 8201.6`] }]);
  t.teardown(() => sweep(tag, '8201.6'));
  t.equal(s.run('start').code, 0);
  t.equal(sleepers(tag).length, 1, 'the escaped worker runs');
  t.equal(s.run('stop').code, 0);
  t.same(sleepers(tag), [], 'stop took the escaped worker down as well');
  t.same(sleepers('8201.6'), []);
});

t.test('a daemon that restarts itself under a new pid in a new session is stopped', async (t) => {
  const tag = '8202.5';
  const dir = scratch('restarter');
  const pidfile = join(dir, 'd.pid');
  const s = setup('restarter', [{ name: 'd', command: [join(FIXTURES, 'restarter'), pidfile, tag], pidfile }]);
  t.teardown(() => sweep(tag));
  t.equal(s.run('start').code, 0);
  await wait(2000);
  const [successor] = sleepers(tag);
  t.ok(successor, 'the successor runs');
  t.equal(readFileSync(pidfile, 'utf8').trim(), String(successor), 'and has rewritten the pid file');
  const m = s.run('monitor', {}, { OCF_RESKEY_CRM_meta_interval: '10000' });
  t.equal(m.code, 1, 'the process we recorded is gone: failed, so Pacemaker recovers it');
  t.equal(s.run('stop').code, 0);
  t.same(sleepers(tag), [], 'stop took the successor down');
});

t.test('an agent killed in the middle of a start leaves nothing a stop cannot find', async (t) => {
  const tag = '8203.5';
  const dir = scratch('midstart');
  const pidfile = join(dir, 'd.pid');
  const s = setup('midstart', [{ name: 'd', command: [join(FIXTURES, 'slowstart'), pidfile, tag], pidfile }]);
  t.teardown(() => sweep(tag, '30'));
  const env = { PATH: CLEAN_PATH, OCF_ROOT: '/usr/lib/ocf', ...s.env, OCF_RESKEY_services: s.params.services, OCF_RESKEY_log_dir: s.params.log_dir };
  // env execs the agent in place: the child's pid is the agent's
  const agent = spawn('/usr/bin/env', ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), agentPath('services'), 'start'], { stdio: 'ignore' });
  const exited = new Promise((r) => agent.once('exit', r));
  for (let i = 0; i < 100 && sleepers(tag).length === 0; i++) await wait(50);
  t.equal(sleepers(tag).length, 1, 'the daemon runs while its start command still waits');
  agent.kill('SIGKILL'); // as Pacemaker does at an operation's timeout
  await exited;

  const p = s.run('monitor', {}, probe);
  t.equal(p.code, 1, 'a probe does not call it "not running"');
  t.match(p.reasons[0], /service d failed: process \d+ of it runs without a record/);
  t.equal(s.run('stop').code, 0);
  t.same(sleepers(tag), [], 'stop found the daemon without a record and stopped it');
  t.equal(s.run('monitor', {}, probe).code, 7);
});

t.test('names planted where the agent writes as root are not followed', async (t) => {
  const s = setup('planted', [{ name: 'app', command: ['sh', '-c', 'echo PWNED; exec sleep 8204.5'] }]);
  t.teardown(() => sweep('8204.5'));
  const victim = join(s.dir, 'victim');
  writeFileSync(victim, 'precious\n');
  mkdirSync(join(s.dir, 'log'));
  mkdirSync(join(s.dir, 'run'));
  symlinkSync(victim, join(s.dir, 'log', 'app.log'));
  symlinkSync(victim, join(s.dir, 'run', 'ocfkit-services-planted.lock'));

  const start = s.run('start');
  t.equal(start.code, 1, 'start refuses');
  t.match(start.reasons[0], /ELOOP/);
  t.equal(readFileSync(victim, 'utf8'), 'precious\n', 'neither the lock nor the log went through the links');
  t.same(sleepers('8204.5'), []);
  t.equal(s.run('stop').code, 0);
  t.equal(readFileSync(victim, 'utf8'), 'precious\n');
});

t.test('a FIFO planted as the log does not hang start past its timeout', async (t) => {
  const s = setup('fifo', [{ name: 'app', command: ['sleep', '8205.5'] }]);
  t.teardown(() => sweep('8205.5'));
  mkdirSync(join(s.dir, 'log'));
  spawnSync('mkfifo', [join(s.dir, 'log', 'app.log')]);
  const start = s.timed('start', {}, { OCF_RESKEY_CRM_meta_timeout: '5000' });
  t.equal(start.code, 1);
  t.ok(start.ms < 5000, `start answered within its timeout (${start.ms} ms)`);
  t.match(start.reasons[0], /cannot open its log/);
  t.same(sleepers('8205.5'), []);
});

t.test('a log_dir where mkdir says ENOENT under an existing parent does not spin', async (t) => {
  const s = setup('procdir', [{ name: 'app', command: ['sleep', '8206.5'] }]);
  t.teardown(() => sweep('8206.5'));
  const start = s.timed('start', { log_dir: '/proc/ocfkit-no-such-dir/logs' }, { OCF_RESKEY_CRM_meta_timeout: '5000' });
  t.equal(start.code, 1);
  t.ok(start.ms < 5000, `start answered within its timeout (${start.ms} ms)`);
  t.match(start.reasons[0], /cannot open its log in \/proc\/ocfkit-no-such-dir\/logs: ENOENT/);
});

t.test('a status_file naming a file that is not a status file is left alone', async (t) => {
  const s = setup('sysfile', [{ name: 'app', command: ['sleep', '8207.5'] }]);
  t.teardown(() => {
    s.run('stop');
    sweep('8207.5');
  });
  const system = join(s.dir, 'passwd');
  writeFileSync(system, 'root:x:0:0:root:/root:/bin/bash\n');
  const start = s.run('start', { status_file: system });
  t.equal(start.code, 0, 'the status file informs; it never fails an action');
  t.match(start.stderr, /is not an ocfkit status file: left as it is/);
  t.equal(readFileSync(system, 'utf8'), 'root:x:0:0:root:/root:/bin/bash\n', 'the file is untouched');
});

t.test('service output cannot put control characters into exit reasons or log lines', async (t) => {
  const s = setup('ctrl', [
    { name: 'app', command: ['sleep', '8208.5'], check: ['sh', '-c', String.raw`printf 'bad\033[2J\033[31mRED\000NUL\302\233C1\r\n' >&2; exit 3`] },
  ]);
  t.teardown(() => sweep('8208.5'));
  const start = s.run('start', {}, { OCF_RESKEY_CRM_meta_timeout: '3000' });
  t.equal(start.code, 1);
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
  t.notMatch(start.stderr.replaceAll('\n', ' '), control, 'no control character on any line (a newline ends each line, none is inside one)');
  t.match(start.reasons[0], /check exit 3: bad\?\[2J\?\[31mRED\?NUL\?C1/, 'the reason keeps what the check said, not the deadline cut of its last run');
  t.same(sleepers('8208.5'), []);
});

t.test('a cwd that does not exist is named, not taken for a missing program', async (t) => {
  const s = setup('cwd', [{ name: 'app', command: ['sleep', '8209.5'], cwd: '/nonexistent/ocfkit' }]);
  const start = s.run('start');
  t.equal(start.code, 1, 'OCF_ERR_GENERIC: the program is installed');
  t.match(start.reasons[0], /its cwd \/nonexistent\/ocfkit cannot be used here \(ENOENT\)/);
});

t.test('without flock the reason says so, and stop still stops', async (t) => {
  const s = setup('noflock', [{ name: 'app', command: ['sleep', '8210.5'] }]);
  t.teardown(() => sweep('8210.5'));
  t.equal(s.run('start').code, 0);
  const bin = join(s.dir, 'bin');
  mkdirSync(bin);
  for (const p of ['sleep', 'sh']) symlinkSync(spawnSync('sh', ['-c', `command -v ${p}`], { encoding: 'utf8' }).stdout.trim(), join(bin, p));
  const start = s.run('start', {}, { PATH: bin });
  t.equal(start.code, 1);
  t.match(start.reasons[0], /^cannot lock .*flock could not start \(ENOENT\)/, 'not "another operation on this resource"');
  const stop = s.run('stop', {}, { PATH: bin });
  t.equal(stop.code, 0);
  t.same(sleepers('8210.5'), []);
});

t.test('a record written in another boot is not ours', async (t) => {
  // a bystander in a process group of its own, as any daemon of this boot
  const bystander = spawn('sleep', ['8211.5'], { stdio: 'ignore', detached: true });
  await new Promise((r) => bystander.once('spawn', r));
  const id = identityOf(bystander.pid!, 'bystander')!;
  t.teardown(() => void signalIdentity(id, 'SIGKILL'));
  const s = setup('reboot', [{ name: 'app', command: ['sleep', '8211.6'] }]);
  // HA_RSCTMP on a disk that survived a reboot: start times count from boot, so the old
  // record's process group (its leader long gone) now holds a process started "after" it
  const dir = join(s.dir, 'run', 'ocfkit-services-reboot');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app.pid'), JSON.stringify({ pid: 999_999_99, start: '1', pgid: bystander.pid, boot: '00000000-0000-0000-0000-000000000000' }) + '\n');
  t.equal(s.run('monitor', {}, probe).code, 7, 'nothing of ours runs');
  t.equal(s.run('stop').code, 0);
  t.ok(stillRuns(id), 'the bystander was never signalled');
});
