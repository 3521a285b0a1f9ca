/**
 * One lab node: a network namespace, a persistent mount namespace and a UTS namespace, with
 * private Corosync/Pacemaker state, /var/log, /run, /dev/shm and /sys, and the lab's layers
 * (fence and alert agents, the ocfkit OCF provider, the CLI) overlaid read-only on /usr.
 * Every command for a node runs under `nsenter --net --mount --uts`.
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, outcome, type ExecOptions, type ExecResult } from '../exec/run.ts';
import type { Deadline } from '../exec/deadline.ts';
import type { Logger } from '../log/logger.ts';
import type { LabPaths, NodePaths } from './names.ts';
import { haclusterIds } from './system.ts';
import { spawnDaemon } from './daemon.ts';
import { alive } from './procs.ts';
import { pollUntil } from '../exec/wait.ts';

export interface Ctx {
  deadline: Deadline;
  log: Logger;
}

/** Where ocfkit keeps node state (the alert agent's event log); private in every lab node. */
export const OCFKIT_LIB = '/var/lib/ocfkit';

export const NODE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The environment of everything run in a node: nothing leaks in from the caller (NODE_OPTIONS…). */
export function nodeEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: NODE_PATH, LANG: 'C.UTF-8', HOME: '/root', TZ: process.env.TZ ?? 'UTC' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function nsenterArgs(n: NodePaths): string[] {
  return [`--net=${n.netnsFile}`, `--mount=${n.mntFile}`, `--uts=${n.utsFile}`, '--wd=/', '--'];
}

export interface NodeExecOptions extends Omit<ExecOptions, 'env' | 'replaceEnv'> {
  env?: Record<string, string | undefined>;
}

/** Runs a command inside the node's namespaces. Never throws (see lib/exec). */
export function nodeExec(n: NodePaths, argv: readonly string[], options: NodeExecOptions = {}): Promise<ExecResult> {
  if (argv.length === 0) throw new Error('nodeExec: empty command');
  return run('nsenter', [...nsenterArgs(n), ...argv], { ...options, env: nodeEnv(options.env), replaceEnv: true });
}

async function must(resultP: Promise<ExecResult>, what: string): Promise<ExecResult> {
  const result = await resultP;
  if (result.failed) throw new Error(`${what}: ${outcome(result)}`);
  return result;
}

/** Host-side folders of a node, its corosync.conf and its seed CIB. */
export function prepareNodeDirs(n: NodePaths, corosyncConf: string, seedCib: string): void {
  const { uid, gid } = haclusterIds();
  const own = (dir: string, mode: number): void => {
    mkdirSync(dir, { recursive: true });
    chownSync(dir, uid, gid);
    chmodSync(dir, mode);
  };
  mkdirSync(n.etcCorosync, { recursive: true });
  mkdirSync(join(n.etcCorosync, 'uidgid.d'), { recursive: true });
  writeFileSync(join(n.etcCorosync, 'corosync.conf'), corosyncConf, { mode: 0o644 });
  mkdirSync(n.libCorosync, { recursive: true, mode: 0o755 });
  mkdirSync(n.libPacemaker, { recursive: true, mode: 0o755 });
  for (const sub of ['cib', 'pengine', 'blackbox', 'cores']) own(join(n.libPacemaker, sub), 0o750);
  const cib = join(n.libPacemaker, 'cib', 'cib.xml');
  copyFileSync(seedCib, cib);
  chownSync(cib, uid, gid);
  chmodSync(cib, 0o600);
  mkdirSync(n.log, { recursive: true, mode: 0o755 });
  mkdirSync(join(n.log, 'corosync'), { recursive: true });
  mkdirSync(join(n.log, 'crmsh'), { recursive: true });
  own(join(n.log, 'pacemaker'), 0o770);
  own(n.libOcfkit, 0o750);
  own(join(n.log, 'ocfkit-lab'), 0o770);
}

/** `ip netns add` and the persistent mount + UTS namespaces (bound to files in nsDir). */
export async function createNamespaces(n: NodePaths, ctx: Ctx): Promise<void> {
  const o = { deadline: ctx.deadline, log: ctx.log, timeoutMs: 10_000 };
  await must(run('ip', ['netns', 'add', n.netns], o), `ip netns add ${n.netns}`);
  await must(run('ip', ['-n', n.netns, 'link', 'set', 'lo', 'up'], o), 'lo up');
  writeFileSync(n.mntFile, '');
  writeFileSync(n.utsFile, '');
  await must(run('unshare', [`--mount=${n.mntFile}`, `--uts=${n.utsFile}`, '--propagation', 'private', 'true'], o), 'unshare');
  await must(run('nsenter', [`--uts=${n.utsFile}`, 'hostname', n.node], o), 'hostname');
}

