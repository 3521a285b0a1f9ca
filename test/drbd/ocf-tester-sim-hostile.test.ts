/**
 * ocf-tester against the DRBD simulator (test/drbd-sim, a test double), not the stand-ins: two
 * simulated nodes on the host (127.0.0.2 / 127.0.0.3, as test/drbd-sim/helpers.ts does), node2
 * up and connected, ocf-tester driving node1's resource through start, monitor, promote, demote,
 * stop, probes and notify. The real crm_attribute is on PATH: with no cluster it fails, and every
 * action must still answer (the score is written again by the next monitor).
 *
 * What ocf-tester needed: HA_RSCTMP writable by nobody (it runs a monitor as nobody), the
 * simulator's DRBD_SIM_* folders readable by nobody, and drbdconf passed as a parameter.
 */
import t from 'tap';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { agentPath, CLEAN_PATH, scratch, spawnClean } from '../helpers/agent.ts';
import { twoHostNodes, waitFor } from '../drbd-sim/helpers.ts';

t.test('ocf-tester passes against the DRBD simulator', async (t) => {
  const dir = join(scratch('drbd-sim-tester'), 'w');
  const [n1, n2] = twoHostNodes(dir);
  t.teardown(async () => {
    await n1.cleanup();
    await n2.cleanup();
  });
  for (const d of [dir, n1.root, n2.root]) chmodSync(d, 0o777);
  chmodSync(join(dir, '..'), 0o777);
  for (const n of [n1, n2]) {
    await n.must('drbdadm', 'create-md', 'r0');
    await n.must('drbdadm', 'up', 'r0');
  }
  await waitFor('connected', async () => (await n1.run('drbdadm', 'cstate', 'r0')).stdout.trim() === 'Connected', 10_000);
  await n1.must('drbdadm', 'new-current-uuid', '--clear-bitmap', 'r0');
  await n1.must('drbdadm', 'down', 'r0'); // ocf-tester starts from stopped
  const rsctmp = join(dir, 'rsctmp');
  mkdirSync(rsctmp, { mode: 0o777 });
  chmodSync(rsctmp, 0o777);
  const r = spawnClean('ocf-tester', ['-v', '-n', 'drbd_r0', '-o', 'drbd_resource=r0', '-o', `drbdconf=${n1.conf}`, '-o', 'wfc_timeout=3', agentPath('drbd')], {
    ...n1.env,
    PATH: `${n1.env.PATH}:${CLEAN_PATH}`,
    HA_RSCTMP: rsctmp,
  }, 180_000);
  t.equal(r.status, 0, r.status === 0 ? 'ocf-tester exit 0' : r.stdout.slice(-4000) + r.stderr.slice(-4000));
  t.match(r.stdout, /passed all tests/);
  t.notMatch(r.stdout, /^\* /m, 'no "* rc=…" failure line of ocf-tester');
  // it really went through DRBD: the simulator made node1 Primary and Secondary again, and
  // node1 ends stopped (ocf-tester's last action is a stop)
  t.match(r.stdout + r.stderr, /cmd="drbdadm -c \S+ primary r0" rc=0/, 'promoted through drbdadm primary');
  t.match(r.stdout + r.stderr, /cmd="drbdadm -c \S+ secondary r0" rc=0/, 'demoted through drbdadm secondary');
  t.equal((await n1.run('drbdadm', 'role', 'r0')).rc, 10, 'node1 is down at the end');
  t.equal((await n2.run('drbdadm', 'dstate', 'r0')).stdout.trim(), 'UpToDate/DUnknown', 'node2 kept UpToDate data');
});
