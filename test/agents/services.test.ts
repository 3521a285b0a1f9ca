import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { agentPath, CLEAN_PATH, runBuiltAgent, scratch, spawnClean } from '../helpers/agent.ts';
import type { ServicesStatus } from '../../lib/services/status-file.ts';

const FIXTURE_BIN = join(import.meta.dirname, '..', 'fixtures', 'bin');

/** A unique sleep duration marks the processes of one test so they can be found with ps. */
function sleeper(tag: number): string[] {
  return ['/bin/sleep', `${tag}.5`];
}

function processesOf(tag: number): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .filter((l) => l.trim().endsWith(`sleep ${tag}.5`))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

function setup(name: string, services: unknown[]) {
  const dir = scratch(name);
  const env = { HA_RSCTMP: join(dir, 'run'), OCF_RESOURCE_INSTANCE: name };
  const params = { services: JSON.stringify(services), log_dir: join(dir, 'log') };
  const status = () => JSON.parse(readFileSync(join(dir, 'run', `ocfkit-services-${name}.json`), 'utf8')) as ServicesStatus;
  const run = (action: string, extra: Record<string, string> = {}, extraEnv: Record<string, string> = {}) =>
    runBuiltAgent('services', action, { ...params, ...extra }, { ...env, ...extraEnv });
  return { dir, env, params, status, run };
}

t.test('ocf-tester passes with real services', async (t) => {
  const tag = 7001;
  const s = setup('tester', [
    { name: 'mq', command: sleeper(tag) },
    { name: 'sched', command: sleeper(tag), check: ['/bin/true'] },
    { name: 'db', command: sleeper(tag) },
  ]);
  const r = spawnClean(
    'ocf-tester',
    ['-n', 'svc1', '-o', `services=${s.params.services}`, '-o', `log_dir=${s.params.log_dir}`, agentPath('services')],
    { PATH: CLEAN_PATH, HA_RSCTMP: s.env.HA_RSCTMP },
  );
  t.equal(r.status, 0, r.stdout + r.stderr);
  t.match(r.stdout, /passed all tests/);
  t.notMatch(r.stdout, /failed/i);
  t.same(processesOf(tag), [], 'ocf-tester stopped everything');
});

