/**
 * `ocfkit lab vm`: two Debian 12 nodes under plain qemu (TCG) with real DRBD 8.4, SBD fencing,
 * Corosync + Pacemaker and the rendered CIB, provisioned by vagrant/provision/*.sh (in the image
 * build, then at first boot: drbd.sh, sbd.sh, cluster.sh on both, finish.sh on node2).
 *
 * Teardown is by pid file only (every qemu was started with -pidfile in run/, and a pid is
 * signalled only while /proc/<pid>/cmdline still names that pid file); the host's network is
 * never touched (user-mode networking and a UDP socket pair on 127.0.0.1).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pollUntil } from '../exec/wait.ts';
import { parseCrmMonXml } from '../cluster/crm-mon.ts';
import { Deadline } from '../exec/deadline.ts';
import { acquireLock, describeHolder } from '../fs/lock.ts';
import type { ExecResult } from '../exec/run.ts';
import { defaultExec, mustRun, type Exec } from './command.ts';
import { VmError } from './errors.ts';
import { ensureImage, type ImageResult } from './image.ts';
import { monitorCommand } from './monitor.ts';
import { DEFAULT_PORT_BASE, DEFAULT_VM_CACHE, VM_NODES, vmNode, vmPaths, type VmNode, type VmPaths } from './paths.ts';
import { DEFAULT_MEMORY_MB, qemuArgs } from './qemu-args.ts';
import { ssh } from './ssh.ts';

export const GUEST_PROVISION = '/usr/local/lib/ocfkit/provision';
export const GUEST_VARS = '/usr/local/lib/ocfkit/vm.vars.json';
export const DRBD_DISK_SIZE = '1G';
export const SBD_DISK_SIZE = '16M';

export interface VmLabOptions {
  cache?: string;
  repo?: string;
  exec?: Exec;
  progress?: (line: string) => void;
  portBase?: number;
  memoryMb?: number;
}

interface VmState {
  startedAt: string;
  portBase: number;
  memoryMb: number;
}

export interface UpResult {
  already: boolean;
  image: ImageResult | null;
  /** ms per phase: image, boot (both ssh), provision (drbd/sbd/cluster/finish), promoted. */
  phases: Record<string, number>;
  promotedOn: VmNode | null;
}

const stamp = (): string => new Date().toISOString().slice(11, 19);

export class VmLab {
  readonly paths: VmPaths;
  readonly repo: string;
  readonly exec: Exec;
  readonly progress: (line: string) => void;
  readonly portBase: number;
  readonly memoryMb: number;

  constructor(o: VmLabOptions = {}) {
    // Absolute, so pid files and stray checks mean the same from any working directory.
    this.paths = vmPaths(resolve(o.cache ?? DEFAULT_VM_CACHE));
    checkCacheDir(this.paths.cache);
    this.repo = o.repo ?? findRepo();
    this.exec = o.exec ?? defaultExec;
    this.progress = o.progress ?? ((line) => void process.stderr.write(`${stamp()} vm: ${line}\n`));
    const state = this.state();
    this.portBase = state?.portBase ?? o.portBase ?? DEFAULT_PORT_BASE;
    this.memoryMb = state?.memoryMb ?? o.memoryMb ?? DEFAULT_MEMORY_MB;
  }

  /** run/state.json, or null when absent or not what `up` writes (ports and memory are whole numbers). */
  state(): VmState | null {
    let s: Partial<VmState>;
    try {
      s = JSON.parse(readFileSync(this.paths.state, 'utf8')) as Partial<VmState>;
    } catch {
      return null;
    }
    const whole = (v: unknown, min: number, max: number): boolean => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
    if (typeof s !== 'object' || s === null || !whole(s.portBase, 1024, 65_500) || !whole(s.memoryMb, 256, 1 << 20)) return null;
    return { startedAt: String(s.startedAt ?? '?'), portBase: s.portBase!, memoryMb: s.memoryMb! };
  }

  node(n: VmNode) {
    return vmNode(n, this.portBase);
  }

  /** The pid of the node's qemu when it runs (its pid file, and a live process naming it). */
  pidOf(n: VmNode): number | null {
    const pidFile = this.paths.node(n).pid;
    let pid: number;
    try {
      pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    } catch {
      return null;
    }
    if (!Number.isInteger(pid) || pid <= 1) return null;
    const argv = qemuArgv(pid);
    if (!argv) return null;
    // Our own `-pidfile <file>`, not merely a process that names the file (`tail -f node1.pid`).
    return argv.some((a, i) => a === '-pidfile' && argv[i + 1] === pidFile) ? pid : null;
  }

