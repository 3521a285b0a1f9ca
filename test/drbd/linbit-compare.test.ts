/**
 * ocf:ocfkit:drbd side by side with ocf:linbit:drbd (drbd-utils 9.22, /usr/lib/ocf/resource.d/linbit/drbd):
 * both agents' `monitor` run against the same DRBD simulator state (test double, test/drbd-sim),
 * for every drbd-vm scenario the simulator reproduces (01 … 11) and the states of the lab drills
 * (test/lab/drbd.test.ts), on two simulated nodes on the host (127.0.0.2 / 127.0.0.3).
 *
 * Each agent writes its score through the crm_attribute stand-in of test/fixtures/drbd-standin
 * (one attribute store per node and agent; LINBIT's goes through the real /usr/sbin/crm_master
 * wrapper, which calls crm_attribute from PATH). The test asserts OUR column (monitor code and
 * score per state), requires every row where LINBIT's answer differs from ours to carry the reason
 * ours is right, and prints the table (t.comment) for the README (notes/issue10-drills.md).
 *
 * LINBIT's agent first checks /proc/drbd (the module) and `test -b` on the device: it runs from a
 * copy whose only change is the /proc/drbd test (as bench/drbd.ts does), and the resource's
 * `device` is an existing block device with `minor 0`.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_PORT, SIM_BIN, twoHostNodes, waitFor, type HostNode } from '../drbd-sim/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OURS = join(ROOT, 'dist', 'resource.d', 'ocfkit', 'drbd');
const LINBIT = '/usr/lib/ocf/resource.d/linbit';
const ATTR_STANDIN = join(ROOT, 'test', 'fixtures', 'drbd-standin', 'crm_attribute');
const CLEAN_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

const CODE: Record<number, string> = { 0: 'SUCCESS', 1: 'ERR_GENERIC', 5: 'ERR_INSTALLED', 6: 'ERR_CONFIGURED', 7: 'NOT_RUNNING', 8: 'RUNNING_PROMOTED', 9: 'FAILED_PROMOTED', 190: 'DEGRADED', 191: 'DEGRADED_PROMOTED' };
const codeText = (c: number | null): string => (c === null ? 'killed' : `${c} ${CODE[c] ?? ''}`.trim());

function blockDevice(): string | null {
  for (const name of readdirSync('/dev').sort()) {
    try {
      if (statSync(join('/dev', name)).isBlockDevice()) return join('/dev', name);
    } catch {
      /* next */
    }
  }
  return null;
}

const skip = !existsSync(OURS)
  ? `ocf:ocfkit:drbd is not built (${OURS}): run 'npm run build'`
  : !existsSync(join(LINBIT, 'drbd'))
    ? 'ocf:linbit:drbd is not installed (Debian package drbd-utils)'
    : !existsSync('/usr/sbin/crm_master') || !existsSync('/usr/lib/ocf/lib/heartbeat/ocf-shellfuncs')
      ? 'crm_master (pacemaker-cli-utils) or ocf-shellfuncs (resource-agents) missing'
      : blockDevice() === null
        ? 'no block device in /dev for LINBIT’s `test -b`'
        : false;

interface Answer {
  code: number | null;
  score: string | null;
  reason: string | null;
}
interface Row {
  state: string;
  node: string;
  drbd: string;
  linbit: Answer;
  ours: Answer;
  why: string;
}

