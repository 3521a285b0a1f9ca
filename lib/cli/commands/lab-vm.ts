/**
 * `ocfkit lab vm up|down|status|exec|kill|start|net`: the two-node lab on qemu (TCG) with real
 * DRBD, provisioned by vagrant/provision (implementation in lib/vm). Progress lines go to
 * stderr, results to stdout. Root only (debootstrap, chroot, mkfs of the image).
 */
import type { Argv, CommandModule } from 'yargs';
import { CliError } from '../errors.ts';
import { integerOption } from '../options.ts';
import { DEFAULT_VM_CACHE, VM_NODES, type VmNode } from '../../vm/paths.ts';
import type { VmLab as VmLabType, VmStatus } from '../../vm/lab.ts';

interface VmArgs {
  cache: string;
  [key: string]: unknown;
}

/** A week: timers past 2^31 ms (24.8 days) fire at once in Node, so a huge --timeout would time out immediately. */
const MAX_TIMEOUT_S = 7 * 86_400;

const print = (line = ''): void => void process.stdout.write(`${line}\n`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;

async function openVmLab(a: VmArgs): Promise<VmLabType> {
  const { VmLab } = await import('../../vm/lab.ts');
  return new VmLab({ cache: a.cache });
}

function renderStatus(s: VmStatus): string[] {
  if (!s.up) return [`VM lab (${s.cache}): not up`];
  const lines = [`VM lab (${s.cache}): ${s.healthy ? 'healthy' : 'NOT healthy'}`];
  for (const n of s.nodes) {
    lines.push(`  ${n.node}: ${n.pid === null ? 'off' : `qemu pid ${n.pid}, ssh ${n.ssh ? 'up' : 'not answering'}`}`);
    if (n.drbd) lines.push(`    drbd: ${n.drbd}${n.mounted ? '; /srv/data mounted' : ''}`);
    if (n.crm) lines.push(`    cluster: ${n.crm}`);
  }
  return lines;
}

interface VmAction {
  command: string;
  describe: string;
  builder?: (y: Argv<VmArgs>) => unknown;
  run: (lab: VmLabType, a: VmArgs) => Promise<void>;
}

const nodeArg = (y: Argv<VmArgs>): unknown => y.positional('node', { type: 'string', choices: [...VM_NODES], demandOption: true });

const actions: VmAction[] = [
  {
    command: 'build',
    describe: 'build the image (or find it current in the cache) without booting anything',
    run: async (lab) => {
      const r = await lab.locked('lab vm build', () => lab.buildImage());
      print(`image ${r.key} ${r.reused ? 'reused' : `built (${r.ran.join(', ')})`} in ${seconds(r.durationMs)}: ${lab.paths.imageDir}`);
    },
  },
  {
    command: 'up',
    describe: 'build (or reuse) the image, boot node1 and node2, provision them, wait until DRBD is Promoted and mounted',
    run: async (lab) => {
      const r = await lab.locked('lab vm up', () => lab.up());
      if (r.already) {
        print(`VM lab already up; /srv/data mounted on ${r.promotedOn ?? 'no node'}`);
        return;
      }
      const p = r.phases;
      print(
        `VM lab up: image ${r.image?.reused ? 'reused' : `built (${r.image?.ran.join(', ')})`} ${seconds(p.image ?? 0)}, boot ${seconds(p.boot ?? 0)}, provision ${seconds(p.provision ?? 0)}, promoted ${seconds(p.promoted ?? 0)}; /srv/data on ${r.promotedOn}`,
      );
      print('  try: ocfkit lab vm status     ocfkit lab vm exec node1 crm_mon -1     tear down: ocfkit lab vm down');
    },
  },
  {
    command: 'down',
    describe: 'kill both qemus (by pid file) and remove the run directory; the image cache stays',
    run: async (lab) => {
      const r = await lab.locked('lab vm down', () => lab.down());
      print(`VM lab down in ${(r.durationMs / 1000).toFixed(1)} s (${r.killed} qemu killed${r.strays ? `, ${r.strays} stray qemu of this cache killed` : ''})`);
    },
  },
  {
    command: 'status',
    describe: "each node's qemu, ssh, DRBD state, mount and what its crm_mon says",
    builder: (y) => y.option('json', { type: 'boolean', default: false }),
    run: async (lab, a) => {
      const s = await lab.status();
      if (a.json) print(JSON.stringify(s, null, 2));
      else renderStatus(s).forEach((l) => print(l));
      if (!s.healthy) process.exitCode = 3;
    },
  },
  {
    command: 'exec <node> [cmd..]',
    describe: 'run a command in a node over ssh (each argument passed as one word)',
    builder: (y) =>
      (nodeArg(y) as Argv<VmArgs>)
        .positional('cmd', { type: 'string', array: true })
        .option('timeout', integerOption('timeout', { min: 1, max: MAX_TIMEOUT_S, unit: 'seconds' }, { default: 300, describe: 'seconds' }))
        .parserConfiguration({ 'unknown-options-as-args': true }),
    run: async (lab, a) => {
      const rest = ((a._ as (string | number)[]) ?? []).slice(3);
      const cmd = [...((a.cmd as (string | number)[] | undefined) ?? []), ...rest].map(String);
      if (cmd.length === 0) throw new CliError('name a command to run in the node', 2);
      if (lab.pidOf(a.node as VmNode) === null) throw new CliError(`${a.node} is not running`, 1);
      const r = await lab.sshTo(a.node as VmNode, cmd, (a.timeout as number) * 1000);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      if (r.spawnError) throw new CliError(`could not run ssh: ${r.spawnError}`, 127);
      if (r.timedOut) throw new CliError(`timed out after ${a.timeout} s`, 124);
      process.exitCode = r.exitCode ?? 128;
    },
  },
  {
    command: 'kill <node>',
    describe: "power cut: SIGKILL to the node's qemu (by its pid file)",
    builder: nodeArg,
    run: async (lab, a) => {
      print((await lab.kill(a.node as VmNode)) ? `${a.node} powered off (qemu killed)` : `${a.node} was not running`);
    },
  },
  {
    command: 'start <node>',
    describe: 'boot a killed node again (same disks) and wait for ssh; corosync and pacemaker start at boot',
    builder: nodeArg,
    run: async (lab, a) => {
      // Under the lab lock: a node started while `down` empties run/ would outlive it.
      const ms = await lab.locked('lab vm start', () => lab.start(a.node as VmNode));
      print(`${a.node} booted, ssh after ${seconds(ms)}`);
    },
  },
  {
    command: 'net <node> <state>',
    describe: "unplug (down) or plug in (up) the node's lab link (DRBD + corosync); ssh stays",
    builder: (y) => (nodeArg(y) as Argv<VmArgs>).positional('state', { type: 'string', choices: ['down', 'up'], demandOption: true }),
    run: async (lab, a) => {
      await lab.net(a.node as VmNode, a.state as 'down' | 'up');
      print(`${a.node} lab link ${a.state}`);
    },
  },
];

function asCommand(action: VmAction): CommandModule<VmArgs, VmArgs> {
  return {
    command: action.command,
    describe: action.describe,
    builder: (action.builder ?? ((y: Argv<VmArgs>) => y)) as (y: Argv<VmArgs>) => Argv<VmArgs>,
    handler: async (a: VmArgs) => {
      if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new CliError('the VM lab needs root (debootstrap, chroot, image files)', 4);
      try {
        await action.run(await openVmLab(a), a);
      } catch (error) {
        if (error instanceof CliError) throw error;
        if ((error as Error).name === 'VmLabBusyError') throw new CliError(`${(error as Error).message}; try again when it has finished`, 75);
        throw new CliError((error as Error).message, 1);
      }
    },
  } as CommandModule<VmArgs, VmArgs>;
}

export const labVmSubcommands = actions.map(asCommand);

export const labVmCommand: CommandModule<VmArgs, VmArgs> = {
  command: 'vm <command>',
  describe: 'the same two nodes as Vagrant (vagrant/), under qemu TCG with real DRBD 8.4 and SBD (root; minutes)',
  builder: (y) => {
    let out = (y as Argv<VmArgs>).option('cache', { type: 'string', default: DEFAULT_VM_CACHE, describe: 'image cache and run directory' });
    for (const c of labVmSubcommands) out = out.command(c);
    return out.demandCommand(1, `name a lab vm command: ${actions.map((x) => x.command.split(' ')[0]).join(', ')}`) as never;
  },
  handler: () => {},
};