t.test('start in order, monitor, kill one, stop in reverse', async (t) => {
  const tag = 7002;
  const s = setup('order', [
    { name: 'mq', command: sleeper(tag) },
    { name: 'sched', command: sleeper(tag) },
    { name: 'db', command: sleeper(tag) },
  ]);
  t.teardown(() => void s.run('stop'));

  t.equal(s.run('monitor', {}, { OCF_RESKEY_CRM_meta_interval: '0' }).code, 7, 'probe before start: not running');
  const start = s.run('start');
  t.equal(start.code, 0, start.stderr);
  const order = start.lines.filter((l) => / starting service /.test(l)).map((l) => / starting service (\w+)/.exec(l)![1]);
  t.same(order, ['mq', 'sched', 'db']);
  t.equal(processesOf(tag).length, 3);
  const st = s.status();
  t.same(st.steps.map((x) => [x.name, x.state]), [['mq', 'started'], ['sched', 'started'], ['db', 'started']]);
  t.ok(st.steps.every((x) => typeof x.durationMs === 'number' && x.pid! > 1));
  t.equal(st.action, 'start');

  t.equal(s.run('start').code, 0, 'start again is a no-op success');
  t.equal(processesOf(tag).length, 3, 'and starts nothing twice');
  t.equal(s.run('monitor').code, 0);

  const sched = s.status().steps.find((x) => x.name === 'sched')!;
  process.kill(sched.pid!, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
  const mon = s.run('monitor');
  t.equal(mon.code, 1, 'a dead service is OCF_ERR_GENERIC');
  t.match(mon.reasons[0], /^service sched failed: process \d+ is gone/);
  t.equal(s.status().steps.find((x) => x.name === 'sched')!.state, 'failed', 'the failure is recorded');

  const stop = s.run('stop');
  t.equal(stop.code, 0, stop.stderr);
  const stopOrder = stop.lines.filter((l) => / service \w+ stopped/.test(l)).map((l) => / service (\w+) stopped/.exec(l)![1]);
  t.same(stopOrder, ['db', 'sched', 'mq'], 'reverse order');
  t.same(processesOf(tag), []);
  t.equal(s.run('monitor').code, 7, 'all stopped');
  t.equal(s.run('stop').code, 0, 'stop when stopped succeeds');
});

t.test('a service that never gets ready is cut at its deadline and leaves nothing', async (t) => {
  const tag = 7003;
  const s = setup('hang', [
    { name: 'first', command: sleeper(tag) },
    { name: 'stuck', command: sleeper(tag), check: ['/bin/false'], start_timeout: '1s' },
    { name: 'never', command: sleeper(tag) },
  ]);
  const began = Date.now();
  const start = s.run('start');
  t.equal(start.code, 1);
  t.match(start.reasons[0], /^service stuck failed to start: not ready before its start deadline \(check exit 1\); stopped again/);
  t.ok(Date.now() - began < 10_000, 'cut after about a second, not the whole operation timeout');
  const st = s.status();
  t.same(st.steps.map((x) => x.state), ['started', 'failed', 'pending']);
  t.equal(processesOf(tag).length, 1, 'only the first service runs');
  t.equal(s.run('monitor').code, 1, 'partly started is a failure');
  t.equal(s.run('stop').code, 0);
  t.same(processesOf(tag), [], 'nothing half-started after stop');
});

t.test('a start command that hangs is cut by the operation deadline', async (t) => {
  const tag = 7004;
  const dir = scratch('forking');
  const s = setup('forkhang', [{ name: 'daemon', command: sleeper(tag), pidfile: join(dir, 'never.pid') }]);
  const began = Date.now();
  const start = s.run('start', {}, { OCF_RESKEY_CRM_meta_timeout: '3000' });
  const took = Date.now() - began;
  t.equal(start.code, 1);
  t.match(start.reasons[0], /service daemon failed to start: start command timed out/);
  t.ok(took < 3000, `answered before Pacemaker's timeout (${took} ms)`);
  t.same(processesOf(tag), [], 'the hung command was killed');
  t.equal(s.run('stop').code, 0);
});

t.test('bad input', async (t) => {
  const s = setup('bad', [{ name: 'a', command: ['/bin/true'] }]);
  const missing = runBuiltAgent('services', 'start', {}, s.env);
  t.equal(missing.code, 6, 'missing required parameter: OCF_ERR_CONFIGURED');
  t.same(missing.reasons, ["required parameter 'services' is not set"]);

  const badJson = s.run('validate-all', { services: '[{"name":"a","command":"/bin/true"}]' });
  t.equal(badJson.code, 6);
  t.same(badJson.reasons, ["parameter 'services': services[0].command: must be a non-empty array of strings (an argument vector, no shell)"]);

  const badTime = s.run('start', { start_timeout: 'later' });
  t.equal(badTime.code, 6);
  t.same(badTime.reasons, ["parameter 'start_timeout' must be a time, got 'later'"]);

  t.equal(s.run('migrate_to').code, 3, 'unknown action: OCF_ERR_UNIMPLEMENTED');

  const absent = { services: JSON.stringify([{ name: 'x', command: ['/opt/ocfkit-absent/bin/x'] }]) };
  const notInstalled = s.run('start', absent);
  t.equal(notInstalled.code, 5, 'missing program: OCF_ERR_INSTALLED');
  t.same(notInstalled.reasons, ["program '/opt/ocfkit-absent/bin/x' of service 'x' is not installed"]);
  t.equal(s.run('monitor', absent, { OCF_RESKEY_CRM_meta_interval: '0' }).code, 7, 'probe: not running');
  t.equal(s.run('validate-all', absent).code, 0, 'validate-all at check level 0: the parameters alone are fine');
  t.equal(s.run('validate-all', absent, { OCF_CHECK_LEVEL: '10' }).code, 5, 'validate-all at check level 10: the program is missing here');
  t.equal(s.run('stop', absent).code, 0, 'stop: nothing to stop');

  for (const r of [missing, badJson, badTime, notInstalled]) {
    t.equal(r.stdout, '', 'nothing on stdout');
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  t.notOk(existsSync(join(s.dir, 'run', 'ocfkit-services-bad.json')), 'no state written for bad input');
});

t.test('systemd units through systemctl', async (t) => {
  const dir = scratch('systemd');
  const unitDir = join(dir, 'units');
  mkdirSync(unitDir);
  const env = { HA_RSCTMP: join(dir, 'run'), OCF_RESOURCE_INSTANCE: 'units', PATH: `${FIXTURE_BIN}:${CLEAN_PATH}`, FAKE_SYSTEMD_DIR: unitDir };
  const run = (action: string, services: string) => runBuiltAgent('services', action, { services }, env);

  t.equal(run('monitor', 'rabbitmq-server postgresql').code, 7);
  t.equal(run('start', 'rabbitmq-server postgresql').code, 0);
  t.equal(readFileSync(join(unitDir, 'postgresql'), 'utf8').trim(), 'active');
  t.equal(run('monitor', 'rabbitmq-server postgresql').code, 0);
  writeFileSync(join(unitDir, 'postgresql'), 'failed\n');
  const mon = run('monitor', 'rabbitmq-server postgresql');
  t.equal(mon.code, 1);
  t.same(mon.reasons, ['service postgresql failed: unit is failed (exit-code)']);
  t.equal(run('stop', 'rabbitmq-server postgresql').code, 0);
  t.equal(run('monitor', 'rabbitmq-server postgresql').code, 7);
  const calls = readFileSync(join(unitDir, 'calls.log'), 'utf8').split('\n').filter((l) => /^(start|stop) /.test(l));
  t.same(calls, ['start rabbitmq-server', 'start postgresql', 'stop postgresql', 'stop rabbitmq-server']);

  const failing = run('start', 'a-unit fail-unit');
  t.equal(failing.code, 1);
  t.equal(failing.reasons[0], 'service fail-unit failed to start: systemctl start exit 1: unit is failed (exit-code)');
  t.equal(run('stop', 'a-unit fail-unit').code, 0);
});

t.test('without systemd: probes say not running, stop succeeds, start is not installed', async (t) => {
  const dir = scratch('nosystemd');
  const env = { HA_RSCTMP: join(dir, 'run'), OCF_RESOURCE_INSTANCE: 'nosd' };
  // this machine has a systemctl binary but systemd is not PID 1: the real tool answers
  const start = runBuiltAgent('services', 'start', { services: 'some-unit' }, env);
  t.equal(start.code, 5, start.stderr);
  t.same(start.reasons, ['service some-unit failed to start: systemd is not running on this node']);
  t.equal(runBuiltAgent('services', 'monitor', { services: 'some-unit' }, { ...env, OCF_RESKEY_CRM_meta_interval: '0' }).code, 7);
  t.equal(runBuiltAgent('services', 'stop', { services: 'some-unit' }, env).code, 0);
});
