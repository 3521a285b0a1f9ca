import t, { type Test } from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labUp, applyStack, waitSettled, hardKillFailover, defaultDistDir, SERVICES, DUMMY, type Lab } from '../../lib/lab/index.ts';
import { outcome } from '../../lib/exec/run.ts';
import { assertNothingLeft, cannotRun, testLog, withCleanLab } from './fixtures/harness.ts';

const NAME = 'ot-services';
const AGENT = join(defaultDistDir(), 'resource.d', 'ocfkit', 'services');
const SERVICES_JSON = JSON.stringify([
  { name: 'mq', command: ['/bin/sleep', '86401'] },
  { name: 'sched', command: ['/bin/sleep', '86402'] },
]);

/** The services' processes running in a node (found by namespace, then by command line). */
function serviceProcesses(lab: Lab, node: string): string[] {
  return lab
    .processes(node)
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      } catch {
        return '';
      }
    })
    .filter((cmd) => /^\/bin\/sleep 8640[12]$/.test(cmd))
    .sort();
}

async function pcs(t: Test, lab: Lab, args: string[]): Promise<void> {
  const r = await lab.exec('node1', ['pcs', ...args], { timeoutMs: 60_000 });
  t.equal(r.exitCode, 0, `pcs ${args.slice(0, 3).join(' ')}`, { result: outcome(r), stderr: r.stderr });
}

const skip = cannotRun() ?? (existsSync(AGENT) ? false : `ocf:ocfkit:services is not built (${AGENT} missing): run 'npm run build'`);

t.test('ocf:ocfkit:services follows the Promoted instance through a hard-kill failover', { skip }, async (t) => {
  await withCleanLab(t, NAME);
  const lab = await labUp({ name: NAME, nodes: 2, token: 1000, log: testLog });
  const seen = await lab.exec('node1', ['crm_resource', '--list-agents', 'ocf:ocfkit']);
  t.match(seen.stdout, /^services$/m, 'the nodes see the ocfkit provider at the standard OCF path');
  await applyStack(lab, {});
  await waitSettled(lab, {});
  // Created with pcs, as an operator would: pcs also validates the agent's meta-data.
  await pcs(t, lab, ['resource', 'create', SERVICES, 'ocf:ocfkit:services', `services=${SERVICES_JSON}`, 'op', 'monitor', 'interval=2s']);
  await pcs(t, lab, ['constraint', 'colocation', 'add', SERVICES, 'with', 'Promoted', 'stateful-clone', 'INFINITY']);
  await pcs(t, lab, ['constraint', 'order', 'promote', 'stateful-clone', 'then', 'start', SERVICES]);
  const stack = { services: [] as { name: string; command: string[] }[] };
  const before = await waitSettled(lab, stack);
  t.same(before.started[SERVICES], [before.promoted], 'svc runs with Promoted');
  t.equal(serviceProcesses(lab, before.promoted).length, 2, 'both services run on the Promoted node');
  const other = lab.nodes.find((n) => n !== before.promoted)!;
  t.same(serviceProcesses(lab, other), [], 'and not on the other');

  const tl = await hardKillFailover(lab, stack);
  t.equal(tl.survivor, other);
  t.not(tl.fencedMs, null, 'victim fenced');
  t.not(tl.startedMs[SERVICES], null, 'svc started on the survivor');
  t.not(tl.startedMs[DUMMY], null, 'Dummy started on the survivor');
  t.same(
    serviceProcesses(lab, tl.survivor),
    ['/bin/sleep 86401', '/bin/sleep 86402'],
    'both services run on the survivor',
  );
  const monitor = await lab.exec(tl.survivor, ['crm_resource', '--resource', SERVICES, '--force-check'], { timeoutMs: 30_000 });
  t.equal(monitor.exitCode, 0, 'monitor on the survivor says running', { stdout: monitor.stdout, stderr: monitor.stderr });
  t.comment(`svc started ${tl.startedMs[SERVICES]} ms after the kill (Dummy ${tl.startedMs[DUMMY]} ms)`);

  await lab.down();
  assertNothingLeft(t, NAME);
});
