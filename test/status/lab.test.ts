/**
 * `ocfkit status` inside a node of the namespace lab (lab ocfkit-st1, the full stack: DRBD
 * simulator, Filesystem, VIP, HAProxy retarget, three services, fencing, the alert agent writing
 * the event log): before a failover it names node1 active; after a hard kill of node1 it names
 * node2 active, and shows every step of the takeover — fencing, promote, mount, VIP, HAProxy,
 * each service — done, with Pacemaker's start times and durations; the report fits 80 columns.
 * Needs root and `npm run build`.
 */
import t from 'tap';
import { hardKillFullFailover, labUp, waitStackRunning, type Lab } from '../../lib/lab/index.ts';
import type { StatusReport } from '../../lib/status/report.ts';
import { cannotRunFullStack, testLog, withCleanLab } from '../lab/fixtures/harness.ts';

const NAME = 'ocfkit-st1';
const skip = cannotRunFullStack() ?? false;

async function status(lab: Lab, node: string): Promise<{ report: StatusReport; text: string; code: number | null }> {
  const j = await lab.exec(node, ['ocfkit', 'status', '--json'], { timeoutMs: 30_000 });
  const text = await lab.exec(node, ['ocfkit', 'status'], { timeoutMs: 30_000 });
  if (!j.stdout.startsWith('{')) throw new Error(`ocfkit status --json on ${node}: ${j.exitCode} ${j.stderr} ${j.stdout}`);
  return { report: JSON.parse(j.stdout) as StatusReport, text: text.stdout, code: j.exitCode };
}

t.test('ocfkit status in a lab node, before and after a hard-kill failover', { skip, timeout: 420_000 }, async (t) => {
  await withCleanLab(t, NAME);
  const lab = await labUp({ name: NAME, stack: 'full', token: 1000, log: testLog, timeoutMs: 180_000 });
  await waitStackRunning(lab, { timeoutMs: 60_000 });

  const before = await status(lab, 'node1');
  t.comment(before.text);
  t.equal(before.report.activeNode, 'node1');
  t.match(before.report.stack, { clone: 'drbd-data-clone', fs: 'fs-data', vip: 'vip', haproxy: 'haproxy-target', services: 'app-services' });
  t.match(before.report.drbd[0], { name: 'r0', local: { role: 'Primary', disk: 'UpToDate' }, connection: 'Connected', peer: { node: 'node2', disk: 'UpToDate' } });
  t.equal(before.report.cluster.fencingConfigured, true);

  const tl = await hardKillFullFailover(lab, { timeoutMs: 90_000 });
  t.equal(tl.survivor, 'node2');
  // the last step (the services) is in the event log a moment after Pacemaker records it
  const after = await lab.waitFor(async () => {
    const s = await status(lab, 'node2');
    return s.report.failover?.state === 'done' && s.report.failover.steps.some((x) => x.kind === 'fencing' && x.state === 'done') ? s : null;
  }, { timeoutMs: 30_000, intervalMs: 1000, what: 'a finished takeover in ocfkit status' });
  t.comment(after.text);
  const r = after.report;
  t.equal(r.activeNode, 'node2');
  t.match(r.failover, { from: 'node1', to: 'node2', state: 'done' });
  const steps = r.failover!.steps;
  t.same(steps.map((s) => [s.kind, s.name, s.state]), [
    ['fencing', 'fence node1', 'done'], ['promote', 'drbd-data', 'done'], ['mount', 'fs-data', 'done'], ['vip', 'vip', 'done'],
    ['haproxy', 'haproxy-target', 'done'], ['services', 'app-services', 'done'], ['service', 'mq', 'done'], ['service', 'sched', 'done'], ['service', 'db', 'done'],
  ]);
  for (const s of steps) {
    t.ok(s.endedAt && Date.parse(s.endedAt) >= tl.killedAt - 1000, `${s.name} ended after the kill (${s.endedAt})`);
    if (s.kind !== 'fencing') t.ok(s.durationMs !== null && s.durationMs >= 0, `${s.name}: ${s.durationMs} ms`);
  }
  const ends = steps.filter((s) => s.kind !== 'service').map((s) => Date.parse(s.endedAt!));
  t.same(ends, [...ends].sort((a, b) => a - b), 'fencing → promote → mount → VIP → HAProxy → services, in that order');
  t.match(after.text, /Last takeover: node1 → node2 at /);
  t.same(after.text.split('\n').filter((l) => [...l].length > 80), [], '80 columns');
  t.notMatch(after.text, /\x1b/, 'no colour off a TTY');
  t.ok(r.sources.find((s) => s.name === 'event-log')?.ok, 'the event log was read');
  await lab.down();
});
