/**
 * What the full stack adds to one lab node (host side and inside its mount namespace):
 *
 * - a 64 MB ext4 image in the node's state folder behind a host loop device, seen inside the
 *   node as the block device `/dev/drbd0` (a device node in the node's private /dev with the
 *   loop device's numbers): what `ocf:heartbeat:Filesystem` mounts. The simulator replicates
 *   nothing; each node has its own data.
 * - private `/dev` (tmpfs with the usual character devices, a devpts instance and drbd0),
 *   `/srv`, `/var/lib/haproxy`, `/var/lib/ocfkit-drbd-sim` (the simulator's metadata), and the
 *   lab's `/etc/drbd.conf` and `/etc/haproxy/haproxy.cfg` bound over the host's files;
 * - at every boot: whatever a power cut left mounted under /srv is unmounted (a reboot forgets
 *   mounts), and HAProxy is started like a system daemon, outside Pacemaker.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { run, outcome, type ExecResult } from '../exec/run.ts';
import { pollUntil } from '../exec/wait.ts';
import { spawnDaemon } from './daemon.ts';
import { nodeEnv, nodeExec, nsenterArgs, type Ctx } from './node.ts';
import type { NodePaths } from './names.ts';
import { DRBD_DEVICE, HAPROXY_CONFIG, HAPROXY_SOCKET, MOUNT_POINT } from './stack-files.ts';

export const IMAGE_BYTES = 64 * 1024 * 1024;
/** The simulator's default metadata folder (test/drbd-sim/lib/env.mjs), made private per node. */
export const DRBD_SIM_MD_DIR = '/var/lib/ocfkit-drbd-sim';

/** Host files and folders the full stack binds over in the nodes, and the package that brings each. */
const HOST_TARGETS: Array<[string, string]> = [
  ['/etc/drbd.conf', 'drbd-utils'],
  [HAPROXY_CONFIG, 'haproxy'],
  ['/var/lib/haproxy', 'haproxy'],
  ['/srv', 'base-files'],
];

async function must(p: Promise<ExecResult>, what: string): Promise<ExecResult> {
  const r = await p;
  if (r.failed) throw new Error(`${what}: ${outcome(r)} ${r.stderr.trim()}`);
  return r;
}

/** What is missing on the host for the full stack (empty: nothing). */
export function missingForFullStack(): string[] {
  const missing: string[] = [];
  for (const [path, pkg] of HOST_TARGETS) if (!existsSync(path)) missing.push(`${path} (Debian package ${pkg})`);
  for (const [path, pkg] of [['/usr/sbin/haproxy', 'haproxy'], ['/usr/sbin/mkfs.ext4', 'e2fsprogs'], ['/usr/sbin/losetup', 'mount'], ['/usr/sbin/modprobe', 'kmod'], ['/usr/lib/ocf/resource.d/heartbeat/Filesystem', 'resource-agents'], ['/usr/lib/ocf/resource.d/heartbeat/IPaddr2', 'resource-agents']] as const) {
    if (!existsSync(path)) missing.push(`${path} (Debian package ${pkg})`);
  }
  return missing;
}

export interface LoopDevice {
  path: string;
  major: number;
  minor: number;
}

/** Loop devices (`/dev/loopN`) whose backing file is under `dir` (from /sys; deleted files too). */
export function loopsBackedUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const found: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/sys/block').filter((e) => /^loop\d+$/.test(e));
  } catch {
    return [];
  }
  for (const e of entries) {
    let backing: string;
    try {
      backing = readFileSync(`/sys/block/${e}/loop/backing_file`, 'utf8').trim().replace(/ \(deleted\)$/, '');
    } catch {
      continue;
    }
    if (backing.startsWith(prefix)) found.push(`/dev/${e}`);
  }
  return found.sort();
}

