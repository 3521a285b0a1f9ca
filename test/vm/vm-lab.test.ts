/**
 * The VM lab end to end (issue 14): two qemu TCG guests with real DRBD 8.4.11, SBD fencing,
 * Corosync + Pacemaker, the rendered CIB with ocf:ocfkit:drbd, an ext4 Filesystem on /dev/drbd0
 * and the services agent. Every step is logged with a timestamp (the CI log shows them):
 *   image built or reused → VMs booted → DRBD synced → cluster formed → stack Promoted →
 *   N files written through the active node (checksums computed on the host) → hard kill of the
 *   active VM's qemu → the survivor fences it (SBD), is promoted, mounts, starts the services →
 *   N/N files verified → the takeover timeline from `ocfkit status --json` → the killed node boots,
 *   resyncs, is the standby with UpToDate data (the fence-peer constraint placed, then removed) →
 *   planned switchover back (pcs) → a real split brain (DRBD link cut with the clone unmanaged,
 *   both forced Primary, reconnected) reported by the agent's monitor exit reason, its node
 *   attribute and `ocfkit status`, and Pacemaker leaves it Promoted on one node only → resolved
 *   (discard-my-data) → teardown clean.
 * OCFKIT_VM_CAPTURE=1 also writes the real DRBD outputs of each state passed through to
 * packages/drbd-status-parser/test/fixtures/drbd-vm-lab/. OCFKIT_VM_CACHE picks the cache
 * (default /var/cache/ocfkit/vm; an empty directory builds the image from nothing).
 *
 * Skipped unless OCFKIT_VM_TEST=1 (root, qemu-system-x86, qemu-utils, debootstrap; 20-30 min with
 * both host cores busy). `npm test` runs it after the rest (`npm run test:vm`), alone.
 */
import t from 'tap';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { VmLab } from '../../lib/vm/lab.ts';
import type { VmNode } from '../../lib/vm/paths.ts';
import {
  CLONE, clockOffset, crmMon, drbdExitReasons, drbdLine, drbdView, makeFiles, MOUNT, nodeAttr, other, promotedNodes, putFiles,
  stackOn, statusJson, switchover, timeline, verifyFiles, waitFor, type DrbdView,
} from '../../lib/vm/drill.ts';

const skip = process.env.OCFKIT_VM_TEST !== '1' ? 'set OCFKIT_VM_TEST=1 to run the VM lab (root, qemu, 20-30 min)' : typeof process.getuid === 'function' && process.getuid() !== 0 ? 'needs root' : false;
const CAPTURE = process.env.OCFKIT_VM_CAPTURE === '1';
const FIXTURES = join(import.meta.dirname, '..', '..', 'packages', 'drbd-status-parser', 'test', 'fixtures', 'drbd-vm-lab');
const DIR = `${MOUNT}/files`;
const SPLIT_ATTR = 'ocfkit-drbd-r0-split-brain';

const t0 = Date.now();
const step = (t: Tap.Test, what: string): void => {
  t.comment(`${new Date().toISOString().slice(11, 19)} +${((Date.now() - t0) / 1000).toFixed(0)}s ${what}`);
};

/** Real DRBD outputs of one node in one state, named as the parser's fixtures are. */
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
    const r = await lab.sshTo(node, cmd, 60_000);
    const name = `drbd-8.4.11-${format}-${scenario}-${node}.txt`;
    writeFileSync(join(FIXTURES, name), r.stdout);
    captured.push(`${name}\t${new Date().toISOString()}\t${cmd.join(' ')}\texit ${r.exitCode}`);
  }
}

const tmpEntries = (): Set<string> => new Set(readdirSync('/tmp'));