/** Mounts inside the node's mount namespace that last for its whole life. */
export async function setupMounts(paths: LabPaths, n: NodePaths, ctx: Ctx): Promise<void> {
  const o = { deadline: ctx.deadline, log: ctx.log, timeoutMs: 10_000 };
  const inNode = (argv: string[]): Promise<ExecResult> => must(nodeExec(n, argv, o), `${n.node}: ${argv.join(' ')}`);
  await inNode(['mount', '--bind', n.etcCorosync, '/etc/corosync']);
  await inNode(['mount', '--bind', n.libCorosync, '/var/lib/corosync']);
  await inNode(['mount', '--bind', n.libPacemaker, '/var/lib/pacemaker']);
  await inNode(['mount', '--bind', n.log, '/var/log']);
  // The ocfkit-alert event log (/var/lib/ocfkit/events.jsonl) is each node's own.
  await inNode(['mount', '--bind', n.libOcfkit, OCFKIT_LIB]);
  await inNode(['mount', '-t', 'sysfs', 'sysfs', '/sys']);
  // Read-only overlays: the lab's files appear in the node, the host's /usr never changes.
  await inNode(['mount', '-t', 'overlay', '-o', `lowerdir=${paths.sbinDir}:/usr/sbin`, 'ocfkit-lab-sbin', '/usr/sbin']);
  // /usr/lib/ocf/alerts → <dist>/alerts (the ocfkit-alert agent), then the provider over resource.d.
  await inNode(['mount', '-t', 'overlay', '-o', `lowerdir=${paths.ocfTopDir}:/usr/lib/ocf`, 'ocfkit-lab-ocf-top', '/usr/lib/ocf']);
  await inNode(['mount', '-t', 'overlay', '-o', `lowerdir=${paths.ocfDir}:/usr/lib/ocf/resource.d`, 'ocfkit-lab-ocf', '/usr/lib/ocf/resource.d']);
  await inNode(['mount', '-t', 'overlay', '-o', `lowerdir=${paths.binDir}:/usr/local/bin`, 'ocfkit-lab-bin', '/usr/local/bin']);
  // The namespace copied the host's mounts under /run, including the nsfs files of /run/netns
  // and of other labs; drop them so that this node pins no other namespace.
  const info = await inNode(['cat', '/proc/self/mountinfo']);
  const underRun = info.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[4]!)
    .filter((m) => m.startsWith('/run/'))
    .reverse();
  for (const m of underRun) await nodeExec(n, ['umount', '-l', m], o);
}

async function freshTmpfs(n: NodePaths, target: string, source: string, mode: string, ctx: Ctx): Promise<void> {
  const o = { deadline: ctx.deadline, log: ctx.log, timeoutMs: 10_000 };
  const current = await nodeExec(n, ['findmnt', '-n', '-o', 'SOURCE', '--mountpoint', target], { ...o, log: undefined });
  if (current.stdout.split('\n').some((s) => s.trim() === source)) {
    await must(nodeExec(n, ['umount', '-l', target], o), `${n.node}: umount ${target}`);
  }
  await must(nodeExec(n, ['mount', '-t', 'tmpfs', '-o', `mode=${mode},size=256m`, source, target], o), `${n.node}: tmpfs ${target}`);
}

export interface BootOptions {
  /** Runs after the fresh /run is ready and before corosync starts (the full stack's boot steps). */
  beforeDaemons?: () => Promise<unknown>;
}

export interface BootResult {
  corosyncPid: number;
  pacemakerdPid: number;
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}


/**
 * Boots a node: fresh /run and /dev/shm, the runtime folders, then `corosync -f` (ready when
 * corosync-cmapctl answers) and `pacemakerd -f`, both detached. The node's processes must be
 * gone before (see Lab.start).
 */
export async function bootNode(n: NodePaths, ctx: Ctx, options: BootOptions = {}): Promise<BootResult> {
  const o = { deadline: ctx.deadline, log: ctx.log, timeoutMs: 10_000 };
  await freshTmpfs(n, '/run', 'ocfkit-lab-run', '0755', ctx);
  await freshTmpfs(n, '/dev/shm', 'ocfkit-lab-shm', '1777', ctx);
  await must(nodeExec(n, ['install', '-d', '-o', 'hacluster', '-g', 'haclient', '-m', '0750', '/run/crm'], o), 'run/crm');
  await must(nodeExec(n, ['install', '-d', '-m', '0755', '/run/resource-agents', '/run/corosync', '/run/pacemaker'], o), 'run dirs');
  await must(nodeExec(n, ['install', '-d', '-m', '1777', '/run/lock'], o), 'run/lock');
  await options.beforeDaemons?.();

  const corosyncLog = join(n.log, 'corosync', 'corosync.stdout');
  const corosyncPid = await spawnDaemon({ command: 'nsenter', args: [...nsenterArgs(n), 'corosync', '-f'], logFile: corosyncLog, env: nodeEnv(), log: ctx.log });
  const answering = await pollUntil(
    async () => {
      const probe = await nodeExec(n, ['corosync-cmapctl', '-g', 'totem.cluster_name'], { ...o, timeoutMs: 2000, log: undefined });
      if (!probe.failed) return true;
      if (!alive(corosyncPid)) {
        throw new Error(`${n.node}: corosync exited at start:\n${tail(corosyncLog)}\n${tail(join(n.log, 'corosync', 'corosync.log'))}`);
      }
      return false;
    },
    ctx.deadline,
    100,
  );
  if (!answering) throw new Error(`${n.node}: corosync not answering`);
  const pacemakerLog = join(n.log, 'pacemaker', 'pacemakerd.stdout');
  const pacemakerdPid = await spawnDaemon({
    command: 'nsenter',
    args: [...nsenterArgs(n), 'pacemakerd', '-f'],
    logFile: pacemakerLog,
    env: nodeEnv({ PCMK_logfile: '/var/log/pacemaker/pacemaker.log', PCMK_logfacility: 'none', PCMK_debug: 'no' }),
    log: ctx.log,
  });
  ctx.log.debug('node booted', { node: n.node, corosyncPid, pacemakerdPid });
  return { corosyncPid, pacemakerdPid };
}
