/**
 * The DRBD simulator (test double) replays the VM lab's states (real DRBD 8.4.11 under Pacemaker,
 * protocol C, `fencing resource-only` with a fence-peer handler; captures in
 * packages/drbd-status-parser/test/fixtures/drbd-vm-lab/, see its SOURCES.md) on two simulated
 * nodes on the host, and each output must parse to the same model as the capture (volatile
 * numbers excluded, helpers.ts `stable`); `drbdadm status` and `events2 --now` (no counters)
 * byte-identical. /proc/drbd is not compared: the simulator replaces commands, not /proc.
 *
 * What the VM lab showed that the simulator did not model before: a disconnected Secondary's
 * `drbdadm primary` with fencing ran no fence-peer handler and was refused (-7); real DRBD runs
 * the handler, and its exit code (7 here: the peer was fenced by SBD) makes the peer disk
 * Outdated, which a disconnected 8.4 keeps showing (`peer-disk:Outdated`, `UpToDate/Outdated`).
 * And (capture 09, split brain) the simulator reset that Outdated peer disk to DUnknown when a
 * handshake was dropped; 8.4 keeps it (StandAlone, `peer-disk:Outdated` on both nodes).
 *
 * States replayed, as test/vm/vm-lab.test.ts made them (captures of 2026-11-27 14:34-14:44 UTC):
 * 04, 05, 08 (both nodes, every format; the earlier set's 08 drift is gone), the switchover back,
 * 09 (node2 disconnect + primary --force, node2 connect: split brain, both nodes) and 10 (node2
 * secondary, connect --discard-my-data, node1 connect). 07 was not captured (resync too fast).
 *
 * The fence-peer handler here is a small script written by the test (Pacemaker's CIB, which
 * `ocfkit drbd fence-peer` needs, is not on the host): it records its environment, reads
 * `drbdadm status` like a real handler (the simulator must answer while `primary` waits on it),
 * and exits with the code in the file `fence-exit`.
 */
import t from 'tap';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { twoHostNodes, model, waitFor, type HostNode } from './helpers.ts';

