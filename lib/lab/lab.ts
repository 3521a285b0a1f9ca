/**
 * The lab: `labUp` builds (or finds healthy) a 1- or 2-node Corosync + Pacemaker cluster made of
 * namespaces, and returns a `Lab` handle to run commands in its nodes, read crm_mon, power nodes
 * off and on, cut the link and take it all down.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, outcome, type ExecResult } from '../exec/run.ts';
import { Deadline } from '../exec/deadline.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { DEFAULT_LAB_NAME, DEFAULT_STATE_ROOT, labPaths, nodeNames, type LabPaths, type NodePaths } from './names.ts';
import { renderCorosyncConf } from './corosync-conf.ts';
import { writeSeedCib } from './cib-seed.ts';
import { FENCE_AGENT_NAME, ALERT_AGENT_NAME, renderAlertAgent, renderFenceAgent } from './fence/agent-script.ts';
import { OCFKIT_LIB, bootNode, createNamespaces, nodeExec, prepareNodeDirs, setupMounts, type BootOptions, type Ctx, type NodeExecOptions } from './node.ts';
import { addAddress, createLoopbackAddress, createSwitch, dropAddress, setNic, setPort } from './network.ts';
import { labAssets, missingAssets } from './assets.ts';
import { bootStackNode, missingForFullStack, mountStackNode, prepareStackHost, type LoopDevice } from './stack-node.ts';
import { renderDrbdConf, renderHaproxyCfg } from './stack-files.ts';
import { killNamespaces, namespaceInode, pidsInNamespaces, signalAll } from './procs.ts';
import { parseCrmMon, onlineNodes, type MonState } from './crm-mon.ts';
import { teardown, nodeInodes, leftovers, isClean, type DownOptions, type DownResult, type Leftovers } from './teardown.ts';
import { pollUntil } from '../exec/wait.ts';
import { withLabLock, type LockOptions } from './lock.ts';
import { startFullStack } from './stack-full.ts';
import { ClientLoop, type ClientOptions } from './client.ts';

export interface LabOptions extends LockOptions {
  /** Lab name (default `ocfkit-lab`); namespaces, state and subnet derive from it. */
  name?: string;
  nodes?: 1 | 2;
  /** Corosync totem token in ms (default 1000; corosync's own default is 3000). */
  token?: number;
  /** Fencing with the lab fence agent (default: on for 2 nodes, off for 1). */
  stonith?: boolean;
  /** Delay on the device that fences `fenceDelayTarget` (default 5000 ms), so a split has one winner. */
  fenceDelayMs?: number;
  /** The node whose fencing is delayed, i.e. the winner of a fencing race (default node2). */
  fenceDelayTarget?: 'node1' | 'node2';
  /** The repository's dist/ (default: found from this module; OCFKIT_DIST overrides). */
  distDir?: string;
  /**
   * A host folder whose files appear in every node's /usr/local/bin (symlinks in the overlay's
   * layer, so edits are seen at once), ahead of /usr/sbin and /usr/bin on the nodes' PATH: e.g.
   * test/drbd-sim/bin, the DRBD simulator's drbdadm and drbdsetup.
   */
  extraBin?: string;
  stateRoot?: string;
  log?: Logger;
  /** Budget for the whole `up` (default 120 s; 180 s with the full stack). */
  timeoutMs?: number;
  /**
   * `minimal` (the default here): Corosync + Pacemaker + fencing, nothing else. `full` (two
   * nodes; the CLI's default): the whole ocfkit stack from the rendered CIB — simulated DRBD,
   * a real ext4 mount, a VIP, HAProxy retargeted, three services — running when up returns
   * (stack-full.ts).
   */
  stack?: StackKind;
}

export type StackKind = 'minimal' | 'full';

/** What lab.json records: the options a lab was made with, and its state. */
export interface LabRecord {
  version: 1;
  name: string;
  nodes: 1 | 2;
  token: number;
  stonith: boolean;
  fenceDelayMs: number;
  fenceDelayTarget: 'node1' | 'node2';
  distDir: string;
  /** LabOptions.extraBin (absolute), or null. */
  extraBin?: string | null;
  /** Absent in labs made before the full stack existed: minimal. */
  stack?: StackKind;
  stateRoot: string;
  subnet: string;
  state: 'creating' | 'up';
  createdAt: string;
  upMs?: number;
}

export interface NodeStatus {
  node: string;
  address: string;
  netns: boolean;
  processes: number;
  corosync: boolean;
  pacemakerd: boolean;
  /** crm_mon as seen from this node, or null when it does not answer. */
  view: MonState | null;
}

