/**
 * Taking a lab down from any state (healthy, half-up, crashed, after a kill): every process in
 * the nodes' namespaces gets SIGKILL, the namespace files are unmounted, the network
 * namespaces deleted and the state folder removed. Nothing here needs lab.json: every name is
 * derived from the lab's name.
 */
import { cpSync, existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { run } from '../exec/run.ts';
import { Deadline } from '../exec/deadline.ts';
import { pollUntil } from '../exec/wait.ts';
import type { Logger } from '../log/logger.ts';
import { DEFAULT_LOGS_ROOT, DEFAULT_STATE_ROOT, labPaths, type LabPaths, type NodePaths } from './names.ts';
import { killNamespaces, namespaceInode, pidsInNamespaces } from './procs.ts';
import { mountPoints, mountsUnder } from './system.ts';
import { loopsBackedUnder } from './stack-node.ts';

/** Every node a lab of this name may have, whatever it was created with. */
export const ALL_NODES = ['node1', 'node2'] as const;

export interface Leftovers {
  processes: number[];
  mounts: string[];
  /** Network namespaces: the nodes', the switch's (`<name>-sw`) and the client's. */
  netns: string[];
  /** Loop devices backed by the lab's images (full stack). */
  loops: string[];
  stateDir: boolean;
}

/** The lab's network namespaces that are not nodes: the switch and the client (name, file). */
function extraNetns(paths: LabPaths): Array<{ netns: string; file: string }> {
  return [
    { netns: paths.clientNetns, file: paths.clientNetnsFile },
    { netns: paths.swNetns, file: paths.swNetnsFile },
  ];
}

/** The namespace inodes of a node that still exist (a mount file counts only while mounted). */
export function nodeInodes(n: NodePaths, mounts: readonly string[] = mountPoints()): { net: number | null; mnt: number | null } {
  const net = existsSync(n.netnsFile) ? namespaceInode(n.netnsFile) : null;
  const mnt = mounts.includes(n.mntFile) ? namespaceInode(n.mntFile) : null;
  return { net, mnt };
}

export function leftovers(paths: LabPaths): Leftovers {
  const mounts = mountPoints();
  const processes: number[] = [];
  const netns: string[] = [];
  for (const node of ALL_NODES) {
    const n = paths.node(node);
    processes.push(...pidsInNamespaces(nodeInodes(n, mounts)));
    if (existsSync(n.netnsFile)) netns.push(n.netns);
  }
  for (const x of extraNetns(paths)) {
    if (!existsSync(x.file)) continue;
    netns.push(x.netns);
    processes.push(...pidsInNamespaces({ net: namespaceInode(x.file) }));
  }
  return { processes, mounts: mountsUnder(paths.stateDir), netns, loops: loopsBackedUnder(paths.stateDir), stateDir: existsSync(paths.stateDir) };
}

export function isClean(l: Leftovers, allowStateDir = false): boolean {
  return l.processes.length === 0 && l.mounts.length === 0 && l.netns.length === 0 && (l.loops?.length ?? 0) === 0 && (allowStateDir || !l.stateDir);
}

export interface DownOptions {
  stateRoot?: string;
  /** Keep the nodes' /var/log (copied to `<logsRoot>/<name>/<node>`). */
  keepLogs?: boolean;
  logsRoot?: string;
  log?: Logger;
  timeoutMs?: number;
}

export interface DownResult {
  name: string;
  /** Something existed before. */
  existed: boolean;
  killed: number;
  durationMs: number;
  logsDir: string | null;
}

export async function teardown(name: string, options: DownOptions = {}): Promise<DownResult> {
  const started = Date.now();
  const paths = labPaths(name, options.stateRoot ?? DEFAULT_STATE_ROOT);
  const log = options.log;
  const deadline = Deadline.after(options.timeoutMs ?? 60_000);
  const before = leftovers(paths);
  const existed = !isClean(before);
  let killed = 0;

  // 1. Power off: every process of every node, found by namespace.
  const mounts = mountPoints();
  const inodes = ALL_NODES.map((node) => nodeInodes(paths.node(node), mounts));
  for (const ino of inodes) killed += await killNamespaces(ino, deadline.remaining());
  for (const x of extraNetns(paths)) {
    if (existsSync(x.file)) killed += await killNamespaces({ net: namespaceInode(x.file) }, deadline.remaining());
  }

  // 2. Unmount what the host holds under the state folder (namespace files, the ns folder).
  for (const m of mountsUnder(paths.stateDir)) {
    const r = await run('umount', [m], { deadline, log, timeoutMs: 10_000 });
    if (r.failed) await run('umount', ['-l', m], { deadline, log, timeoutMs: 10_000 });
  }

  // 3. The network namespaces (the veth pair goes with them).
  for (const node of ALL_NODES) {
    const n = paths.node(node);
    if (existsSync(n.netnsFile)) await run('ip', ['netns', 'delete', n.netns], { deadline, log, timeoutMs: 10_000 });
  }
  for (const x of extraNetns(paths)) {
    if (existsSync(x.file)) await run('ip', ['netns', 'delete', x.netns], { deadline, log, timeoutMs: 10_000 });
  }

  // 3b. The loop devices behind the full stack's images: the nodes' mount namespaces are gone,
  // so nothing holds their filesystems any more (a device still busy is detached when released).
  for (const loop of loopsBackedUnder(paths.stateDir)) await run('losetup', ['--detach', loop], { deadline, log, timeoutMs: 10_000 });
  // A filesystem still being released by the kernel keeps its device for a moment (autoclear).
  await pollUntil(() => loopsBackedUnder(paths.stateDir).length === 0, Deadline.after(Math.min(5000, deadline.remaining())), 50);

  // 4. Logs, if wanted, then the state folder, but never through a remaining mount.
  let logsDir: string | null = null;
  if (options.keepLogs && existsSync(paths.stateDir)) {
    logsDir = join(options.logsRoot ?? DEFAULT_LOGS_ROOT, name);
    rmSync(logsDir, { recursive: true, force: true });
    for (const node of ALL_NODES) {
      const n = paths.node(node);
      if (existsSync(n.log)) cpSync(n.log, join(logsDir, node), { recursive: true });
    }
  }
  const still = mountsUnder(paths.stateDir);
  if (still.length > 0) throw new Error(`lab ${name}: mounts remain under ${paths.stateDir}: ${still.join(' ')}`);
  rmSync(paths.stateDir, { recursive: true, force: true });
  try {
    if (readdirSync(dirname(paths.stateDir)).length === 0) rmdirSync(dirname(paths.stateDir));
  } catch {
    // the root is shared with other labs, or already gone
  }

  const after = leftovers(paths);
  if (!isClean(after)) throw new Error(`lab ${name}: left behind after down: ${JSON.stringify(after)}`);
  const durationMs = Date.now() - started;
  log?.info('lab down', { lab: name, killed, ms: durationMs, logs: logsDir ?? undefined });
  return { name, existed, killed, durationMs, logsDir };
}
