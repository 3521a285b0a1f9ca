/**
 * The VM lab end to end (issue 14): two qemu TCG guests with real DRBD 8.4.11, SBD fencing,
 * Corosync + Pacemaker, the rendered CIB with ocf:ocfkit:drbd and an ext4 Filesystem on
 * /dev/drbd0. Files written with checksums through the active node; the active VM's qemu is
 * killed; the survivor is promoted and mounts; every file is verified; the killed node rejoins
 * and resyncs; switchover back. Every step is logged with a timestamp. Real DRBD outputs of the
 * states passed through go to test/fixtures/drbd-vm-lab/ when OCFKIT_VM_CAPTURE=1.
 *
 * Skipped unless OCFKIT_VM_TEST=1 (root, qemu-system-x86, qemu-utils, debootstrap; 10-20 min;
 * both host cores busy).
 */
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VmLab } from '../../lib/vm/lab.ts';
import type { VmNode } from '../../lib/vm/paths.ts';
import { sleep } from '../../lib/exec/wait.ts';

const skip = process.env.OCFKIT_VM_TEST !== '1' ? 'set OCFKIT_VM_TEST=1 to run the VM lab (root, qemu, 10-20 min)' : typeof process.getuid === 'function' && process.getuid() !== 0 ? 'needs root' : false;
const CAPTURE = process.env.OCFKIT_VM_CAPTURE === '1';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'drbd-vm-lab');
const FILES = 40;
const MORE_FILES = 10;

const t0 = Date.now();
const step = (t: Tap.Test, what: string): void => {
  t.comment(`${new Date().toISOString().slice(11, 19)} +${((Date.now() - t0) / 1000).toFixed(0)}s ${what}`);
};
const other = (n: VmNode): VmNode => (n === 'node1' ? 'node2' : 'node1');

/** Real DRBD outputs of one node in one state, as the parser's and simulator's fixtures name them. */
const FORMATS: [string, string[]][] = [
  ['proc-drbd', ['cat', '/proc/drbd']],
  ['drbdadm-status', ['drbdadm', 'status', 'r0']],
  ['drbdsetup-status-verbose-statistics', ['drbdsetup', 'status', 'r0', '--verbose', '--statistics']],
  ['events2-now', ['drbdsetup', 'events2', '--now', 'r0']],
  ['events2-now-statistics', ['drbdsetup', 'events2', '--now', '--statistics', 'r0']],
];
const captured: string[] = [];
async function capture(lab: VmLab, node: VmNode, scenario: string): Promise<void> {
  if (!CAPTURE) return;
  mkdirSync(FIXTURES, { recursive: true });
  for (const [format, cmd] of FORMATS) {
    const r = await lab.sshTo(node, cmd, 30_000);
    const name = `drbd-8.4.11-${format}-${scenario}-${node}.txt`;
    writeFileSync(join(FIXTURES, name), r.stdout);
    captured.push(`${name}\t${new Date().toISOString()}\t${cmd.join(' ')}\texit ${r.exitCode}`);
  }
}