  /** Every qemu whose command line names a file of this cache's run directory (for teardown checks). */
  strayQemus(): number[] {
    const out: number[] = [];
    const dir = `${this.paths.run}/`;
    // A path starts an argument or follows qemu's `=`, `:` or `,` (file=…, unix:…): /other/tmp/x/run/
    // is not in /tmp/x/run/.
    const names = (arg: string): boolean => {
      for (let i = arg.indexOf(dir); i >= 0; i = arg.indexOf(dir, i + 1)) if (i === 0 || '=:,'.includes(arg[i - 1]!)) return true;
      return false;
    };
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      if (qemuArgv(Number(e))?.some(names)) out.push(Number(e));
    }
    return out;
  }

  /** A command on the node over ssh; `input` (text or bytes) goes to its stdin. */
  sshTo(n: VmNode, command: readonly string[], timeoutMs = 120_000, input?: string | Uint8Array): Promise<ExecResult> {
    return ssh(this.exec, this.paths.sshKey, this.node(n).sshPort, command, { timeoutMs, input });
  }

  async mustSsh(n: VmNode, command: readonly string[], timeoutMs = 600_000): Promise<ExecResult> {
    const r = await this.sshTo(n, command, timeoutMs);
    if (r.failed) {
      const tail = `${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-4).join(' | ');
      throw new VmError(`${n}: ${command.join(' ')}: ${r.timedOut ? 'timed out' : `exit ${r.exitCode}`}${tail ? ` (${tail.slice(0, 500)})` : ''}`);
    }
    return r;
  }

  /** Until the node answers ssh: ms waited. Fails at once when its qemu is gone (the serial log says why). */
  async waitSsh(n: VmNode, timeoutMs = 300_000, everyMs = 2000): Promise<number> {
    const t = Date.now();
    const up = await pollUntil(async () => {
      if (this.pidOf(n) === null) throw new VmError(`${n}: qemu exited while booting (serial log: ${this.paths.node(n).serial})`);
      return !(await this.sshTo(n, ['true'], 20_000)).failed;
    }, Deadline.after(timeoutMs), everyMs);
    if (!up) throw new VmError(`${n}: no ssh after ${timeoutMs / 1000} s (serial log: ${this.paths.node(n).serial})`);
    return Date.now() - t;
  }

  async boot(n: VmNode): Promise<void> {
    if (this.pidOf(n) !== null) return;
    const p = this.paths.node(n);
    rmSync(p.pid, { force: true });
    rmSync(p.monitor, { force: true });
    const args = qemuArgs(this.node(n), p, { memoryMb: this.memoryMb, kernel: this.paths.kernel, initrd: this.paths.initrd, sbdDisk: this.paths.sbdDisk });
    await mustRun(this.exec, 'qemu-system-x86_64', args, { timeoutMs: 60_000 });
    if (this.pidOf(n) === null) throw new VmError(`${n}: qemu started but ${p.pid} names no running qemu`);
  }

  /**
   * One build/up/down at a time per cache (a kernel flock on <cache>/lab.lock, gone with the
   * process); a second one waits up to `waitMs`, then fails naming the holder.
   */
  async locked<T>(what: string, fn: () => Promise<T>, waitMs = 0): Promise<T> {
    mkdirSync(this.paths.cache, { recursive: true, mode: 0o700 });
    const lock = await acquireLock(join(this.paths.cache, 'lab.lock'), what, Deadline.after(waitMs), (holder) => this.progress(`waiting: ${describeHolder(holder)}`));
    if ('busy' in lock) throw new VmLabBusyError(`the VM lab in ${this.paths.cache} is busy: ${describeHolder(lock.busy)}`);
    try {
      return await fn();
    } finally {
      lock.release();
    }
  }

  buildImage(): Promise<ImageResult> {
    return ensureImage({ paths: this.paths, repo: this.repo, exec: this.exec, progress: this.progress });
  }

  async up(): Promise<UpResult> {
    const phases: Record<string, number> = {};
    if (this.state() && VM_NODES.every((n) => this.pidOf(n) !== null)) {
      this.progress('the VM lab is already up');
      return { already: true, image: null, phases, promotedOn: await this.promotedOn() };
    }
    if (this.state() || existsSync(this.paths.run)) {
      this.progress('leftovers of an earlier lab: taking them down first');
      await this.down();
    }
    let t = Date.now();
    const image = await this.buildImage();
    phases.image = Date.now() - t;

    t = Date.now();
    mkdirSync(this.paths.run, { recursive: true, mode: 0o700 });
    writeFileSync(this.paths.state, `${JSON.stringify({ startedAt: new Date().toISOString(), portBase: this.portBase, memoryMb: this.memoryMb } satisfies VmState)}\n`);
    for (const n of VM_NODES) {
      const p = this.paths.node(n);
      await mustRun(this.exec, 'qemu-img', ['create', '-q', '-f', 'qcow2', '-b', this.paths.baseImage, '-F', 'raw', p.root], { timeoutMs: 30_000 });
      await mustRun(this.exec, 'qemu-img', ['create', '-q', '-f', 'qcow2', p.drbdDisk, DRBD_DISK_SIZE], { timeoutMs: 30_000 });
    }
    await mustRun(this.exec, 'qemu-img', ['create', '-q', '-f', 'raw', this.paths.sbdDisk, SBD_DISK_SIZE], { timeoutMs: 30_000 });
    this.progress(`booting node1 and node2 (qemu TCG, ${this.memoryMb} MiB each; about 1-1.5 min until ssh)`);
    for (const n of VM_NODES) await this.boot(n);
    const waits = await Promise.all(VM_NODES.map((n) => this.waitSsh(n)));
    phases.boot = Date.now() - t;
    this.progress(`both nodes answer ssh (node1 ${(waits[0]! / 1000).toFixed(0)} s, node2 ${(waits[1]! / 1000).toFixed(0)} s after boot)`);

    t = Date.now();
    const provision = async (n: VmNode, name: string, env: Record<string, string> = {}, timeoutMs = 600_000): Promise<void> => {
      const r = await this.mustSsh(n, ['env', `OCFKIT_VARS=${GUEST_VARS}`, ...Object.entries(env).map(([k, v]) => `${k}=${v}`), '/bin/sh', `${GUEST_PROVISION}/${name}`], timeoutMs);
      for (const line of r.stderr.split('\n')) if (/^\d\d:\d\d:\d\d [\w.-]+\.sh: /.test(line)) this.progress(`  ${n} ${line}`);
    };
    this.progress('provision: drbd.sh on both nodes (metadata, up)');
    await Promise.all(VM_NODES.map((n) => provision(n, 'drbd.sh')));
    this.progress('provision: sbd.sh (node1 writes the SBD header, then node2)');
    await provision('node1', 'sbd.sh', { OCFKIT_SBD_INIT: '1' });
    await provision('node2', 'sbd.sh');
    this.progress('provision: cluster.sh on both nodes (corosync.conf rendered by ocfkit, corosync + sbd + pacemaker started)');
    await Promise.all(VM_NODES.map((n) => provision(n, 'cluster.sh')));
    this.progress('provision: finish.sh on node2 (both online, DRBD new UUID + ext4, the rendered CIB loaded)');
    await provision('node2', 'finish.sh', {}, 900_000);
    phases.provision = Date.now() - t;

    t = Date.now();
    this.progress('waiting for DRBD Promoted and /srv/data mounted');
    const promotedOn = await this.waitMounted(600_000);
    phases.promoted = Date.now() - t;
    this.progress(`stack promoted and mounted on ${promotedOn} (${(phases.promoted / 1000).toFixed(0)} s after the CIB was loaded)`);
    return { already: false, image, phases, promotedOn };
  }

  /** The node whose /srv/data is mounted (null when none). */
  async promotedOn(): Promise<VmNode | null> {
    for (const n of VM_NODES) {
      if (this.pidOf(n) === null) continue;
      const r = await this.sshTo(n, ['findmnt', '-n', '-o', 'SOURCE', '/srv/data'], 20_000);
      if (!r.failed && r.stdout.trim().startsWith('/dev/drbd')) return n;
    }
    return null;
  }

  /** Until /srv/data is mounted from DRBD (on `on`, when given): the node. */
  async waitMounted(timeoutMs: number, on?: VmNode, everyMs = 2000): Promise<VmNode> {
    const where = await pollUntil(async () => {
      const n = await this.promotedOn();
      return n && (!on || n === on) ? n : null;
    }, Deadline.after(timeoutMs), everyMs);
    if (!where) throw new VmError(`/srv/data not mounted${on ? ` on ${on}` : ''} after ${timeoutMs / 1000} s`);
    return where;
  }

  /** Power cut: SIGKILL to the node's qemu, by its pid file. */
  async kill(n: VmNode): Promise<boolean> {
    const pid = this.pidOf(n);
    if (pid === null) return false;
    process.kill(pid, 'SIGKILL');
    // Gone once /proc/<pid>/cmdline no longer names the pid file (a zombie's cmdline is empty).
    await pollUntil(() => this.pidOf(n) !== pid, Deadline.after(10_000), 100);
    return true;
  }

  async start(n: VmNode): Promise<number> {
    if (!this.state()) throw new VmError("the VM lab is not up (run 'ocfkit lab vm up')");
    await this.boot(n);
    return this.waitSsh(n);
  }

  /** Unplug or plug the node's lab link (DRBD and corosync); management ssh stays. */
  async net(n: VmNode, state: 'down' | 'up'): Promise<void> {
    if (this.pidOf(n) === null) throw new VmError(`${n} is not running`);
    await monitorCommand(this.paths.node(n).monitor, `set_link lab ${state === 'down' ? 'off' : 'on'}`);
  }

  async down(): Promise<{ killed: number; strays: number; durationMs: number }> {
    const t = Date.now();
    let killed = 0;
    for (const n of VM_NODES) if (await this.kill(n)) killed++;
    const strays = this.strayQemus();
    for (const pid of strays) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(this.paths.run, { recursive: true, force: true });
    return { killed, strays: strays.length, durationMs: Date.now() - t };
  }

  async status(): Promise<VmStatus> {
    const nodes: VmNodeStatus[] = [];
    for (const n of VM_NODES) {
      const pid = this.pidOf(n);
      const s: VmNodeStatus = { node: n, pid, ssh: false, drbd: null, mounted: false, crm: null };
      if (pid !== null) {
        s.ssh = !(await this.sshTo(n, ['true'], 20_000)).failed;
        if (s.ssh) {
          const d = await this.sshTo(n, ['drbdadm', 'status', 'r0'], 20_000);
          s.drbd = d.failed ? `not up (${(d.stderr.trim().split('\n').pop() ?? '').slice(0, 120)})` : d.stdout.trim().split('\n').map((l) => l.trim()).join(' ');
          s.mounted = !(await this.sshTo(n, ['findmnt', '-n', '/srv/data'], 20_000)).failed;
          const c = await this.sshTo(n, ['crm_mon', '-1', '--output-as=xml'], 30_000);
          if (!c.failed) {
            try {
              const st = parseCrmMonXml(c.stdout);
              s.crm =
                `DC ${st.dc ?? 'none'}; online: ${st.nodes.filter((x) => x.online).map((x) => x.name).join(' ') || '-'}; ` +
                st.instances
                  .filter((x) => x.active)
                  .map((x) => `${x.id} ${x.role} on ${x.nodes.join(',')}`)
                  .join('; ');
            } catch (e) {
              s.crm = `crm_mon output not understood: ${(e as Error).message}`;
            }
          } else s.crm = 'cluster not answering';
        }
      }
      nodes.push(s);
    }
    const up = this.state() !== null;
    return { up, cache: this.paths.cache, nodes, healthy: up && nodes.every((x) => x.pid !== null && x.ssh) && nodes.some((x) => x.mounted) };
  }
}

/** The command line of a live qemu-system-* process, or null (gone, a zombie, or not qemu). */
function qemuArgv(pid: number): string[] | null {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return basename(argv[0] ?? '').startsWith('qemu-system') ? argv : null;
  } catch {
    return null;
  }
}

/**
 * The cache holds what root boots and chroots into: when it exists it must be a directory of
 * this user that nobody else can write to.
 */
function checkCacheDir(cache: string): void {
  let st;
  try {
    st = statSync(cache);
  } catch {
    return;
  }
  if (!st.isDirectory()) throw new VmError(`${cache}: not a directory (the VM lab cache)`);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (st.uid !== uid) throw new VmError(`${cache}: owned by uid ${st.uid}, not by this user (uid ${uid}); the VM lab cache must be yours`);
  if (st.mode & 0o022) throw new VmError(`${cache}: writable by others (mode ${(st.mode & 0o7777).toString(8)}); the VM lab cache must not be (chmod go-w)`);
}

export class VmLabBusyError extends VmError {
  constructor(message: string) {
    super(message);
    this.name = 'VmLabBusyError';
  }
}

export interface VmNodeStatus {
  node: VmNode;
  pid: number | null;
  ssh: boolean;
  drbd: string | null;
  mounted: boolean;
  crm: string | null;
}

export interface VmStatus {
  up: boolean;
  cache: string;
  nodes: VmNodeStatus[];
  healthy: boolean;
}

/** The ocfkit tree: upwards from this module to the folder holding vagrant/provision. */
export function findRepo(start = new URL('.', import.meta.url).pathname): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'vagrant', 'provision', 'lib.sh')) && existsSync(join(dir, 'dist'))) return dir;
    const up = join(dir, '..');
    if (up === dir || dir === '/') throw new VmError('the ocfkit tree (vagrant/provision, dist/) was not found above this module; run from the ocfkit checkout');
    dir = up;
  }
}