t.test('VM lab: real DRBD failover with data, switchover, split brain', { skip, timeout: 60 * 60_000 }, async (t) => {
  const lab = new VmLab({ cache: process.env.OCFKIT_VM_CACHE || undefined, progress: (line) => step(t, `vm: ${line}`) });
  const tmpBefore = tmpEntries();
  t.teardown(async () => {
    if (lab.state() || lab.strayQemus().length) {
      const d = await lab.down();
      step(t, `teardown (after a failure): ${d.killed} qemu killed, ${d.strays} strays`);
    }
  });
  await lab.down();
  const view = (n: VmNode): Promise<DrbdView | null> => drbdView(lab, n);

  // ---- up ---------------------------------------------------------------------------------
  const up = await lab.up();
  const img = up.image;
  step(t, `image ${img?.reused ? 'reused' : `built (${img?.ran.join(', ')})`} in ${((up.phases.image ?? 0) / 1000).toFixed(0)} s; VMs booted in ${((up.phases.boot ?? 0) / 1000).toFixed(0)} s; provisioned (DRBD up, SBD, cluster formed, CIB loaded) in ${((up.phases.provision ?? 0) / 1000).toFixed(0)} s; stack Promoted + mounted ${((up.phases.promoted ?? 0) / 1000).toFixed(0)} s later`);
  const active = up.promotedOn!;
  const standby = other(active);
  t.ok(active, `stack promoted and mounted on ${active}`);
  const synced = await waitFor('DRBD Connected UpToDate/UpToDate', 300_000, async () => {
    const v = await view(active);
    return v?.connection === 'Connected' && v.disk === 'UpToDate' && v.peerDisk === 'UpToDate' && v;
  });
  step(t, `DRBD synced: ${active} ${drbdLine(synced)}`);
  const formed = await waitFor(`the whole stack running on ${active}`, 600_000, async () => {
    const st = await crmMon(lab, active);
    return st && stackOn(st, active) && st;
  });
  step(t, `cluster formed: ${formed.nodes.filter((n) => n.online).map((n) => n.name).join(' + ')} online, DC ${formed.dc ?? '?'}; stack Promoted on ${active}: DRBD, fs-data, vip, haproxy-target, app-services`);
  await capture(lab, active, '04-cluster-promoted');
  await capture(lab, standby, '04-cluster-unpromoted');

  // ---- files with checksums -----------------------------------------------------------------
  const files = makeFiles(40, 'f');
  const bytes = files.reduce((a, f) => a + f.data.length, 0);
  await putFiles(lab, active, DIR, files);
  const written = await verifyFiles(lab, active, DIR, files);
  t.same(written.bad, [], `${files.length} files written on ${active}`);
  step(t, `${files.length} files (${(bytes / 1048576).toFixed(1)} MiB) written through ${active} and synced (protocol C); sha256 computed on the host`);
  const afterWrite = await view(active);
  t.equal(drbdLine(afterWrite), 'Primary/Secondary Connected UpToDate/UpToDate', 'still connected and UpToDate after the writes');

  // ---- hard kill of the active node ---------------------------------------------------------
  const killAt = Date.now();
  t.ok(await lab.kill(active), `${active}'s qemu SIGKILLed`);
  step(t, `kill: ${active}'s qemu SIGKILLed (power cut)`);
  const since = (): string => `+${((Date.now() - killAt) / 1000).toFixed(0)} s after the kill`;
  await waitFor(`${standby} sees the DRBD peer gone`, 180_000, async () => (await view(standby))?.connection !== 'Connected');
  step(t, `${standby}: DRBD connection lost ${since()}`);
  await waitFor(`${standby} DRBD Primary`, 600_000, async () => (await view(standby))?.role === 'Primary');
  step(t, `survivor ${standby}: DRBD Primary ${since()}`);
  await lab.waitMounted(300_000, standby);
  step(t, `survivor ${standby}: ${MOUNT} mounted ${since()}`);
  await waitFor(`the whole stack running on ${standby}`, 300_000, async () => {
    const st = await crmMon(lab, standby);
    return st && stackOn(st, standby);
  });
  step(t, `survivor ${standby}: VIP, HAProxy target and services started ${since()}`);
  const fencing = await lab.sshTo(standby, ['stonith_admin', '--history', active], 60_000);
  step(t, `fencing history of ${active}: ${fencing.stdout.trim().split('\n').join(' | ')}`);
  t.match(fencing.stdout, /reboot of \S+ successful|was able to reboot|successful/, `${active} was fenced (SBD)`);
  t.ok(await fenceConstraint(lab, standby), "the fence-peer handler's constraint ocfkit-drbd-fence-r0 is in the CIB");
  await capture(lab, standby, '05-survivor-promoted-peer-killed');
  const offset5 = await clockOffset(lab, standby);
  const st5 = await statusJson(lab, standby);
  const tl = timeline(st5.report?.failover ?? null, killAt + (offset5?.offsetMs ?? 0));
  step(t, `ocfkit status on ${standby}: exit ${st5.exitCode}, verdict ${st5.report?.verdict?.state ?? '?'}; takeover ${st5.report?.failover?.from ?? '?'} → ${st5.report?.failover?.to ?? '?'} ${st5.report?.failover?.state ?? '?'}, steps (s after the kill; guest clock ${offset5 ? `${(offset5.offsetMs / 1000).toFixed(1)} ± ${(offset5.plusMinusMs / 1000).toFixed(1)} s` : 'offset unknown'} from the host's, corrected):`);
  for (const s of tl) step(t, `  ${s.step.padEnd(28)} ${s.state.padEnd(8)} ${s.startS ?? '?'} → ${s.endS ?? '?'} (${s.durationS ?? '?'} s)`);
  t.equal(st5.report?.failover?.to, standby, `ocfkit status names the takeover to ${standby}`);

  const verified = await verifyFiles(lab, standby, DIR, files);
  t.same(verified.bad, [], `${verified.ok}/${files.length} files verified on ${standby}`);
  step(t, `${verified.ok}/${files.length} files verified on ${standby}`);
  const more = makeFiles(10, 'g');
  await putFiles(lab, standby, DIR, more);
  step(t, `${more.length} more files written on ${standby} while ${active} is down`);

  // ---- the killed node comes back ----------------------------------------------------------
  const bootAt = Date.now();
  const sshAfter = await lab.start(active);
  step(t, `${active} booted again (ssh after ${(sshAfter / 1000).toFixed(0)} s); sbd, corosync, pacemaker start at boot`);
  let caughtSync = false;
  const rejoined = await waitFor(`${active} Secondary UpToDate`, 900_000, async () => {
    const v = await view(active);
    if (!caughtSync && v && /^Sync|^PausedSync/.test(v.replication)) {
      caughtSync = true;
      step(t, `${active}: ${drbdLine(v)} (resync running)`);
      await capture(lab, active, '07-rejoined-sync-target').catch(() => undefined);
    }
    return v?.role === 'Secondary' && v.connection === 'Connected' && v.disk === 'UpToDate' && v.peerDisk === 'UpToDate' && v;
  });
  step(t, `resync done: ${active} ${drbdLine(rejoined)} ${((Date.now() - bootAt) / 1000).toFixed(0)} s after its boot`);
  await capture(lab, active, '08-rejoined-unpromoted-uptodate');
  await capture(lab, standby, '08-promoted-peer-rejoined');
  await waitFor('the fence constraint removed by the after-resync-target handler', 180_000, async () => !(await fenceConstraint(lab, standby)));
  step(t, 'ocfkit-drbd-fence-r0 removed (unfence-peer after the resync)');
  const stillThere = await crmMon(lab, standby);
  t.ok(stillThere && stackOn(stillThere, standby), `no failback: the stack stays on ${standby} (stickiness)`);

  // ---- planned switchover back -------------------------------------------------------------
  const moveAt = Date.now();
  await switchover(lab, standby, active);
  await waitFor(`the whole stack running on ${active}`, 600_000, async () => {
    const st = await crmMon(lab, active);
    return st && stackOn(st, active);
  });
  step(t, `switchover back: pcs resource move → stack running on ${active} after ${((Date.now() - moveAt) / 1000).toFixed(0)} s; steps (s after the move, host clock):`);
  const offset = await clockOffset(lab, active);
  const sw = await statusJson(lab, active);
  for (const s of timeline(sw.report?.failover ?? null, moveAt + (offset?.offsetMs ?? 0))) step(t, `  ${s.step.padEnd(28)} ${s.state.padEnd(8)} ${s.startS ?? '?'} → ${s.endS ?? '?'} (${s.durationS ?? '?'} s)`);
  const cons = await lab.mustSsh(active, ['cibadmin', '--query', '--scope', 'constraints'], 60_000);
  t.notMatch(cons.stdout, /id="cli-/, 'no move constraint left behind');
  const all = [...files, ...more];
  const verified2 = await verifyFiles(lab, active, DIR, all);
  t.same(verified2.bad, [], `${verified2.ok}/${all.length} files verified on ${active} after the switchover back`);
  step(t, `${verified2.ok}/${all.length} files verified on ${active}`);

  // ---- a real split brain --------------------------------------------------------------------
  // Cutting the shared DRBD + corosync link makes SBD fence one node: that is what fencing is for.
  // A split brain needs DRBD cut with Pacemaker out of the way, as an operator would make one.
  const sbAt = Date.now();
  await lab.mustSsh(active, ['pcs', 'resource', 'unmanage', 'drbd-data-clone'], 120_000);
  await lab.mustSsh(standby, ['drbdadm', 'disconnect', 'r0'], 120_000);
  await lab.mustSsh(standby, ['drbdadm', 'primary', '--force', 'r0'], 120_000);
  await lab.mustSsh(standby, ['mount', '/dev/drbd0', '/mnt'], 120_000);
  await putFiles(lab, standby, '/mnt/split', makeFiles(1, `written-on-${standby}-`));
  await lab.mustSsh(standby, ['umount', '/mnt'], 120_000);
  const survivorFile = makeFiles(1, `written-on-${active}-`);
  await putFiles(lab, active, `${MOUNT}/split`, survivorFile);
  step(t, `split brain made: clone unmanaged, ${standby} disconnected and forced Primary, both wrote while apart`);
  await lab.mustSsh(standby, ['drbdadm', 'connect', 'r0'], 120_000);
  const both = await waitFor('DRBD drops the connection: split brain', 300_000, async () => {
    const [a, b] = [await view(active), await view(standby)];
    if (a?.connection === 'StandAlone' || b?.connection === 'StandAlone') {
      if (a?.role === 'Primary' && b?.role === 'Primary' && (a.connection === 'StandAlone' || b.connection === 'StandAlone')) return { a, b };
    }
    return null;
  });
  step(t, `DRBD after the reconnect: ${active} ${drbdLine(both.a)}; ${standby} ${drbdLine(both.b)} (${((Date.now() - sbAt) / 1000).toFixed(0)} s)`);
  const dmesg = await lab.sshTo(standby, ['dmesg'], 60_000);
  const sbLine = dmesg.stdout.split('\n').find((l) => /Split-Brain detected/.test(l));
  t.ok(sbLine, `the kernel says so: ${sbLine?.trim() ?? 'no Split-Brain line in dmesg'}`);
  await capture(lab, active, '09-split-brain-primary-mounted');
  await capture(lab, standby, '09-split-brain-forced-primary');
  await lab.mustSsh(active, ['pcs', 'resource', 'manage', 'drbd-data-clone'], 120_000);
  step(t, 'clone managed again: Pacemaker decides');

  const attrNode = await waitFor(`the drbd agent sets ${SPLIT_ATTR}`, 300_000, async () => {
    for (const n of [active, standby]) {
      const v = await nodeAttr(lab, active, n, SPLIT_ATTR);
      if (v) return { n, v };
    }
    return null;
  });
  step(t, `node attribute ${SPLIT_ATTR} on ${attrNode.n}: ${attrNode.v.slice(0, 160)}`);
  const reasons = await waitFor('a monitor exit reason naming the split brain', 300_000, async () => {
    const r = await drbdExitReasons(lab, active);
    return r.some((x) => /split brain/i.test(x)) && r;
  });
  const reason = reasons.find((x) => /split brain/i.test(x))!;
  t.match(reason, /split brain suspected on r0/, 'monitor exit reason');
  step(t, `monitor exit reason: ${reason.slice(0, 200)}`);
  const sbStatus = await waitFor('ocfkit status reports the split brain', 300_000, async () => {
    const s = await statusJson(lab, active);
    return s.report?.drbd?.some((d) => d.splitBrain.suspected) && s;
  });
  const evidence = sbStatus.report!.drbd.find((d) => d.splitBrain.suspected)!.splitBrain.evidence;
  t.ok(evidence.length > 0, 'ocfkit status: split brain suspected, with evidence');
  step(t, `ocfkit status on ${active}: verdict ${sbStatus.report!.verdict.state}, split brain suspected; evidence: ${evidence.slice(0, 3).join(' | ')}`);
  const settled = await waitFor(`Promoted on ${active} only, ${standby} demoted`, 600_000, async () => {
    const st = await crmMon(lab, active);
    const b = await view(standby);
    return st && promotedNodes(st).join() === active && b?.role === 'Secondary' && { st, b };
  });
  t.same(promotedNodes(settled.st), [active], `nothing promoted on both: Pacemaker has ${CLONE} Promoted on ${active} only`);
  t.equal(settled.b.role, 'Secondary', `${standby}'s forced Primary was demoted`);
  t.ok(await lab.promotedOn() === active, `${MOUNT} still mounted on ${active}`);
  step(t, `nothing promoted on both: Promoted on ${active} only, ${standby} ${drbdLine(settled.b)} (${((Date.now() - sbAt) / 1000).toFixed(0)} s after the split)`);

  // Resolve as the README says: the standby's changes are thrown away. Pacemaker's recovery of
  // the demoted instance (stop, start) has it connecting again: disconnect it first.
  await lab.sshTo(standby, ['drbdadm', 'disconnect', 'r0'], 120_000);
  await lab.mustSsh(standby, ['drbdadm', 'connect', '--discard-my-data', 'r0'], 120_000);
  if ((await view(active))?.connection === 'StandAlone') await lab.mustSsh(active, ['drbdadm', 'connect', 'r0'], 120_000);
  const healed = await waitFor('split brain resolved: Connected UpToDate/UpToDate', 600_000, async () => {
    const v = await view(standby);
    return v?.connection === 'Connected' && v.disk === 'UpToDate' && v.peerDisk === 'UpToDate' && v;
  });
  step(t, `resolved with discard-my-data on ${standby}: ${drbdLine(healed)}`);
  await capture(lab, standby, '10-split-brain-resolved-discarded');
  await waitFor(`${SPLIT_ATTR} cleared by the next monitors`, 300_000, async () => (await nodeAttr(lab, active, active, SPLIT_ATTR)) === null && (await nodeAttr(lab, active, standby, SPLIT_ATTR)) === null);
  step(t, `${SPLIT_ATTR} cleared on both nodes`);
  const finalCheck = await verifyFiles(lab, active, DIR, all);
  t.same(finalCheck.bad, [], `${finalCheck.ok}/${all.length} files still verified on ${active}`);
  t.same((await verifyFiles(lab, active, `${MOUNT}/split`, survivorFile)).bad, [], "the survivor's split-brain write kept");

  if (CAPTURE) await writeSources(lab, active);

  // ---- teardown ------------------------------------------------------------------------------
  const d = await lab.down();
  t.equal(lab.strayQemus().length, 0, 'no qemu of the lab left');
  t.notOk(existsSync(lab.paths.run), 'the run directory is gone');
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(lab.paths.cache));
  t.same(mounts, [], 'nothing mounted from the cache');
  const newTmp = [...tmpEntries()].filter((e) => !tmpBefore.has(e) && /qemu|ocfkit-vm|drbd-vm/.test(e));
  t.same(newTmp, [], 'no file of the lab left in /tmp');
  step(t, `teardown clean: ${d.killed} qemu killed in ${d.durationMs} ms, no qemu process, run/ removed, only the cache (${lab.paths.cache}) stays`);
});