const LAB = resolve(import.meta.dirname, '../../packages/drbd-status-parser/test/fixtures/drbd-vm-lab');
const dir = join(tmpdir(), `drbd-sim-vm-lab-${process.pid}`);
const handler = join(dir, 'fence-peer');
const calls = join(dir, 'fence-calls.txt');
const exitFile = join(dir, 'fence-exit');
const extra = ['  disk { fencing resource-only; }', `  handlers { fence-peer "${handler}"; }`].join('\n');
const [n1, n2] = twoHostNodes(dir, { DRBD_SIM_WRITE_KIBPS: '64', DRBD_SIM_HANDLER_TIMEOUT_MS: '10000' }, extra);
writeFileSync(
  handler,
  [
    '#!/bin/sh',
    '# fence-peer handler of the simulator test: records, reads the status, exits with fence-exit',
    `status=$(drbdadm status "$DRBD_RESOURCE" | head -n 1)`,
    `echo "resource=$DRBD_RESOURCE peers=$DRBD_PEERS minor=$DRBD_MINOR status=$status" >> '${calls}'`,
    `exit "$(cat '${exitFile}')"`,
    '',
  ].join('\n'),
);
chmodSync(handler, 0o755);
t.teardown(async () => {
  await n1.cleanup();
  await n2.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Capture file format → the command the VM lab ran; `exact`: no counters, bytes compared. */
const FORMATS: { format: string; argv: string[]; exact: boolean }[] = [
  { format: 'drbdadm-status', argv: ['drbdadm', 'status', 'r0'], exact: true },
  { format: 'drbdsetup-status-verbose-statistics', argv: ['drbdsetup', 'status', 'r0', '--verbose', '--statistics'], exact: false },
  { format: 'events2-now', argv: ['drbdsetup', 'events2', '--now', 'r0'], exact: true },
  { format: 'events2-now-statistics', argv: ['drbdsetup', 'events2', '--now', '--statistics', 'r0'], exact: false },
];

async function compare(tt: Tap.Test, scenario: string, node: HostNode): Promise<void> {
  let compared = 0;
  for (const { format, argv, exact } of FORMATS) {
    const want = readFileSync(join(LAB, `drbd-8.4.11-${format}-${scenario}-${node.name}.txt`), 'utf8');
    const got = await node.run(...argv);
    const what = `${scenario} ${node.name} ${argv.join(' ')}`;
    tt.equal(got.rc, 0, `${what}: exit code`);
    tt.same(model(format, got.stdout), model(format, want), `${what}: same model as the VM lab capture`);
    if (exact) tt.equal(got.stdout, want, `${what}: byte-identical`);
    compared++;
  }
  tt.equal(compared, FORMATS.length, `${scenario} ${node.name}: every capture compared`);
}

const cstate = async (n: HostNode): Promise<string> => (await n.run('drbdadm', 'cstate', 'r0')).stdout.trim();
const dstate = async (n: HostNode): Promise<string> => (await n.run('drbdadm', 'dstate', 'r0')).stdout.trim();
const role = async (n: HostNode): Promise<string> => (await n.run('drbdadm', 'role', 'r0')).stdout.trim();
const handlerCalls = (): string[] => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []);

t.test('the VM lab states, one by one', async (t) => {
  writeFileSync(exitFile, '7\n');
  for (const n of [n1, n2]) {
    await n.must('drbdadm', 'create-md', 'r0');
    await n.must('drbdadm', 'up', 'r0');
  }
  await waitFor('connected', async () => (await cstate(n1)) === 'Connected' && (await cstate(n2)) === 'Connected');
  await n1.must('drbdadm', 'new-current-uuid', '--clear-bitmap', 'r0');
  await waitFor('UpToDate on both', async () => (await dstate(n1)) === 'UpToDate/UpToDate' && (await dstate(n2)) === 'UpToDate/UpToDate');

  // 04: Pacemaker promoted node1.
  await n1.must('drbdadm', 'primary', 'r0');
  await waitFor('node2 sees Primary', async () => (await role(n2)) === 'Secondary/Primary');
  await compare(t, '04-cluster-promoted', n1);
  await compare(t, '04-cluster-unpromoted', n2);
  t.same(handlerCalls(), [], 'connected: no fence-peer call');

  // 05: node1's qemu SIGKILLed (no goodbye on the link); node2, Secondary, loses it.
  n1.kill();
  await waitFor('node2 WFConnection', async () => (await cstate(n2)) === 'WFConnection', 5000, 50);
  t.equal(await dstate(n2), 'UpToDate/DUnknown', 'a lost peer reads DUnknown until fenced');
  t.same(handlerCalls(), [], 'a Secondary does not call fence-peer when it loses the peer');

  // A handler that fails (exit 1): the promotion is refused, as DRBD 8.4 refuses it.
  writeFileSync(exitFile, '1\n');
  const refused = await n2.run('drbdadm', 'primary', 'r0');
  t.equal(refused.rc, 11, 'fence-peer failed: primary refused with exit 11');
  t.equal(refused.stderr, "0: State change failed: (-7) Refusing to be Primary while peer is not outdated\nCommand 'drbdsetup-84 primary 0' terminated with exit code 11\n");
  t.ok(handlerCalls().length >= 1, `the handler ran (${handlerCalls().length} times, DRBD tries up to 4)`);
  t.equal(await role(n2), 'Secondary/Unknown', 'still Secondary');

  // Pacemaker (after fence_sbd) promotes node2; ocfkit's handler answered 7 (peer fenced).
  writeFileSync(exitFile, '7\n');
  rmSync(calls, { force: true });
  await n2.must('drbdadm', 'primary', 'r0');
  t.same(handlerCalls(), ['resource=r0 peers=node1 minor=0 status=r0 role:Secondary'], 'fence-peer ran once, with DRBD_RESOURCE/DRBD_PEERS/DRBD_MINOR, and could read the status meanwhile');
  t.equal(await dstate(n2), 'UpToDate/Outdated', 'the handler outdated the peer disk');
  await n2.must('drbd-sim', 'write', 'r0', '2560'); // the 10 files written on node2 meanwhile
  await compare(t, '05-survivor-promoted-peer-killed', n2);

  // 08: node1 boots again (its /run is gone), Pacemaker starts DRBD: SyncTarget, then UpToDate.
  n1.reboot();
  await n1.must('drbdadm', 'up', 'r0');
  await waitFor('node1 rejoined UpToDate', async () => (await cstate(n1)) === 'Connected' && (await dstate(n1)) === 'UpToDate/UpToDate', 30_000);
  t.match(readFileSync(join(dir, 'node1', 'run', 'r0.log'), 'utf8'), /Began resync as SyncTarget/, 'node1 was SyncTarget first');
  await compare(t, '08-rejoined-unpromoted-uptodate', n1);
  await compare(t, '08-promoted-peer-rejoined', n2);

  // Switchover back (pcs resource move): node1 Promoted again, node2 Unpromoted.
  await n2.must('drbdadm', 'secondary', 'r0');
  await n1.must('drbdadm', 'primary', 'r0');
  await waitFor('node2 sees node1 Primary', async () => (await role(n2)) === 'Secondary/Primary');

  // 09: the clone unmanaged; node2 `drbdadm disconnect`, `primary --force` (its fence-peer handler
  // answers 7), writes; node1, Primary, lost its peer: its handler outdates node2 at once; node1
  // writes too (DRBD_SIM_WRITE_KIBPS); node2 `drbdadm connect`: split brain, StandAlone on both.
  rmSync(calls, { force: true });
  await n2.must('drbdadm', 'disconnect', 'r0');
  await waitFor('node1 peer Outdated by its handler', async () => (await dstate(n1)) === 'UpToDate/Outdated', 10_000);
  await n2.must('drbdadm', 'primary', '--force', 'r0');
  t.equal(await dstate(n2), 'UpToDate/Outdated', 'node2 forced Primary: its handler outdated the peer');
  t.equal(handlerCalls().length, 2, 'fence-peer ran on node1 (peer lost while Primary) and on node2 (primary while apart)');
  await n2.must('drbd-sim', 'write', 'r0', '256'); // the file written on node2 while apart
  await n2.must('drbdadm', 'connect', 'r0');
  await waitFor('09 StandAlone on both', async () => (await cstate(n1)) === 'StandAlone' && (await cstate(n2)) === 'StandAlone');
  t.match(readFileSync(join(dir, 'node2', 'run', 'r0.log'), 'utf8'), /Split-Brain detected but unresolved, dropping connection!/, 'the simulator says split brain, as dmesg did');
  await compare(t, '09-split-brain-primary-mounted', n1);
  await compare(t, '09-split-brain-forced-primary', n2);

  // 10: Pacemaker demoted node2; `drbdadm disconnect`, `connect --discard-my-data` on node2,
  // `connect` on node1 (StandAlone): node2 resyncs from node1.
  await n2.must('drbdadm', 'secondary', 'r0');
  await n2.must('drbdadm', 'disconnect', 'r0');
  await n2.must('drbdadm', 'connect', '--discard-my-data', 'r0');
  await n1.must('drbdadm', 'connect', 'r0');
  await waitFor('10 resolved', async () => (await cstate(n2)) === 'Connected' && (await dstate(n2)) === 'UpToDate/UpToDate', 30_000);
  await compare(t, '10-split-brain-resolved-discarded', n2);
});

t.test('a Primary that loses its peer asks fence-peer at once (8.4 conn_disconnect)', async (t) => {
  writeFileSync(exitFile, '4\n');
  rmSync(calls, { force: true });
  await n1.must('drbdadm', 'primary', 'r0');
  await waitFor('node2 sees Primary', async () => (await role(n2)) === 'Secondary/Primary');
  n2.kill();
  await waitFor('node1 peer Outdated by the handler', async () => (await dstate(n1)) === 'UpToDate/Outdated', 10_000);
  t.equal(handlerCalls().length, 1, 'one fence-peer call, no command needed');
  t.equal(await cstate(n1), 'WFConnection');
  t.equal(await role(n1), 'Primary/Unknown');
});
