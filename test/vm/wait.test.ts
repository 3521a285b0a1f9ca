/**
 * The VM lab's two waits, without booting a VM: `waitSsh` (until the node answers ssh; at once
 * when its qemu is gone) and `waitMounted` (until /srv/data is mounted from DRBD, on a given
 * node). The "qemu" is a stand-in process (fixtures/fake-qemu.ts); ssh is a recorded runner.
 */
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { ExecResult } from '../../lib/exec/run.ts';
import type { Exec } from '../../lib/vm/command.ts';
import type { VmLab } from '../../lib/vm/lab.ts';
import type { VmNode } from '../../lib/vm/paths.ts';
import { fakeQemu, labIn, settle, tempDir } from './fixtures/fake-qemu.ts';

function result(args: readonly string[], exitCode: number, stdout = ''): ExecResult {
  return { command: 'ssh', args, exitCode, signal: null, stdout, stderr: exitCode ? 'Connection refused' : '', timedOut: false, durationMs: 1, spawnError: null, pid: 1, failed: exitCode !== 0 };
}

/** A lab whose ssh answers from `answer(port, remote command)`; calls are counted per node. */
function labWith(t: Parameters<typeof tempDir>[0], answer: (node: VmNode, command: string, call: number) => [number, string?]): { lab: VmLab; calls: Record<VmNode, number> } {
  const calls: Record<VmNode, number> = { node1: 0, node2: 0 };
  let lab: VmLab | null = null;
  const exec: Exec = async (command, args) => {
    const port = Number(args[args.indexOf('-p') + 1]);
    const node: VmNode = port === lab!.node('node1').sshPort ? 'node1' : 'node2';
    const [code, out] = answer(node, args.at(-1)!, ++calls[node]);
    return result([command, ...args], code, out);
  };
  lab = labIn(tempDir(t), { exec });
  mkdirSync(lab.paths.run, { recursive: true });
  return { lab, calls };
}

function boot(t: Parameters<typeof tempDir>[0], lab: VmLab, n: VmNode) {
  const pidFile = lab.paths.node(n).pid;
  const qemu = fakeQemu(t, ['-name', `ocfkit-vm-${n}`, '-pidfile', pidFile]);
  writeFileSync(pidFile, `${qemu.pid}\n`);
  return qemu;
}

t.test('waitSsh: returns once ssh answers, probing every interval', async (t) => {
  const { lab, calls } = labWith(t, (_n, _c, call) => [call < 3 ? 255 : 0]);
  boot(t, lab, 'node1');
  await settle();
  const waited = await lab.waitSsh('node1', 10_000, 20);
  t.equal(calls.node1, 3, 'two refusals, then an answer');
  t.ok(waited < 5000, `waited ${waited} ms`);
});

t.test('waitSsh: a qemu that dies while booting fails the wait at once, naming the serial log', async (t) => {
  const { lab, calls } = labWith(t, () => [255]);
  const qemu = boot(t, lab, 'node1');
  await settle();
  setTimeout(() => qemu.kill('SIGKILL'), 200);
  const started = Date.now();
  await t.rejects(lab.waitSsh('node1', 60_000, 20), { name: 'VmError', message: /node1: qemu exited while booting \(serial log: .*node1/ });
  t.ok(Date.now() - started < 10_000, `failed after ${Date.now() - started} ms of a 60 s wait`);
  t.ok(calls.node1 >= 1, `ssh was tried while qemu ran (${calls.node1} times)`);
});

t.test('waitSsh: no qemu at all is the same error, with no ssh tried', async (t) => {
  const { lab, calls } = labWith(t, () => [0]);
  await t.rejects(lab.waitSsh('node2', 60_000, 20), { message: /node2: qemu exited while booting/ });
  t.equal(calls.node2, 0);
});

t.test('waitSsh: ssh that never answers times out, naming the node and the time', async (t) => {
  const { lab, calls } = labWith(t, () => [255]);
  boot(t, lab, 'node2');
  await settle();
  await t.rejects(lab.waitSsh('node2', 300, 20), { message: /node2: no ssh after 0\.3 s \(serial log: / });
  t.ok(calls.node2 >= 2, `probed ${calls.node2} times`);
});

t.test('waitMounted: the node whose /srv/data comes from DRBD; a wanted node, or a time-out naming it', async (t) => {
  const { lab } = labWith(t, (n, command, call) => {
    if (!command.includes('findmnt')) return [0];
    return n === 'node2' && call >= 2 ? [0, '/dev/drbd0\n'] : n === 'node1' ? [0, '/dev/vdb\n'] : [1];
  });
  boot(t, lab, 'node1');
  boot(t, lab, 'node2');
  await settle();
  t.equal(await lab.waitMounted(10_000, undefined, 20), 'node2', 'node1 mounts something else; node2 mounts DRBD on its second poll');
  t.equal(await lab.waitMounted(10_000, 'node2', 20), 'node2');
  await t.rejects(lab.waitMounted(300, 'node1', 20), { name: 'VmError', message: '/srv/data not mounted on node1 after 0.3 s' });
});

t.test('waitMounted: a node whose qemu is gone is not asked', async (t) => {
  const { lab, calls } = labWith(t, () => [0, '/dev/drbd0\n']);
  await t.rejects(lab.waitMounted(200, undefined, 20), { message: '/srv/data not mounted after 0.2 s' });
  t.same(calls, { node1: 0, node2: 0 });
});
