/**
 * The DRBD simulator's configurable hang (test double): a `drbdsetup` call that never answers,
 * for testing deadlines. `<run>/hang-next` hangs exactly one matching call; `DRBD_SIM_HANG` and
 * `<run>/hang` hang every matching call.
 */
import t from 'tap';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { existsSync, rmSync } from 'node:fs';
import { twoHostNodes, runCmd } from './helpers.ts';

const dir = join(tmpdir(), `drbd-sim-hang-${process.pid}`);
const [n1] = twoHostNodes(dir);
t.teardown(async () => {
  await n1.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

t.test('hang-next hangs one matching call, then is used up', async (t) => {
  await n1.must('drbd-sim', 'hang', '30', 'events2', '--once');
  const other = await n1.run('drbdsetup', 'status', 'r0');
  t.equal(other.rc, 10, 'a call of another subcommand is not held (and r0 is not up)');
  t.ok(existsSync(join(n1.root, 'run', 'hang-next')), 'so the hang is still armed');
  const started = Date.now();
  const hung = await runCmd(['drbdsetup', 'events2', '--now', 'r0'], n1.env, 1500);
  t.equal(hung.rc, 124, 'the matching call is cut by the caller deadline');
  t.ok(Date.now() - started >= 1400, 'after the deadline, not before');
  t.notOk(existsSync(join(n1.root, 'run', 'hang-next')), 'used up');
  const next = await n1.run('drbdsetup', 'events2', '--now', 'r0');
  t.same([next.rc, next.stdout], [0, 'exists -\n'], 'the next call answers at once');
});

t.test('DRBD_SIM_HANG holds every matching call', async (t) => {
  const r = await runCmd(['drbdadm', 'status', 'r0'], { ...n1.env, DRBD_SIM_HANG: '30 status' }, 1000);
  t.equal(r.rc, 124);
  const v = await runCmd(['drbdadm', '--version'], { ...n1.env, DRBD_SIM_HANG: '30 status' }, 5000);
  t.equal(v.rc, 0, 'other commands answer');
});