function loopNumbers(path: string): LoopDevice {
  const name = path.replace(/^\/dev\//, '');
  const [major, minor] = readFileSync(`/sys/block/${name}/dev`, 'utf8').trim().split(':').map(Number);
  if (!Number.isInteger(major) || !Number.isInteger(minor)) throw new Error(`cannot read the numbers of ${path}`);
  return { path, major: major!, minor: minor! };
}

/** Host side: the node's folders and files, the ext4 image and its loop device. */
export async function prepareStackHost(n: NodePaths, files: { drbdConf: string; haproxyCfg: string }, ctx: Ctx): Promise<LoopDevice> {
  for (const dir of [n.etcDir, join(n.srvDir, 'data'), n.haproxyDir, n.drbdMdDir]) mkdirSync(dir, { recursive: true });
  chmodSync(n.haproxyDir, 0o755);
  writeFileSync(join(n.etcDir, 'drbd.conf'), files.drbdConf, { mode: 0o644 });
  writeFileSync(join(n.etcDir, 'haproxy.cfg'), files.haproxyCfg, { mode: 0o644 });
  // The simulator's default metadata folder must exist on the host to be bound over (empty).
  mkdirSync(DRBD_SIM_MD_DIR, { recursive: true });
  // A sparse image: ext4 writes a few MB of it.
  const fd = openSync(n.image, 'w', 0o600);
  try {
    ftruncateSync(fd, IMAGE_BYTES);
  } finally {
    closeSync(fd);
  }
  const o = { deadline: ctx.deadline, log: ctx.log, timeoutMs: 30_000 };
  await must(run('mkfs.ext4', ['-q', '-F', '-L', `lab-${n.node}`, '-E', 'lazy_itable_init=1,lazy_journal_init=1', n.image], o), `mkfs.ext4 ${n.image}`);
  const attached = await must(run('losetup', ['--find', '--show', n.image], o), `losetup ${n.image}`);
  return loopNumbers(attached.stdout.trim());
}

/** Inside the node, once (at up): private /dev with drbd0, /srv, /var/lib/haproxy, the simulator's metadata, /etc files. */
export async function mountStackNode(n: NodePaths, loop: LoopDevice, ctx: Ctx): Promise<void> {
  const o = { deadline: ctx.deadline, log: ctx.log, timeoutMs: 10_000 };
  const inNode = (argv: string[]): Promise<ExecResult> => must(nodeExec(n, argv, o), `${n.node}: ${argv.join(' ')}`);
  await inNode(['mount', '--bind', join(n.etcDir, 'drbd.conf'), '/etc/drbd.conf']);
  await inNode(['mount', '--bind', join(n.etcDir, 'haproxy.cfg'), HAPROXY_CONFIG]);
  await inNode(['mount', '--bind', n.srvDir, '/srv']);
  await inNode(['mount', '--bind', n.haproxyDir, '/var/lib/haproxy']);
  await inNode(['mount', '--bind', n.drbdMdDir, DRBD_SIM_MD_DIR]);
  // Private /dev: a container's minimum, plus the node's "DRBD device".
  await inNode(['mount', '-t', 'tmpfs', '-o', 'mode=0755,size=1m,nosuid', 'ocfkit-lab-dev', '/dev']);
  for (const [name, mode, type, major, minor] of [
    ['null', '666', 'c', 1, 3],
    ['zero', '666', 'c', 1, 5],
    ['full', '666', 'c', 1, 7],
    ['random', '666', 'c', 1, 8],
    ['urandom', '666', 'c', 1, 9],
    ['tty', '666', 'c', 5, 0],
    [DRBD_DEVICE.replace(/^\/dev\//, ''), '660', 'b', loop.major, loop.minor],
  ] as const) {
    await inNode(['mknod', '-m', mode, `/dev/${name}`, type, String(major), String(minor)]);
  }
  await inNode(['mkdir', '-m', '0755', '/dev/pts']);
  await inNode(['mkdir', '-m', '1777', '/dev/shm']);
  await inNode(['mount', '-t', 'devpts', '-o', 'newinstance,ptmxmode=0666,mode=0620', 'devpts', '/dev/pts']);
  for (const [target, name] of [['pts/ptmx', 'ptmx'], ['/proc/self/fd', 'fd'], ['/proc/self/fd/0', 'stdin'], ['/proc/self/fd/1', 'stdout'], ['/proc/self/fd/2', 'stderr']]) {
    await inNode(['ln', '-s', target!, `/dev/${name}`]);
  }
}

/**
 * At every boot of a full-stack node (before Pacemaker): unmount what a power cut left under
 * /srv (the data filesystem), then start HAProxy and wait for its admin socket.
 */
export async function bootStackNode(n: NodePaths, ctx: Ctx): Promise<number> {
  const o = { deadline: ctx.deadline, log: ctx.log, timeoutMs: 10_000 };
  const mounted = await nodeExec(n, ['findmnt', '-n', '-l', '-o', 'TARGET', '-R', '/srv'], { ...o, log: undefined });
  for (const target of mounted.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(`${MOUNT_POINT}`)).reverse()) {
    await must(nodeExec(n, ['umount', target], o), `${n.node}: umount ${target} (left by a power cut)`);
  }
  await must(nodeExec(n, ['install', '-d', '-m', '0755', '/run/haproxy'], o), `${n.node}: /run/haproxy`);
  const pid = await spawnDaemon({
    command: 'nsenter',
    args: [...nsenterArgs(n), 'haproxy', '-db', '-f', HAPROXY_CONFIG],
    logFile: join(n.log, 'haproxy.stdout'),
    env: nodeEnv(),
    log: ctx.log,
  });
  const up = await pollUntil(async () => (await nodeExec(n, ['test', '-S', HAPROXY_SOCKET], { ...o, timeoutMs: 2000, log: undefined })).exitCode === 0, ctx.deadline, 50);
  if (!up) throw new Error(`${n.node}: HAProxy did not open ${HAPROXY_SOCKET} (see ${join(n.log, 'haproxy.stdout')})`);
  return pid;
}