t.test('monitor of ocf:linbit:drbd and ocf:ocfkit:drbd on the same simulator states', { skip }, async (t) => {
  const dir = join(tmpdir(), `ocfkit-drbd-compare-${process.pid}`);
  // 400 MB at 20 MB/s: the initial sync lasts ~20 s, long enough to run both agents mid-sync
  const [n1, n2] = twoHostNodes(dir, { DRBD_SIM_RESYNC_KIBPS: '20000', DRBD_SIM_WRITE_KIBPS: '64', DRBD_SIM_SIZE_KIB: '400000' });
  t.teardown(async () => {
    await n1.cleanup();
    await n2.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const dev = blockDevice()!;
  // the same resource as helpers.resourceFile, with a device LINBIT's `test -b` accepts
  writeFileSync(
    join(dir, 'drbd.d', 'r0.res'),
    [
      'resource r0 {',
      '  protocol C;',
      '  disk { c-plan-ahead 0; resync-rate 8M; }',
      `  on node1 { device ${dev} minor 0; disk /dev/vdb; address 127.0.0.2:${HOST_PORT}; meta-disk internal; }`,
      `  on node2 { device ${dev} minor 0; disk /dev/vdb; address 127.0.0.3:${HOST_PORT}; meta-disk internal; }`,
      '}',
      '',
    ].join('\n'),
  );
  const conf = join(dir, 'drbd.conf');
  // LINBIT's copy: only `test -f /proc/drbd` changed (the module is "loaded": a file that exists)
  const linbitDir = join(dir, 'linbit');
  mkdirSync(linbitDir);
  const text = readFileSync(join(LINBIT, 'drbd'), 'utf8');
  t.ok(text.includes('test -f /proc/drbd'), 'LINBIT’s agent tests /proc/drbd (the one line changed in the copy)');
  writeFileSync(join(dir, 'proc-drbd'), 'version: 8.4.11 (api:1/proto:86-101)\n');
  writeFileSync(join(linbitDir, 'drbd'), text.replace('test -f /proc/drbd', `test -f ${join(dir, 'proc-drbd')}`), { mode: 0o755 });
  copyFileSync(join(LINBIT, 'drbd.shellfuncs.sh'), join(linbitDir, 'drbd.shellfuncs.sh'));
  // crm_attribute stand-in alone on PATH (the fixture folder's drbdadm/drbdsetup must not shadow the simulator)
  const attrBin = join(dir, 'attr-bin');
  mkdirSync(attrBin);
  symlinkSync(ATTR_STANDIN, join(attrBin, 'crm_attribute'));

  const agents = { linbit: join(linbitDir, 'drbd'), ours: OURS } as const;
  type Who = keyof typeof agents;
  /** Per node and agent: the attribute store (DRBD_STANDIN) and HA_RSCTMP, i.e. that node's attrd and /run. */
  const store = (node: HostNode, who: Who): string => join(dir, 'stores', `${node.name}-${who}`);
  const reboot = (node: HostNode): void => {
    for (const who of Object.keys(agents) as Who[]) {
      rmSync(store(node, who), { recursive: true, force: true });
    }
    node.reboot();
  };

  const monitor = (node: HostNode, who: Who): Promise<Answer> => {
    const st = store(node, who);
    mkdirSync(join(st, 'run'), { recursive: true });
    const env: Record<string, string> = {
      ...node.env,
      PATH: `${attrBin}:${SIM_BIN}:${CLEAN_PATH}`,
      OCF_ROOT: '/usr/lib/ocf',
      DRBD_STANDIN: st,
      HA_RSCTMP: join(st, 'run'),
      OCF_RESOURCE_INSTANCE: 'drbd_r0',
      OCF_RESKEY_drbd_resource: 'r0',
      OCF_RESKEY_drbdconf: conf,
      OCF_RESKEY_CRM_meta_on_node: node.name,
      OCF_RESKEY_CRM_meta_clone: node.name === 'node1' ? '0' : '1',
      OCF_RESKEY_CRM_meta_clone_max: '2',
      OCF_RESKEY_CRM_meta_clone_node_max: '1',
      OCF_RESKEY_CRM_meta_master_max: '1',
      OCF_RESKEY_CRM_meta_master_node_max: '1',
      OCF_RESKEY_CRM_meta_promoted_max: '1',
      OCF_RESKEY_CRM_meta_promoted_node_max: '1',
      OCF_RESKEY_CRM_meta_promotable: 'true',
      OCF_RESKEY_CRM_meta_notify: 'true',
      OCF_RESKEY_CRM_meta_interval: '20000', // a recurring monitor, not a probe
      OCF_RESKEY_CRM_meta_timeout: '20000',
    };
    // env -i: exactly this environment (the test runner adds NODE_OPTIONS to children it sees)
    const argv = ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), agents[who], 'monitor'];
    return new Promise((res) => {
      execFile('/usr/bin/env', argv, { encoding: 'utf8', timeout: 30_000 }, (error, _stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null) : 0;
        let score: string | null = null;
        try {
          score = readFileSync(join(st, 'attr.master-drbd_r0'), 'utf8').trim() || null;
        } catch {
          /* never written */
        }
        const reason = stderr.split('\n').find((l) => l.startsWith('ocf-exit-reason:'))?.slice(16) ?? null;
        res({ code, score, reason });
      });
    });
  };
  const describe = async (node: HostNode): Promise<string> => {
    const role = await node.run('drbdadm', 'role', 'r0');
    if (role.rc !== 0) return 'down (module loaded, resource not up)';
    const [c, d] = [(await node.run('drbdadm', 'cstate', 'r0')).stdout.trim(), (await node.run('drbdadm', 'dstate', 'r0')).stdout.trim()];
    return `${role.stdout.trim()} ${d} ${c}`;
  };

  const rows: Row[] = [];
  /**
   * Both agents' monitor on `node` now; ours must answer `want`. `why`: when LINBIT answers
   * differently, why ours is right (required for every difference).
   */
  const compare = async (state: string, node: HostNode, want: { code: number; score: string | null }, why = ''): Promise<void> => {
    const drbd = await describe(node);
    // alternate which agent goes first, so that neither always sees the older instant
    const first: Who = rows.length % 2 === 0 ? 'linbit' : 'ours';
    const a = await monitor(node, first);
    const b = await monitor(node, first === 'linbit' ? 'ours' : 'linbit');
    const [linbit, ours] = first === 'linbit' ? [a, b] : [b, a];
    const after = await describe(node);
    t.equal(after, drbd, `${state} ${node.name}: the state did not change while both agents looked (${drbd})`);
    t.same({ code: ours.code, score: ours.score }, want, `${state} ${node.name} (${drbd}): ours ${codeText(want.code)}, score ${want.score ?? 'none'}`, { reason: ours.reason });
    const differs = linbit.code !== ours.code || linbit.score !== ours.score;
    if (differs) t.ok(why, `${state} ${node.name}: LINBIT differs (${codeText(linbit.code)}, ${linbit.score ?? 'none'}) and the row says why ours is right`);
    rows.push({ state, node: node.name, drbd, linbit, ours, why: differs ? why : 'same' });
  };

  const cstate = async (n: HostNode): Promise<string> => (await n.run('drbdadm', 'cstate', 'r0')).stdout.trim();
  const dstate = async (n: HostNode): Promise<string> => (await n.run('drbdadm', 'dstate', 'r0')).stdout.trim();
  const role = async (n: HostNode): Promise<string> => (await n.run('drbdadm', 'role', 'r0')).stdout.trim();
  const NONE = null;
  const SYNC_TARGET_WHY =
    'LINBIT gives a SyncTarget 10 (only_remote: reads go to the peer), so when the UpToDate node is alive but cannot hold Promoted (standby, a ban, a colocated resource failing there) Pacemaker promotes the SyncTarget: a Primary without data of its own, whose application gets I/O errors as soon as the link or the peer fails. Ours promotes only UpToDate data (issue 10): no score, promote refuses it with a reason, and the node gets 10000 once its resync is done.';
  const SB_PRIMARY_WHY =
    'Both say Primary; ours answers DEGRADED_PROMOTED (running: no recovery, which would not heal it) with the evidence as exit reason, and sets ocfkit-drbd-r0-split-brain, so crm_mon, alerts and `ocfkit status` show it. LINBIT reports a healthy Primary: the split brain stays silent (kernel log only) until someone looks. Same score: the Primary keeps serving.';
  const SB_SECONDARY_WHY =
    'LINBIT gives this StandAlone Secondary 1000 (UpToDate, peer unknown: "ok to be promoted"): if the Primary fails, Pacemaker promotes the split-brain victim and the service silently goes on with the copy that lacks everything the Primary wrote since the split. Ours: DEGRADED with the evidence, and no score until an operator resolves it (drbdadm connect --discard-my-data).';

  t.comment(`simulator on 127.0.0.2/127.0.0.3:${HOST_PORT}, device ${dev}`);
  for (const n of [n1, n2]) {
    await n.must('drbdadm', 'create-md', 'r0');
    await n.must('drbdadm', 'up', 'r0');
  }
  await waitFor('01 connected', async () => (await cstate(n1)) === 'Connected' && (await cstate(n2)) === 'Connected');
  for (const n of [n1, n2]) await compare('01 fresh metadata', n, { code: 0, score: NONE });

  await n1.must('drbdadm', 'new-current-uuid', '--clear-bitmap', 'r0');
  await waitFor('01b UpToDate on both', async () => (await dstate(n2)) === 'UpToDate/UpToDate' && (await dstate(n1)) === 'UpToDate/UpToDate');
  for (const n of [n1, n2]) await compare('01b new-current-uuid --clear-bitmap', n, { code: 0, score: '10000' });

  // 02: a fresh pair, primary --force on node1: initial full sync
  for (const n of [n1, n2]) await n.must('drbdadm', 'down', 'r0');
  for (const n of [n1, n2]) await n.must('drbdadm', 'create-md', '--force', 'r0');
  for (const n of [n1, n2]) await n.must('drbdadm', 'up', 'r0');
  await waitFor('connected again', async () => (await cstate(n1)) === 'Connected');
  await n1.must('drbdadm', 'primary', '--force', 'r0');
  await waitFor('02 SyncSource', async () => (await cstate(n1)) === 'SyncSource' && (await cstate(n2)) === 'SyncTarget');
  await compare('02 initial sync', n2, { code: 0, score: NONE }, SYNC_TARGET_WHY);
  await compare('02 initial sync', n1, { code: 8, score: '10000' });
  await waitFor('02 sync done', async () => (await dstate(n1)) === 'UpToDate/UpToDate', 60_000);

  await n1.must('drbdadm', 'secondary', 'r0');
  for (const n of [n1, n2]) await compare('03 Secondary/Secondary UpToDate', n, { code: 0, score: '10000' });

  await n1.must('drbdadm', 'primary', 'r0');
  await waitFor('04 peer sees Primary', async () => (await role(n2)) === 'Secondary/Primary');
  await compare('04 Primary/Secondary', n1, { code: 8, score: '10000' });
  await compare('04 Primary/Secondary', n2, { code: 0, score: '10000' });

  n2.kill();
  await waitFor('05 WFConnection', async () => (await cstate(n1)) === 'WFConnection', 5000, 50);
  await compare('05 peer killed (= drill d, the cut-off Primary)', n1, { code: 8, score: '10000' });

  reboot(n2); // the node's /run and transient attributes are gone with the reboot
  await compare('06 peer rebooted, DRBD not started', n2, { code: 7, score: NONE });

  // 07: written on node1 meanwhile; node2 comes back: bitmap resync from node1
  await n1.must('drbd-sim', 'write', 'r0', '300000'); // 15 s of resync at 20 MB/s
  await n2.must('drbdadm', 'up', 'r0');
  await waitFor('07 SyncSource', async () => (await cstate(n1)) === 'SyncSource');
  await compare('07 resync after reconnect', n2, { code: 0, score: NONE }, SYNC_TARGET_WHY);
  await compare('07 resync after reconnect', n1, { code: 8, score: '10000' });
  await waitFor('07 resync done', async () => (await dstate(n2)) === 'UpToDate/UpToDate', 30_000);
  await compare('07 after the resync', n2, { code: 0, score: '10000' });

  // drills (b), (d): the Promoted node dies; the survivor, before Pacemaker promotes it
  n1.kill();
  await waitFor('survivor WFConnection', async () => (await cstate(n2)) === 'WFConnection', 5000, 50);
  await compare('drill b/d: survivor of a hard kill', n2, { code: 0, score: '1000' });
  reboot(n1);
  await n1.must('drbdadm', 'up', 'r0');
  await waitFor('node1 back', async () => (await dstate(n1)) === 'UpToDate/UpToDate' && (await cstate(n2)) === 'Connected', 20_000);
  await n1.must('drbdadm', 'primary', 'r0');

  // drill (c): the replication link goes, the Secondary is outdated, then the Primary dies
  await n1.must('drbdadm', 'disconnect', 'r0');
  await waitFor('node2 WFConnection', async () => (await cstate(n2)) === 'WFConnection');
  await n2.must('drbdadm', 'outdate', 'r0');
  n1.kill();
  await compare('drill c: survivor Outdated, Primary gone', n2, { code: 0, score: NONE });
  reboot(n1);
  await n1.must('drbdadm', 'up', 'r0');
  await waitFor('node1 back, node2 resynced', async () => (await dstate(n2)) === 'UpToDate/UpToDate' && (await cstate(n1)) === 'Connected', 30_000);
  await n1.must('drbdadm', 'primary', 'r0');

  // 09: node1 (Primary) disconnects, node2 is promoted while apart, node1 connects again
  await n1.must('drbdadm', 'disconnect', 'r0');
  await waitFor('node2 WFConnection', async () => (await cstate(n2)) === 'WFConnection');
  await n2.must('drbdadm', 'primary', 'r0');
  await n1.must('drbdadm', 'connect', 'r0');
  await waitFor('09 StandAlone on both', async () => (await cstate(n1)) === 'StandAlone' && (await cstate(n2)) === 'StandAlone');
  for (const n of [n1, n2]) await compare('09 split brain, both Primary', n, { code: 191, score: '10000' }, SB_PRIMARY_WHY);

  // 10: node2 gives up its data
  await n2.must('drbdadm', 'secondary', 'r0');
  await n2.must('drbdadm', 'connect', '--discard-my-data', 'r0');
  await n1.must('drbdadm', 'connect', 'r0');
  await waitFor('10 resolved', async () => (await dstate(n2)) === 'UpToDate/UpToDate' && (await cstate(n1)) === 'Connected', 20_000);
  await compare('10 resolved (--discard-my-data)', n1, { code: 8, score: '10000' });
  await compare('10 resolved (--discard-my-data)', n2, { code: 0, score: '10000' });

  // drill (e): the Secondary was Primary while apart and is Secondary again at the reconnect
  await n1.must('drbdadm', 'disconnect', 'r0');
  await waitFor('node2 WFConnection', async () => (await cstate(n2)) === 'WFConnection');
  await n2.must('drbdadm', 'primary', 'r0');
  await n2.must('drbd-sim', 'write', 'r0', '4096');
  await n2.must('drbdadm', 'secondary', 'r0');
  await n1.must('drbdadm', 'connect', 'r0');
  await waitFor('split brain', async () => (await cstate(n1)) === 'StandAlone' && (await cstate(n2)) === 'StandAlone');
  await compare('drill e: split brain, Primary side', n1, { code: 191, score: '10000' }, SB_PRIMARY_WHY);
  await compare('drill e: split brain, Secondary side', n2, { code: 190, score: NONE }, SB_SECONDARY_WHY);
  await n2.must('drbdadm', 'connect', '--discard-my-data', 'r0');
  await n1.must('drbdadm', 'connect', 'r0');
  await waitFor('resolved again', async () => (await dstate(n2)) === 'UpToDate/UpToDate' && (await cstate(n1)) === 'Connected', 20_000);

  // 11: node1 re-creates its metadata and becomes SyncTarget; node2 re-creates its own mid-sync
  await n1.must('drbdadm', 'secondary', 'r0');
  await n1.must('drbdadm', 'down', 'r0');
  await n1.must('drbdadm', 'create-md', '--force', 'r0');
  await n1.must('drbdadm', 'up', 'r0');
  await waitFor('node1 SyncTarget', async () => (await cstate(n1)) === 'SyncTarget');
  await n2.must('drbdadm', 'down', 'r0');
  await n2.must('drbdadm', 'create-md', '--force', 'r0');
  await n2.must('drbdadm', 'up', 'r0');
  await waitFor('11 node1 StandAlone', async () => (await cstate(n1)) === 'StandAlone' && (await cstate(n2)) === 'WFConnection');
  await compare('11 StandAlone Inconsistent ("I shall become SyncSource")', n1, { code: 0, score: NONE });
  await compare('11 StandAlone Inconsistent ("I shall become SyncSource")', n2, { code: 0, score: NONE });

  const cell = (a: Answer): string => `${codeText(a.code)}, ${a.score ?? 'none'}`;
  const whyIds = new Map<string, string>();
  const table = [
    '| state | node | DRBD (role dstate cstate) | ocf:linbit:drbd monitor, score | ocf:ocfkit:drbd monitor, score | |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => {
      let note = r.why;
      if (r.why !== 'same') {
        if (!whyIds.has(r.why)) whyIds.set(r.why, `(${whyIds.size + 1})`);
        note = `differs ${whyIds.get(r.why)}`;
      }
      return `| ${r.state} | ${r.node} | ${r.drbd} | ${cell(r.linbit)} | ${cell(r.ours)} | ${note} |`;
    }),
    '',
    ...[...whyIds].map(([why, id]) => `${id} ${why}`),
  ].join('\n');
  t.comment(`\n${table}`);
  t.comment(`ours' exit reasons: ${JSON.stringify([...new Set(rows.map((r) => r.ours.reason).filter(Boolean))])}`);
});