async function drbd(lab: VmLab, node: VmNode): Promise<{ role: string; cstate: string; dstate: string }> {
  const q = async (what: string): Promise<string> => (await lab.sshTo(node, ['drbdadm', what, 'r0'], 20_000)).stdout.trim();
  return { role: await q('role'), cstate: await q('cstate'), dstate: await q('dstate') };
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | false>): Promise<T> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const v = await probe();
    if (v) return v;
    await sleep(1000);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s: ${what}`);
}

const fenceConstraint = async (lab: VmLab, node: VmNode): Promise<boolean> => {
  const r = await lab.sshTo(node, ['cibadmin', '--query', '--scope', 'constraints'], 30_000);
  return r.stdout.includes('ocfkit-drbd-fence-r0');
};

t.test('VM lab: real DRBD failover with data', { skip, timeout: 45 * 60_000 }, async (t) => {
  const lab = new VmLab({ progress: (line) => step(t, `vm: ${line}`) });
  t.teardown(async () => {
    const d = await lab.down();
    step(t, `teardown: ${d.killed} qemu killed, ${d.strays} strays`);
  });
  await lab.down();

  const up = await lab.up();
  step(t, `up: image ${up.image?.reused ? 'reused' : `built (${up.image?.ran.join(', ')})`} ${up.phases.image} ms, boot ${up.phases.boot} ms, provision ${up.phases.provision} ms, promoted ${up.phases.promoted} ms`);
  const active = up.promotedOn!;
  const standby = other(active);
  t.ok(active, `stack promoted and mounted on ${active}`);

  await waitFor('both disks UpToDate and connected', 300_000, async () => {
    const s = await drbd(lab, active);
    return s.cstate === 'Connected' && s.dstate === 'UpToDate/UpToDate' && s;
  });
  step(t, 'DRBD connected, UpToDate/UpToDate');
  await capture(lab, active, '04-cluster-promoted');
  await capture(lab, standby, '04-cluster-unpromoted');

  // Files with checksums through the active node.
  await lab.mustSsh(active, ['mkdir', '-p', '/srv/data/files']);
  for (let i = 0; i < FILES; i++) {
    await lab.mustSsh(active, ['dd', 'if=/dev/urandom', `of=/srv/data/files/f${String(i).padStart(3, '0')}`, 'bs=64k', `count=${1 + (i % 8)}`, 'status=none']);
  }
  await lab.mustSsh(active, ['sync']);
  const sums = (await lab.mustSsh(active, ['sha256sum', ...Array.from({ length: FILES }, (_, i) => `/srv/data/files/f${String(i).padStart(3, '0')}`)])).stdout;
  t.equal(sums.trim().split('\n').length, FILES, `${FILES} files written on ${active}`);
  step(t, `${FILES} files written and synced (protocol C) on ${active}`);
  t.same(await drbd(lab, active), { role: 'Primary/Secondary', cstate: 'Connected', dstate: 'UpToDate/UpToDate' }, 'still connected and UpToDate after the writes');

  // Hard kill of the active node's qemu.
  const killAt = Date.now();
  t.ok(await lab.kill(active), `${active}'s qemu killed`);
  step(t, `killed ${active}`);
  const since = (): string => `${((Date.now() - killAt) / 1000).toFixed(1)} s after the kill`;
  await waitFor(`${standby} sees the peer gone`, 120_000, async () => (await drbd(lab, standby)).cstate !== 'Connected');
  step(t, `${standby}: DRBD connection lost ${since()}`);
  await waitFor(`${standby} Primary`, 600_000, async () => (await drbd(lab, standby)).role.startsWith('Primary'));
  step(t, `${standby}: DRBD Primary ${since()}`);
  await lab.waitMounted(300_000, standby);
  step(t, `${standby}: /srv/data mounted ${since()}`);
  const fencing = await lab.sshTo(standby, ['stonith_admin', '--history', active], 30_000);
  step(t, `fencing history of ${active}: ${fencing.stdout.trim().split('\n').join(' | ')}`);
  t.ok(await fenceConstraint(lab, standby), "the fence-peer handler's constraint ocfkit-drbd-fence-r0 is in the CIB");
  await capture(lab, standby, '05-survivor-promoted-peer-killed');
  const status = await lab.sshTo(standby, ['ocfkit', 'status'], 120_000);
  step(t, `ocfkit status on ${standby} (exit ${status.exitCode}):\n${status.stdout.trimEnd()}`);

  // sha256sum -c reads the list from a file: put it there first (no shell on the guest side).
  await lab.mustSsh(standby, ['mkdir', '-p', '/root/ocfkit-test']);
  const listFile = '/root/ocfkit-test/sums';
  await writeRemote(lab, standby, listFile, sums);
  const verify = await lab.sshTo(standby, ['sha256sum', '-c', listFile], 120_000);
  const ok = verify.stdout.split('\n').filter((l) => l.endsWith(': OK')).length;
  t.equal(ok, FILES, `${ok}/${FILES} files verified on ${standby}`);
  step(t, `${ok}/${FILES} files verified on ${standby}`);

  // More files while the peer is down: the rejoin must resync them.
  for (let i = FILES; i < FILES + MORE_FILES; i++) {
    await lab.mustSsh(standby, ['dd', 'if=/dev/urandom', `of=/srv/data/files/f${String(i).padStart(3, '0')}`, 'bs=64k', 'count=4', 'status=none']);
  }
  await lab.mustSsh(standby, ['sync']);
  const allSums = (await lab.mustSsh(standby, ['sha256sum', ...Array.from({ length: FILES + MORE_FILES }, (_, i) => `/srv/data/files/f${String(i).padStart(3, '0')}`)])).stdout;
  step(t, `${MORE_FILES} more files written on ${standby} while ${active} is down`);

  // The killed node boots again and rejoins as the standby.
  const bootAt = Date.now();
  await lab.start(active);
  step(t, `${active} booted again (ssh after ${((Date.now() - bootAt) / 1000).toFixed(0)} s)`);
  const rejoined = await waitFor(`${active} Secondary UpToDate`, 900_000, async () => {
    const s = await drbd(lab, active);
    if (s.cstate.startsWith('Sync')) await capture(lab, active, '07-rejoined-sync-target').catch(() => undefined);
    return s.role.startsWith('Secondary') && s.cstate === 'Connected' && s.dstate === 'UpToDate/UpToDate' && s;
  });
  step(t, `${active} rejoined: ${rejoined.role} ${rejoined.cstate} ${rejoined.dstate} (${((Date.now() - bootAt) / 1000).toFixed(0)} s after the boot)`);
  await capture(lab, active, '08-rejoined-unpromoted-uptodate');
  await capture(lab, standby, '08-promoted-peer-rejoined');
  await waitFor('the fence constraint removed by the after-resync-target handler', 120_000, async () => !(await fenceConstraint(lab, standby)));
  step(t, 'ocfkit-drbd-fence-r0 removed (unfence-peer after the resync)');

  // Planned switchover back.
  const moveAt = Date.now();
  await lab.mustSsh(standby, ['crm_resource', '--resource', 'drbd-data-clone', '--move', '--node', active, '--promoted']);
  await lab.waitMounted(600_000, active);
  step(t, `switchover back: /srv/data mounted on ${active} ${((Date.now() - moveAt) / 1000).toFixed(0)} s after the move`);
  await lab.mustSsh(active, ['crm_resource', '--resource', 'drbd-data-clone', '--clear']);
  await lab.mustSsh(active, ['mkdir', '-p', '/root/ocfkit-test']);
  await writeRemote(lab, active, listFile, allSums);
  const verify2 = await lab.sshTo(active, ['sha256sum', '-c', listFile], 120_000);
  const ok2 = verify2.stdout.split('\n').filter((l) => l.endsWith(': OK')).length;
  t.equal(ok2, FILES + MORE_FILES, `${ok2}/${FILES + MORE_FILES} files verified on ${active} after the switchover back`);
  step(t, `${ok2}/${FILES + MORE_FILES} files verified on ${active}`);

  if (CAPTURE) {
    const v = async (cmd: string[]): Promise<string> => (await lab.sshTo(active, cmd, 30_000)).stdout.trim();
    const versions = [
      `guest kernel: ${await v(['uname', '-r'])} (${await v(['cat', '/proc/version'])})`,
      `DRBD: ${(await v(['cat', '/proc/drbd'])).split('\n')[0]}`,
      `drbd-utils: ${(await v(['dpkg-query', '-W', '-f', '${Version}', 'drbd-utils']))}`,
      `pacemaker ${await v(['dpkg-query', '-W', '-f', '${Version}', 'pacemaker'])}, corosync ${await v(['dpkg-query', '-W', '-f', '${Version}', 'corosync'])}, sbd ${await v(['dpkg-query', '-W', '-f', '${Version}', 'sbd'])}`,
    ];
    writeFileSync(
      join(FIXTURES, 'SOURCES.md'),
      [
        '# Real DRBD 8.4.11 outputs from the VM lab (`ocfkit lab vm`, test/vm/vm-lab.test.ts)',
        '',
        `Captured ${new Date().toISOString().slice(0, 10)} by \`OCFKIT_VM_TEST=1 OCFKIT_VM_CAPTURE=1 npx tap test/vm/vm-lab.test.ts\`:`,
        'two Debian 12 guests under qemu TCG on this host, r0 = /dev/drbd0 on a 1 GiB virtio disk (/dev/vdb),',
        'protocol C, `fencing resource-only` with ocfkit\'s fence-peer/unfence-peer handlers, managed by',
        'Pacemaker with ocf:ocfkit:drbd (the rendered CIB of vagrant/vm.vars.json), SBD fencing.',
        '',
        ...versions.map((x) => `- ${x}`),
        '',
        'Names: `drbd-8.4.11-<format>-<NN-scenario>-<node>.txt`, stdout only. Formats: `proc-drbd` (cat /proc/drbd),',
        '`drbdadm-status` (drbdadm status r0), `drbdsetup-status-verbose-statistics` (drbdsetup status r0 --verbose',
        '--statistics), `events2-now` (drbdsetup events2 --now r0), `events2-now-statistics` (… --statistics r0).',
        'Each command is a separate ssh call: the files of one state were taken a few seconds apart.',
        '',
        'Scenarios: 04 cluster up, Promoted/Unpromoted, Connected UpToDate; 05 the survivor promoted after the',
        "active node's qemu was SIGKILLed (peer unknown); 07 the killed node rejoined and resyncing (SyncTarget,",
        'only if caught in the act); 08 resync done, the rejoined node Unpromoted UpToDate, and its Primary peer.',
        '',
        'Every file with its capture time, command and exit code: captured.tsv.',
        '',
      ].join('\n'),
    );
    writeFileSync(join(FIXTURES, 'captured.tsv'), `${captured.join('\n')}\n`);
  }
  const d = await lab.down();
  t.equal(lab.strayQemus().length, 0, 'no qemu of the lab left');
  step(t, `teardown clean: ${d.killed} qemu killed in ${d.durationMs} ms, run directory removed`);
});

/** A file on a node from a string: `tee` over ssh with the content on stdin. */
async function writeRemote(lab: VmLab, node: VmNode, path: string, content: string): Promise<void> {
  const { sshArgs } = await import('../../lib/vm/ssh.ts');
  const r = await lab.exec('ssh', sshArgs(lab.paths.sshKey, lab.node(node).sshPort, ['tee', path]), { input: content, timeoutMs: 30_000 });
  if (r.failed) throw new Error(`${node}: tee ${path}: exit ${r.exitCode}: ${r.stderr}`);
}