async function fenceConstraint(lab: VmLab, node: VmNode): Promise<boolean> {
  const r = await lab.sshTo(node, ['cibadmin', '--query', '--scope', 'constraints'], 60_000);
  return r.stdout.includes('ocfkit-drbd-fence-r0');
}

async function writeSources(lab: VmLab, n: VmNode): Promise<void> {
  const v = async (cmd: string[]): Promise<string> => (await lab.sshTo(n, cmd, 60_000)).stdout.trim();
  const pkg = (name: string): Promise<string> => v(['dpkg-query', '-W', '-f', '${Version}', name]);
  const versions = [
    `guest kernel: ${await v(['uname', '-r'])}`,
    `DRBD: ${(await v(['cat', '/proc/drbd'])).split('\n')[0]}`,
    `drbd-utils ${await pkg('drbd-utils')}, pacemaker ${await pkg('pacemaker')}, corosync ${await pkg('corosync')}, sbd ${await pkg('sbd')}`,
  ];
  writeFileSync(
    join(FIXTURES, 'SOURCES.md'),
    [
      '# Real DRBD 8.4.11 outputs from the VM lab (`ocfkit lab vm`, test/vm/vm-lab.test.ts)',
      '',
      `Captured ${new Date().toISOString().slice(0, 10)} by \`OCFKIT_VM_TEST=1 OCFKIT_VM_CAPTURE=1 npx tap test/vm/vm-lab.test.ts\`:`,
      'two Debian 12 guests under qemu TCG, r0 = /dev/drbd0 on a 1 GiB virtio disk (/dev/vdb), protocol C,',
      "`fencing resource-only` with ocfkit's fence-peer/unfence-peer handlers, managed by Pacemaker with",
      'ocf:ocfkit:drbd (the rendered CIB of vagrant/vm.vars.json), SBD fencing.',
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
      'only when caught in the act); 08 resync done, the rejoined node Unpromoted UpToDate, and its Primary peer;',
      '09 split brain: the clone unmanaged, the standby disconnected, forced Primary, both wrote, then',
      '`drbdadm connect` ("Split-Brain detected but unresolved, dropping connection!"), both nodes;',
      '10 resolved with `drbdadm connect --discard-my-data r0` on the forced node, resync done.',
      '',
      'Every file with its capture time, command and exit code: captured.tsv (this run\'s files only).',
      '',
    ].join('\n'),
  );
  writeFileSync(join(FIXTURES, 'captured.tsv'), `${captured.join('\n')}\n`);
}
