/**
 * The services agent under a real single-node Pacemaker cluster (corosync + pacemakerd in the
 * foreground, inside the lab's namespaces): created with pcs, three services in order, one
 * killed and recovered by Pacemaker's monitor, disabled and stopped in reverse.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labUp, type Lab } from '../../lib/lab/index.ts';
import { ROOT, scratch } from '../helpers/agent.ts';
import type { ServicesStatus } from '../../lib/services/status-file.ts';

const LAB = 'ocfkit-svc1';
const SERVICE = join(import.meta.dirname, '..', 'fixtures', 'bin', 'ordered-service');

async function statusFile(lab: Lab): Promise<ServicesStatus | null> {
  const r = await lab.exec('node1', ['cat', '/run/resource-agents/ocfkit-services-svc.json']);
  return r.failed ? null : (JSON.parse(r.stdout) as ServicesStatus);
}

async function pcs(t: Test, lab: Lab, args: string[]) {
  const r = await lab.exec('node1', ['pcs', ...args], { timeoutMs: 60_000 });
  t.equal(r.exitCode, 0, `pcs ${args.join(' ')}: ${r.stderr}`);
  return r;
}

/**
 * scripts/build.mjs into `distDir` (its own staging folder beside it, swapped in at the end). This
 * test's cluster runs the agents from a private build, so that its rebuild under the running
 * cluster never swaps the dist/ that the other test job's clusters run from.
 */
function build(distDir: string) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', OCFKIT_DIST_DIR: distDir } });
}

t.test('services agent in a single-node cluster', async (t) => {
  await labDown(LAB);
  const dir = scratch('svc-cluster');
  const distDir = join(dir, 'dist');
  const first = build(distDir);
  if (first.status !== 0) throw new Error(`build into ${distDir}: ${first.stderr}`);
  const lab = await labUp({ name: LAB, nodes: 1, stonith: false, distDir });
  t.teardown(async () => {
    await lab.down();
    rmSync(distDir, { recursive: true, force: true }); // ~100 MB (the agents' single executable)
  });

  const order = join(dir, 'order.log');
  writeFileSync(order, '');
  const services = ['mq', 'sched', 'db'].map((name) => ({ name, command: [SERVICE, name, order], stop_timeout: '5s' }));

  const describe = await pcs(t, lab, ['resource', 'describe', 'ocf:ocfkit:services']);
  t.match(describe.stdout, /^ocf:ocfkit:services - Starts services in order on the active node/);
  t.equal(describe.stderr.trim(), '', 'pcs has no warning about the meta-data');

  await pcs(t, lab, [
    'resource', 'create', 'svc', 'ocf:ocfkit:services',
    `services=${JSON.stringify(services)}`, `log_dir=${join(dir, 'log')}`,
    'op', 'monitor', 'interval=2s', 'timeout=20s',
  ]);

  const started = await lab.waitFor(async () => {
    const s = await statusFile(lab);
    return s && s.steps.every((x) => x.state === 'started') ? s : null;
  }, { timeoutMs: 60_000, what: 'svc started' });
  t.same(started.steps.map((s) => s.name), ['mq', 'sched', 'db']);
  t.equal(started.node, 'node1');
  t.same(readFileSync(order, 'utf8').trim().split('\n'), ['start mq', 'start sched', 'start db'], 'started in order');

  // kill one service behind Pacemaker's back: the recurring monitor must notice and recover
  const sched = started.steps.find((s) => s.name === 'sched')!;
  process.kill(sched.pid!, 'SIGKILL');
  const failcount = await lab.waitFor(async () => {
    const r = await lab.exec('node1', ['crm_failcount', '--query', '-r', 'svc', '-N', 'node1']);
    const m = /value=(\d+)/.exec(r.stdout);
    return m && Number(m[1]) >= 1 ? Number(m[1]) : null;
  }, { timeoutMs: 30_000, what: 'fail count on svc' });
  t.equal(failcount, 1, 'the monitor caught the dead service once');
  const xml = await lab.crmMonXml('node1');
  t.match(xml, /<failure op_key="svc_monitor_2000"[^>]*exitreason="service sched failed: process \d+ is gone/, 'the exit reason names the service');

  const recovered = await lab.waitFor(async () => {
    const s = await statusFile(lab);
    return s && s.action === 'start' && s.steps.every((x) => x.state === 'started') && s.steps.find((x) => x.name === 'sched')!.pid !== sched.pid ? s : null;
  }, { timeoutMs: 60_000, what: 'svc recovered' });
  t.ok(recovered.steps.every((s) => s.pid! > 1), 'all three run again');
  const afterRecovery = readFileSync(order, 'utf8').trim().split('\n');
  t.same(afterRecovery.slice(3), ['stop db', 'stop mq', 'start mq', 'start sched', 'start db'], 'recovery: stop (sched was already dead), then start in order');

  // a rebuild while the cluster runs the agents from its dist must not disturb them
  const rebuilt = build(distDir);
  t.equal(rebuilt.status, 0, rebuilt.stderr);
  t.same(readdirSync(dir).filter((f) => f.startsWith('.dist-')), [], 'no staging folder left beside it');
  await new Promise((resolve) => setTimeout(resolve, 7_000)); // three monitor intervals and more
  const after = await lab.exec('node1', ['crm_failcount', '--query', '-r', 'svc', '-N', 'node1']);
  t.match(after.stdout, /value=1\b/, 'no new failure while dist/ was rebuilt');

  await pcs(t, lab, ['resource', 'disable', 'svc']);
  const stopped = await lab.waitFor(async () => {
    const s = await statusFile(lab);
    return s && s.steps.every((x) => x.state === 'stopped') ? s : null;
  }, { timeoutMs: 60_000, what: 'svc stopped' });
  t.equal(stopped.action, 'stop');
  t.same(readFileSync(order, 'utf8').trim().split('\n').slice(-3), ['stop db', 'stop sched', 'stop mq'], 'stopped in reverse order');

  const down = await lab.down();
  t.equal(down.existed, true, 'down found the lab');
  t.ok(down.killed > 0, `down killed the node's processes (${down.killed}): the cluster ran until then`);
  t.same(lab.leftovers().processes, [], 'no process left');
});