export interface LabStatus {
  name: string;
  exists: boolean;
  record: LabRecord | null;
  healthy: boolean;
  nodes: NodeStatus[];
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  what?: string;
}


/** The repository's dist/ folder: found upwards from this module (works from source and bundle). */
export function defaultDistDir(): string {
  if (process.env.OCFKIT_DIST) return resolve(process.env.OCFKIT_DIST);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'ocfkit') return join(dir, 'dist');
      } catch {
        // not ours
      }
    }
    const up = dirname(dir);
    if (up === dir) return resolve('dist');
    dir = up;
  }
}

function readRecord(paths: LabPaths): LabRecord | null {
  try {
    return JSON.parse(readFileSync(paths.labFile, 'utf8')) as LabRecord;
  } catch {
    return null;
  }
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

export class Lab {
  readonly name: string;
  readonly paths: LabPaths;
  readonly record: LabRecord;
  readonly log: Logger;

  constructor(record: LabRecord, log: Logger) {
    this.record = record;
    this.name = record.name;
    this.paths = labPaths(record.name, record.stateRoot);
    this.log = log;
  }

  get nodes(): string[] {
    return nodeNames(this.record.nodes);
  }

  node(node: string): NodePaths {
    if (!this.nodes.includes(node)) throw new Error(`lab ${this.name} has no node '${node}' (${this.nodes.join(', ')})`);
    return this.paths.node(node);
  }

  /** Runs argv inside the node (nsenter into its net, mount and UTS namespaces). Never throws. */
  exec(node: string, argv: readonly string[], options: NodeExecOptions = {}): Promise<ExecResult> {
    return nodeExec(this.node(node), argv, { timeoutMs: 60_000, log: this.log, ...options });
  }

  /** PIDs of the node's processes (by namespace). */
  processes(node: string): number[] {
    return pidsInNamespaces(nodeInodes(this.node(node)));
  }

  /** `crm_mon -1 --output-as=xml` on the node; null if it does not answer. */
  async crmMonXml(node: string, timeoutMs = 5000): Promise<string | null> {
    // Polled: failures (not connected yet) are expected and not logged.
    const r = await this.exec(node, ['crm_mon', '-1', '--output-as=xml'], { timeoutMs, log: undefined });
    return r.failed || !r.stdout.includes('<pacemaker-result') ? null : r.stdout;
  }

  async crmMon(node: string, timeoutMs = 5000): Promise<MonState | null> {
    const xml = await this.crmMonXml(node, timeoutMs);
    if (!xml) return null;
    try {
      return parseCrmMon(xml);
    } catch {
      return null;
    }
  }

  /** Polls `check` until it returns something other than undefined/false/null. */
  async waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
    const value = await pollUntil(check, Deadline.after(options.timeoutMs ?? 60_000), options.intervalMs ?? 200);
    if (value === undefined) throw new Error(`lab ${this.name}: timed out waiting for ${options.what ?? 'a condition'}`);
    return value;
  }

  /** Waits until every node in `from` sees a DC and every node in `expect` online. */
  async waitOnline(expect: readonly string[] = this.nodes, from: readonly string[] = expect, timeoutMs = 60_000): Promise<Record<string, MonState>> {
    return this.waitFor(
      async () => {
        const views: Record<string, MonState> = {};
        for (const node of from) {
          const view = await this.crmMon(node);
          if (!view || !view.hasDc) return null;
          const online = onlineNodes(view);
          if (!expect.every((e) => online.includes(e))) return null;
          views[node] = view;
        }
        return views;
      },
      { timeoutMs, intervalMs: 250, what: `${expect.join(', ')} online as seen from ${from.join(', ')}` },
    );
  }

  /** Power cut: SIGKILL to exactly the node's processes. Returns when none is left. */
  async kill(node: string): Promise<{ at: number; killed: number }> {
    const n = this.node(node);
    // The NIC goes dark with the power: no ARP answers for an address the node held. The cut
    // counts from the moment the NIC is down: until then the node answers (`ip` takes ms).
    if (this.record.nodes === 2) await setNic(n, 'down', { log: this.log });
    const at = Date.now();
    const killed = await killNamespaces(nodeInodes(n));
    this.log.info('node killed', { lab: this.name, node, processes: killed });
    return { at, killed };
  }

  /** Graceful stop: pacemakerd (it stops the resources), then corosync, then any leftover. */
  async stop(node: string, timeoutMs = 120_000): Promise<void> {
    const n = this.node(node);
    const deadline = Deadline.after(timeoutMs);
    const byName = (name: string): number[] => pidsInNamespaces(nodeInodes(n)).filter((p) => commOf(p) === name);
    for (const daemon of ['pacemakerd', 'corosync']) {
      signalAll(byName(daemon), 'SIGTERM');
      if (!(await pollUntil(() => byName(daemon).length === 0, deadline, 100))) {
        throw new Error(`${node}: ${daemon} did not stop within ${timeoutMs} ms`);
      }
    }
    await killNamespaces(nodeInodes(n));
    if (this.record.nodes === 2) await setNic(n, 'down', { log: this.log });
    this.log.info('node stopped', { lab: this.name, node });
  }

  /** Boots a stopped node again (fresh /run and /dev/shm) and waits until it is online. */
  async start(node: string, options: { wait?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const n = this.node(node);
    if (this.processes(node).length > 0) throw new Error(`${node} is running; stop or kill it first`);
    const deadline = Deadline.after(options.timeoutMs ?? 90_000);
    await bootNode(n, { deadline, log: this.log }, this.bootOptions(n, { deadline, log: this.log }));
    if (options.wait !== false) {
      const running = this.nodes.filter((x) => x === node || this.processes(x).length > 0);
      await this.waitOnline(running, running, deadline.remaining());
    }
    this.log.info('node started', { lab: this.name, node });
  }

  /** Cuts (down) or restores (up) the node's cable: its port on the lab's bridge. */
  async net(node: string, state: 'down' | 'up'): Promise<void> {
    this.node(node);
    if (this.record.nodes < 2) throw new Error('a one-node lab has no link');
    await setPort(this.paths, node, state, { log: this.log });
    this.log.info(`link ${state}`, { lab: this.name, node });
  }

  /** Starts a client loop in the lab's `client` namespace (requests to the VIP; client.ts). */
  client(options: ClientOptions = {}): ClientLoop {
    return new ClientLoop(this, options);
  }

  /** The stack this lab was brought up with. */
  get stack(): StackKind {
    return this.record.stack ?? 'minimal';
  }

  /** What a boot of this node runs besides corosync and pacemakerd (the full stack's HAProxy…). */
  bootOptions(n: NodePaths, ctx: Ctx): BootOptions {
    if (this.record.nodes < 2) return {};
    return {
      beforeDaemons: async () => {
        // A boot forgets what the node held (the VIP) and brings its NIC up (kill/fencing took it down).
        if (this.stack === 'full') await dropAddress(n, this.paths.vip, ctx);
        await setNic(n, 'up', ctx);
        if (this.stack === 'full') await bootStackNode(n, ctx);
      },
    };
  }

  async status(): Promise<LabStatus> {
    return labStatus(this.name, { stateRoot: this.record.stateRoot, log: this.log });
  }

  leftovers(): Leftovers {
    return leftovers(this.paths);
  }

  down(options: Omit<DownOptions, 'stateRoot'> & LockOptions = {}): Promise<DownResult> {
    return labDown(this.name, { log: this.log, ...options, stateRoot: this.record.stateRoot });
  }
}

export function openLab(name = DEFAULT_LAB_NAME, options: { stateRoot?: string; log?: Logger } = {}): Lab | null {
  const paths = labPaths(name, options.stateRoot ?? DEFAULT_STATE_ROOT);
  const record = readRecord(paths);
  if (!record) return null;
  return new Lab(record, options.log ?? createLogger({ name: 'ocfkit:lab' }));
}

export async function labStatus(name = DEFAULT_LAB_NAME, options: { stateRoot?: string; log?: Logger } = {}): Promise<LabStatus> {
  const paths = labPaths(name, options.stateRoot ?? DEFAULT_STATE_ROOT);
  const record = readRecord(paths);
  const exists = !isClean(leftovers(paths), false);
  const lab = record ? new Lab(record, options.log ?? createLogger({ name: 'ocfkit:lab' })) : null;
  const nodes: NodeStatus[] = [];
  for (const node of record ? nodeNames(record.nodes) : []) {
    const n = paths.node(node);
    const pids = pidsInNamespaces(nodeInodes(n));
    const comms = pids.map(commOf);
    nodes.push({
      node,
      address: n.address,
      netns: existsSync(n.netnsFile),
      processes: pids.length,
      corosync: comms.includes('corosync'),
      pacemakerd: comms.includes('pacemakerd'),
      view: pids.length > 0 && lab ? await lab.crmMon(node) : null,
    });
  }
  const all = record ? nodeNames(record.nodes) : [];
  const healthy =
    record?.state === 'up' &&
    nodes.length > 0 &&
    nodes.every((s) => s.corosync && s.pacemakerd && s.view?.hasDc && all.every((x) => onlineNodes(s.view!).includes(x)));
  return { name, exists, record, healthy, nodes };
}

function sameOptions(a: LabRecord, b: LabRecord): boolean {
  return (
    a.nodes === b.nodes &&
    a.token === b.token &&
    a.stonith === b.stonith &&
    a.fenceDelayMs === b.fenceDelayMs &&
    a.fenceDelayTarget === b.fenceDelayTarget &&
    a.distDir === b.distDir &&
    (a.extraBin ?? null) === (b.extraBin ?? null) &&
    (a.stack ?? 'minimal') === (b.stack ?? 'minimal')
  );
}

function writeLayers(paths: LabPaths, record: LabRecord): void {
  mkdirSync(paths.sbinDir, { recursive: true });
  const fence = join(paths.sbinDir, FENCE_AGENT_NAME);
  const targets = nodeNames(record.nodes).map((node) => ({ node, netInode: namespaceInode(paths.node(node).netnsFile) ?? 0 }));
  writeFileSync(fence, renderFenceAgent(record.name, targets));
  chmodSync(fence, 0o755);
  const alert = join(paths.sbinDir, ALERT_AGENT_NAME);
  writeFileSync(alert, renderAlertAgent());
  chmodSync(alert, 0o755);
  // Symlinks, not copies: a rebuild of dist/ is seen by running nodes at once.
  mkdirSync(paths.ocfDir, { recursive: true });
  symlinkSync(join(record.distDir, 'resource.d', 'ocfkit'), join(paths.ocfDir, 'ocfkit'));
  mkdirSync(paths.binDir, { recursive: true });
  symlinkSync(join(record.distDir, 'cli', 'ocfkit.mjs'), join(paths.binDir, 'ocfkit'));
  const assets = labAssets(record.distDir);
  const linked = new Set(['ocfkit']);
  const link = (target: string, name: string): void => {
    if (linked.has(name)) return;
    symlinkSync(target, join(paths.binDir, name));
    linked.add(name);
  };
  if (record.extraBin) for (const name of readdirSync(record.extraBin)) link(join(record.extraBin, name), name);
  link(assets.service, 'ocfkit-lab-service');
  link(assets.client, 'ocfkit-lab-client');
  // The full stack's DRBD is the simulator shipped with the lab (an extraBin of its own wins).
  if ((record.stack ?? 'minimal') === 'full') for (const name of readdirSync(assets.simBin)) link(join(assets.simBin, name), name);
  // /usr/lib/ocf/alerts in the nodes: the alert agents of this build (dangling until built).
  mkdirSync(paths.ocfTopDir, { recursive: true });
  symlinkSync(join(record.distDir, 'alerts'), join(paths.ocfTopDir, 'alerts'));
}

/**
 * Brings a lab up and returns when every node sees every node online. A healthy lab with the
 * same options is returned as it is; an unhealthy or stale one is taken down first; a healthy
 * one with other options is an error (take it down first). Holds the lab's lock throughout
 * (lock.ts): a concurrent `up`, `down` or `demo` of the same lab waits, then LabBusyError.
 */
export async function labUp(options: LabOptions = {}): Promise<Lab> {
  const name = options.name ?? DEFAULT_LAB_NAME;
  const paths = labPaths(name, options.stateRoot ?? DEFAULT_STATE_ROOT);
  return withLabLock(name, paths.lockFile, 'lab up', options, () => bringUp(options));
}

async function bringUp(options: LabOptions): Promise<Lab> {
  const started = Date.now();
  const name = options.name ?? DEFAULT_LAB_NAME;
  const nodes = options.nodes ?? 2;
  const stateRoot = options.stateRoot ?? DEFAULT_STATE_ROOT;
  const paths = labPaths(name, stateRoot);
  const log = options.log ?? createLogger({ name: 'ocfkit:lab' });
  const record: LabRecord = {
    version: 1,
    name,
    nodes,
    token: options.token ?? 1000,
    stonith: options.stonith ?? nodes === 2,
    fenceDelayMs: options.fenceDelayMs ?? 5000,
    fenceDelayTarget: options.fenceDelayTarget ?? 'node2',
    distDir: resolve(options.distDir ?? defaultDistDir()),
    extraBin: options.extraBin ? resolve(options.extraBin) : null,
    stack: options.stack ?? 'minimal',
    stateRoot,
    subnet: paths.subnet,
    state: 'creating',
    createdAt: new Date().toISOString(),
  };
  nodeNames(nodes);
  if (record.stack === 'full') {
    if (nodes !== 2) throw new Error('the full stack needs two nodes (use --stack minimal for one)');
    const missing = [...missingAssets(labAssets(record.distDir)), ...missingForFullStack()];
    if (missing.length > 0) throw new Error(`the full stack needs: ${missing.join(', ')} (run 'npm run build' for files under dist/)`);
  }

  const existing = readRecord(paths);
  if (existing) {
    const status = await labStatus(name, { stateRoot, log });
    if (status.healthy && sameOptions(existing, record)) {
      log.info('lab already up', { lab: name });
      return new Lab(existing, log);
    }
    if (status.healthy) throw new Error(`lab ${name} is up with other options; run 'ocfkit lab down${name === DEFAULT_LAB_NAME ? '' : ` --name ${name}`}' first`);
    log.warn('lab not healthy: taking it down first', { lab: name });
  }
  if (existing || !isClean(leftovers(paths))) await teardown(name, { stateRoot, log });

  const deadline = Deadline.after(options.timeoutMs ?? (record.stack === 'full' ? 180_000 : 120_000));
  const ctx = { deadline, log };
  const lab = new Lab(record, log);
  const nodePaths = lab.nodes.map((node) => paths.node(node));
  try {
    mkdirSync(paths.nsDir, { recursive: true });
    // Mount points the nodes bind their own folders over (empty on the host).
    mkdirSync(OCFKIT_LIB, { recursive: true, mode: 0o750 });
    writeFileSync(paths.labFile, JSON.stringify(record, null, 2));
    // unshare --mount=FILE refuses a file on a shared mount: bind the folder onto itself, private.
    for (const args of [['--bind', paths.nsDir, paths.nsDir], ['--make-private', paths.nsDir]]) {
      const r = await run('mount', args, { deadline, log, timeoutMs: 10_000 });
      if (r.failed) throw new Error(`mount ${args.join(' ')}: ${outcome(r)}`);
    }
    for (const n of nodePaths) await createNamespaces(n, ctx);
    if (nodePaths.length === 2) await createSwitch(paths, nodePaths, ctx);
    else for (const n of nodePaths) await createLoopbackAddress(n, ctx);
    writeLayers(paths, record);
    const loops = new Map<string, LoopDevice>();
    if (record.stack === 'full') {
      // DRBD replicates over addresses of its own (a drill can cut replication alone).
      for (const n of nodePaths) await addAddress(n, n.drbdAddress, ctx);
      const files = {
        drbdConf: renderDrbdConf(nodePaths.map((n) => ({ name: n.node, address: n.drbdAddress }))),
        haproxyCfg: renderHaproxyCfg(nodePaths.map((n) => ({ name: n.node, address: n.address }))),
      };
      for (const n of nodePaths) loops.set(n.node, await prepareStackHost(n, files, ctx));
    }

    const seed = join(paths.stateDir, 'cib-seed.xml');
    await writeSeedCib(seed, { nodes: lab.nodes, stonith: record.stonith, fenceDelayMs: record.fenceDelayMs, fenceDelayTarget: record.fenceDelayTarget }, ctx);
    const conf = renderCorosyncConf({
      clusterName: name,
      token: record.token,
      nodes: nodePaths.map((n) => ({ name: n.node, id: n.id, address: n.address })),
    });
    for (const n of nodePaths) {
      prepareNodeDirs(n, conf, seed);
      await setupMounts(paths, n, ctx);
      const loop = loops.get(n.node);
      if (loop) await mountStackNode(n, loop, ctx);
    }
    await Promise.all(nodePaths.map((n) => bootNode(n, ctx, lab.bootOptions(n, ctx))));
    await lab.waitOnline(lab.nodes, lab.nodes, deadline.remaining());
    if (record.stack === 'full') await startFullStack(lab, { deadline, log });
  } catch (error) {
    log.error('lab up failed; taking it down', { lab: name, error: (error as Error).message });
    await teardown(name, { stateRoot, log, keepLogs: true }).catch((e: Error) => log.error('teardown after failed up', { error: e.message }));
    throw error;
  }
  record.state = 'up';
  record.upMs = Date.now() - started;
  writeFileSync(paths.labFile, JSON.stringify(record, null, 2));
  rmSync(join(paths.stateDir, 'cib-seed.xml'), { force: true });
  log.info('lab up', { lab: name, nodes: lab.nodes.join(','), token: record.token, stonith: record.stonith, ms: record.upMs });
  return lab;
}

/** Takes the lab down from any state, holding its lock (see labUp). */
export async function labDown(name = DEFAULT_LAB_NAME, options: DownOptions & LockOptions = {}): Promise<DownResult> {
  const paths = labPaths(name, options.stateRoot ?? DEFAULT_STATE_ROOT);
  return withLabLock(name, paths.lockFile, 'lab down', options, () => teardown(name, options));
}
