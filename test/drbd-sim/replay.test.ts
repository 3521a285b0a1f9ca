/**
 * The DRBD simulator (test double) replays the real drbd-vm scenario (DRBD 8.4.11, drbd-utils 9.22)
 * with the same commands, on two simulated nodes on the host (127.0.0.2 / 127.0.0.3), and each
 * state's outputs must parse (drbd-status-parser) to the same model as the capture, volatile
 * numbers excluded (helpers.ts `stable`). Outputs without numbers must be byte-identical.
 */
import t from 'tap';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { twoHostNodes, COMPARED, capture, model, waitFor, type HostNode } from './helpers.ts';

const dir = join(tmpdir(), `drbd-sim-replay-${process.pid}`);
// Initial full sync of 1 GiB at 50 MiB/s: ~20 s, long enough to read state 02 mid-sync on a busy machine.
const [n1, n2] = twoHostNodes(dir, { DRBD_SIM_RESYNC_KIBPS: '50000', DRBD_SIM_WRITE_KIBPS: '64' });
t.teardown(async () => {
  await n1.cleanup();
  await n2.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Outputs whose bytes must equal the capture (no counters in them). */
const EXACT = new Set(['drbdadm-status', 'drbdsetup-status', 'drbdsetup-events2-now', 'drbdadm-role', 'drbdadm-cstate', 'drbdadm-dstate']);
const ALL = [...COMPARED, { file: 'drbdsetup-status', argv: ['drbdsetup', 'status', 'r0'] }];

async function compare(tt: Tap.Test, state: string, node: HostNode, opts: { exact?: boolean } = {}): Promise<void> {
  for (const { file, argv } of ALL) {
    const want = capture(state, node.name, file);
    if (!want) continue;
    const got = await node.run(...argv);
    const what = `${state} ${node.name} ${argv.join(' ')}`;
    tt.equal(got.rc, want.rc, `${what}: exit code`);
    if (want.rc !== 0 || want.stdout.trim() === '') {
      tt.equal(got.stdout, want.stdout, `${what}: stdout`);
      tt.equal(got.stderr, want.stderr, `${what}: stderr`);
      continue;
    }
    tt.same(model(file, got.stdout), model(file, want.stdout), `${what}: same model as the capture`);
    if (opts.exact !== false && EXACT.has(file)) tt.equal(got.stdout, want.stdout, `${what}: byte-identical`);
  }
}

const cstate = async (n: HostNode): Promise<string> => (await n.run('drbdadm', 'cstate', 'r0')).stdout.trim();
const dstate = async (n: HostNode): Promise<string> => (await n.run('drbdadm', 'dstate', 'r0')).stdout.trim();

t.test('the drbd-vm scenario, state by state', async (t) => {
  for (const n of [n1, n2]) {
    await n.must('drbdadm', 'create-md', 'r0');
    await n.must('drbdadm', 'up', 'r0');
  }
  await waitFor('01 connected', async () => (await cstate(n1)) === 'Connected' && (await cstate(n2)) === 'Connected');
  for (const n of [n1, n2]) await compare(t, '01-fresh-md-connected-secondary-secondary-inconsistent', n);

  await n1.must('drbdadm', 'new-current-uuid', '--clear-bitmap', 'r0');
  await waitFor('01b UpToDate on both', async () => (await dstate(n2)) === 'UpToDate/UpToDate' && (await dstate(n1)) === 'UpToDate/UpToDate');
  for (const n of [n1, n2]) await compare(t, '01b-after-new-current-uuid-clear-bitmap-uptodate', n);

  // 02 was taken on a fresh pair: fresh metadata again, then primary --force on node1.
  for (const n of [n1, n2]) await n.must('drbdadm', 'down', 'r0');
  for (const n of [n1, n2]) await n.must('drbdadm', 'create-md', '--force', 'r0');
  for (const n of [n1, n2]) await n.must('drbdadm', 'up', 'r0');
  await waitFor('connected again', async () => (await cstate(n1)) === 'Connected');
  const refused = await n2.run('drbdadm', 'primary', 'r0');
  t.equal(refused.rc, 17, 'primary on Inconsistent/Inconsistent is refused with exit 17');
  t.equal(refused.stderr, "0: State change failed: (-2) Need access to UpToDate data\nCommand 'drbdsetup-84 primary 0' terminated with exit code 17\n");
  await n1.must('drbdadm', 'primary', '--force', 'r0');
  await waitFor('02 SyncSource', async () => (await cstate(n1)) === 'SyncSource' && (await cstate(n2)) === 'SyncTarget');
  for (const n of [n1, n2]) await compare(t, '02-initial-sync-in-progress', n, { exact: false }); // done:NN.NN differs

  await waitFor('02 sync done', async () => (await dstate(n1)) === 'UpToDate/UpToDate', 60_000);
  await n1.must('drbdadm', 'secondary', 'r0');
  for (const n of [n1, n2]) await compare(t, '03-connected-secondary-secondary-uptodate', n);

  await n1.must('drbdadm', 'primary', 'r0');
  await waitFor('04 peer sees Primary', async () => (await n2.run('drbdadm', 'role', 'r0')).stdout === 'Secondary/Primary\n');
  for (const n of [n1, n2]) await compare(t, '04-connected-primary-secondary-uptodate', n);

  const killedAt = Date.now();
  n2.kill();
  await waitFor('05 WFConnection', async () => (await cstate(n1)) === 'WFConnection', 3000, 50);
  t.ok(Date.now() - killedAt < 2500, `survivor lost the connection ${Date.now() - killedAt} ms after the kill`);
  await compare(t, '05-peer-killed-primary-wfconnection', n1);

  n2.reboot();
  await compare(t, '06-rebooted-peer-drbd-not-started', n2);

  // 07: 300 MB written on node1 meanwhile; node2 comes back: bitmap resync from node1.
  await n1.must('drbd-sim', 'write', 'r0', '450000');
  await n2.must('drbdadm', 'up', 'r0');
  await waitFor('07 SyncSource', async () => (await cstate(n1)) === 'SyncSource');
  await compare(t, '07-resync-after-reconnect', n1, { exact: false });
  await waitFor('07 resync done', async () => (await dstate(n2)) === 'UpToDate/UpToDate', 30_000);
  await compare(t, '07-resync-after-reconnect', n2); // node2's files were taken after the resync

  // 09: node1 disconnects (Primary), node2 is promoted while apart, node1 connects again.
  await n1.must('drbdadm', 'disconnect', 'r0');
  await waitFor('node2 WFConnection', async () => (await cstate(n2)) === 'WFConnection');
  await n2.must('drbdadm', 'primary', 'r0');
  await n1.must('drbdadm', 'connect', 'r0');
  await waitFor('09 StandAlone on both', async () => (await cstate(n1)) === 'StandAlone' && (await cstate(n2)) === 'StandAlone');
  for (const n of [n1, n2]) await compare(t, '09-split-brain-both-primary-standalone', n);

  // 10: node2 gives up its data.
  await n2.must('drbdadm', 'secondary', 'r0');
  await n2.must('drbdadm', 'connect', '--discard-my-data', 'r0');
  await n1.must('drbdadm', 'connect', 'r0');
  await waitFor('10 resolved', async () => (await dstate(n2)) === 'UpToDate/UpToDate' && (await cstate(n1)) === 'Connected', 20_000);
  for (const n of [n1, n2]) await compare(t, '10-split-brain-resolved-discard-my-data', n);

  // 11: node1 re-creates its metadata and becomes SyncTarget; node2 re-creates its own mid-sync.
  await n1.must('drbdadm', 'secondary', 'r0');
  await n1.must('drbdadm', 'down', 'r0');
  await n1.must('drbdadm', 'create-md', '--force', 'r0');
  await n1.must('drbdadm', 'up', 'r0');
  await waitFor('node1 SyncTarget', async () => (await cstate(n1)) === 'SyncTarget');
  await n2.must('drbdadm', 'down', 'r0');
  await n2.must('drbdadm', 'create-md', '--force', 'r0');
  await n2.must('drbdadm', 'up', 'r0');
  await waitFor('11 node1 StandAlone', async () => (await cstate(n1)) === 'StandAlone' && (await cstate(n2)) === 'WFConnection');
  for (const n of [n1, n2]) await compare(t, '11-standalone-inconsistent-after-interrupted-sync-i-shall-become-syncsource', n);
});
