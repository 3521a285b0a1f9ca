/**
 * The services agent's systemd backend against a real systemd (252, Debian 12), booted in a
 * minimal Debian root of its own with systemd-nspawn (test/helpers/systemd-root.ts), never over
 * the machine's `/`. The built agent (dist/resource.d/ocfkit, a single executable that needs no
 * Node) is bound read-only into the container and run there with nsenter, as Pacemaker would
 * run it: a new process, a clean environment, OCF variables. The units are
 * test/fixtures/systemd/units/, bound read-only into /usr/local/lib/systemd/system.
 *
 * OCFKIT_SYSTEMD_TEST_AGENTS=<dir> runs another build's agents instead (a dist/resource.d/ocfkit).
 *
 * Needs root, debootstrap, systemd-container and the Debian mirror (the first run builds the
 * cached root in /var/cache/ocfkit; later runs boot it in about a second).
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_AGENTS, agentPath } from '../helpers/agent.ts';
import { bootContainer, type Container } from '../helpers/nspawn-container.ts';
import { ensureRoot, missingPrerequisite } from '../helpers/systemd-root.ts';

const UNITS = join(import.meta.dirname, '..', 'fixtures', 'systemd', 'units');
const AGENT = '/opt/ocfkit/services';
/** Another build's agents (e.g. an older commit's, to see these tests fail on it). */
const AGENTS_DIR = process.env.OCFKIT_SYSTEMD_TEST_AGENTS ?? BUILT_AGENTS;
const CLEAN_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

interface AgentRun {
  code: number | null;
  reasons: string[];
  stderr: string;
  ms: number;
}

const skip = missingPrerequisite();

t.test('the systemd backend against a real systemd in its own container', { skip: skip ?? false, timeout: 600_000 }, async (t) => {
  if (!process.env.OCFKIT_SYSTEMD_TEST_AGENTS) agentPath('services'); // built?
  const root = await ensureRoot();
  t.comment(root.builtMs === null ? `cached root ${root.path}` : `built root ${root.path} in ${root.builtMs} ms`);
  const scratch = mkdtempSync(join(tmpdir(), 'ocfkit-systemd-'));
  let c: Container | null = null;
  t.teardown(async () => {
    if (c) {
      const down = await c.destroy();
      t.comment(`container ${down.how} in ${down.ms} ms`);
    }
    rmSync(scratch, { recursive: true, force: true });
  });
  c = await bootContainer(
    root.path,
    [
      { host: AGENTS_DIR, inside: '/opt/ocfkit' },
      { host: UNITS, inside: '/usr/local/lib/systemd/system' },
    ],
    { logFile: join(scratch, 'nspawn.log') },
  );
  const box = c;
  t.comment(`booted in ${box.bootMs} ms (${box.systemState})`);
  t.equal(box.systemState, 'running', 'nothing failed at boot');

  /** The agent as Pacemaker runs it: `monitor` is a recurring monitor unless `probe`. */
  const agent = async (action: string, services: string, options: { rsc?: string; probe?: boolean; timeoutMs?: number; params?: Record<string, string> } = {}): Promise<AgentRun> => {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const env: Record<string, string> = {
      PATH: CLEAN_PATH,
      OCF_ROOT: '/usr/lib/ocf',
      HA_RSCTMP: '/run/resource-agents',
      OCF_RESOURCE_INSTANCE: options.rsc ?? 'app',
      OCF_RESKEY_services: services,
      OCF_RESKEY_CRM_meta_timeout: String(timeoutMs),
    };
    if (action === 'monitor') env.OCF_RESKEY_CRM_meta_interval = options.probe ? '0' : '10000';
    for (const [k, v] of Object.entries(options.params ?? {})) env[`OCF_RESKEY_${k}`] = v;
    const r = await box.exec(['/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), AGENT, action], timeoutMs + 10_000);
    const lines = r.stderr.split('\n');
    return { code: r.exitCode, stderr: r.stderr, ms: r.durationMs, reasons: lines.filter((l) => l.startsWith('ocf-exit-reason:')).map((l) => l.slice(16)) };
  };
  const show = async (unit: string): Promise<string> => {
    const r = await box.exec(['/bin/systemctl', 'show', '-p', 'ActiveState,SubState', '--', unit]);
    return r.stdout.trim().split('\n').sort().join(' ');
  };
  const systemctl = async (...args: string[]) => {
    const r = await box.exec(['/bin/systemctl', ...args]);
    if (r.failed) throw new Error(`systemctl ${args.join(' ')}: exit ${r.exitCode}: ${r.stderr.trim()}`);
    return r;
  };

  await t.test('a plain unit: probe, start, monitor, stop', async (t) => {
    const probe = await agent('monitor', 'ocfkit-sleep', { probe: true });
    t.equal(probe.code, 7, probe.stderr);
    const start = await agent('start', 'ocfkit-sleep');
    t.equal(start.code, 0, start.stderr);
    t.equal(await show('ocfkit-sleep'), 'ActiveState=active SubState=running');
    t.equal((await agent('start', 'ocfkit-sleep')).code, 0, 'start again: already running');
    const mon = await agent('monitor', 'ocfkit-sleep');
    t.equal(mon.code, 0, mon.stderr);
    t.comment(`start ${start.ms} ms, monitor ${mon.ms} ms (nsenter + agent)`);
    const stop = await agent('stop', 'ocfkit-sleep');
    t.equal(stop.code, 0, stop.stderr);
    t.equal(await show('ocfkit-sleep'), 'ActiveState=inactive SubState=dead');
    t.equal((await agent('monitor', 'ocfkit-sleep')).code, 7);
  });

  await t.test('a unit that crashed is failed, and stop leaves it clean', async (t) => {
    t.equal((await agent('start', 'ocfkit-sleep')).code, 0);
    await systemctl('kill', '--signal=SIGKILL', '--kill-whom=main', '--', 'ocfkit-sleep');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const mon = await agent('monitor', 'ocfkit-sleep');
    t.equal(mon.code, 1);
    t.same(mon.reasons, ['service ocfkit-sleep failed: unit is failed (signal)']);
    t.equal((await agent('stop', 'ocfkit-sleep')).code, 0);
    t.equal(await show('ocfkit-sleep'), 'ActiveState=inactive SubState=dead', 'reset-failed: no failed unit left behind');
    t.equal((await agent('monitor', 'ocfkit-sleep', { probe: true })).code, 7);
  });

  await t.test('a unit crash-looping under Restart= never monitors healthy', async (t) => {
    // started by Pacemaker: start waits through activating (auto-restart) and gives up at its deadline
    const start = await agent('start', 'ocfkit-crashloop', { params: { start_timeout: '4s' } });
    t.equal(start.code, 1, start.stderr);
    t.match(start.reasons[0], /^service ocfkit-crashloop failed to start: unit (still activating \(auto-restart, exit-code\)|only just started) at its start deadline$/);
    t.ok(start.ms >= 3500, `start waited its start_timeout (${start.ms} ms)`);
    // and found crash-looping by monitor, whenever monitor looks: also in the moment it is active
    let active = 0;
    for (let i = 0; i < 8; i++) {
      const mon = await agent('monitor', 'ocfkit-crashloop');
      t.equal(mon.code, 1, `monitor ${i + 1} is a failure`);
      t.match(mon.reasons[0], /^service ocfkit-crashloop failed: unit (is activating \(auto-restart, exit-code\)|keeps restarting \(\d+ restarts, now activating \(auto-restart, exit-code\)\))$/);
      if (/keeps restarting/.test(mon.reasons[0] ?? '')) active++;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    t.comment(`${active} of 8 monitors caught it between two restarts`);
    const probe = await agent('monitor', 'ocfkit-crashloop', { probe: true });
    t.equal(probe.code, 1, 'a probe says it is there but failed, not "not running"');
    const stop = await agent('stop', 'ocfkit-crashloop');
    t.equal(stop.code, 0, stop.stderr);
    t.equal(await show('ocfkit-crashloop'), 'ActiveState=inactive SubState=dead', 'stop ended the loop');
    t.equal((await agent('monitor', 'ocfkit-crashloop')).code, 7);
  });

  await t.test('a unit that does not exist is OCF_ERR_INSTALLED', async (t) => {
    const start = await agent('start', 'ocfkit-no-such-unit');
    t.equal(start.code, 5, start.stderr);
    t.same(start.reasons, ['service ocfkit-no-such-unit failed to start: no unit ocfkit-no-such-unit on this node (LoadState=not-found)']);
    t.equal((await agent('monitor', 'ocfkit-no-such-unit', { probe: true })).code, 7, 'probe: not running');
    const mon = await agent('monitor', 'ocfkit-no-such-unit');
    t.equal(mon.code, 5, mon.stderr);
    t.equal((await agent('stop', 'ocfkit-no-such-unit')).code, 0, 'stop: nothing runs');
  });

  await t.test("a unit named '--now' is a unit name, never an option", async (t) => {
    const start = await agent('start', '--now');
    t.equal(start.code, 5, start.stderr);
    t.same(start.reasons, ['service --now failed to start: no unit --now on this node (LoadState=not-found)']);
    t.notMatch(start.stderr, /Too few arguments|unrecognized option/);
    // beside a real unit, in both orders, it changes nothing about the real one
    t.equal((await agent('start', 'ocfkit-sleep')).code, 0);
    t.equal((await agent('stop', 'ocfkit-sleep --now', { rsc: 'other' })).code, 0);
    t.equal((await agent('stop', '--now ocfkit-sleep', { rsc: 'other2' })).code, 0);
    t.equal(await show('ocfkit-sleep'), 'ActiveState=inactive SubState=dead');
  });

  await t.test('a start job that fails says what state it left the unit in', async (t) => {
    const start = await agent('start', 'ocfkit-badexec');
    t.equal(start.code, 1, start.stderr);
    // systemctl's last line is only `See "systemctl status …" and "journalctl -xeu …" for details.`
    t.match(start.stderr, /Job for ocfkit-badexec.service failed/);
    t.same(start.reasons, ['service ocfkit-badexec failed to start: systemctl start exit 1: unit is failed (exit-code)']);
    t.equal((await agent('stop', 'ocfkit-badexec')).code, 0);
    t.equal(await show('ocfkit-badexec'), 'ActiveState=inactive SubState=dead');
  });

  await t.test('start waits through activating (start) of a Type=notify unit', async (t) => {
    const start = await agent('start', 'ocfkit-notify-slow');
    t.equal(start.code, 0, start.stderr);
    t.ok(start.ms >= 2000, `start waited for READY=1 (${start.ms} ms)`);
    t.equal((await agent('monitor', 'ocfkit-notify-slow')).code, 0);
    t.equal((await agent('stop', 'ocfkit-notify-slow')).code, 0);
  });

  await t.test('reloading is running; deactivating is not', async (t) => {
    t.equal((await agent('start', 'ocfkit-slowstop')).code, 0);
    await systemctl('reload', '--no-block', '--', 'ocfkit-slowstop');
    t.equal(await show('ocfkit-slowstop'), 'ActiveState=reloading SubState=reload');
    const reloading = await agent('monitor', 'ocfkit-slowstop');
    t.equal(reloading.code, 0, reloading.stderr);
    await systemctl('start', '--', 'ocfkit-slowstop'); // waits for the reload to end
    // someone else stops it: while it takes its 3 s to stop, it is no longer a healthy service
    await systemctl('stop', '--no-block', '--', 'ocfkit-slowstop');
    const stopping = await agent('monitor', 'ocfkit-slowstop');
    t.equal(stopping.code, 1);
    t.same(stopping.reasons, ['service ocfkit-slowstop failed: unit is deactivating (stop)']);
    const stop = await agent('stop', 'ocfkit-slowstop');
    t.equal(stop.code, 0, stop.stderr);
    t.equal(await show('ocfkit-slowstop'), 'ActiveState=inactive SubState=dead');
  });
});
