/**
 * `ocfkit lab up|down|status|exec|kill|start|stop|net|demo`: the two-node namespace lab
 * (implementation in lib/lab). Progress lines go to stderr, results to stdout.
 */
import type { Argv, CommandModule } from 'yargs';
import { CliError } from '../errors.ts';
import { createLogger, levelFromEnv } from '../../log/logger.ts';
import { DEFAULT_LAB_NAME, DEFAULT_LOCK_WAIT_MS, LabBusyError, demoJson, labDown, labStatus, labUp, openLab, runDemo, type Lab, type LabStatus, type StackKind } from '../../lab/index.ts';
import { integerOption } from '../options.ts';
import { labVmCommand } from './lab-vm.ts';

interface Common {
  name: string;
}

const logger = () => createLogger({ name: 'ocfkit:lab', level: levelFromEnv(process.env) });
const print = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
const nameFlag = (name: string): string => (name === DEFAULT_LAB_NAME ? '' : ` --name ${name}`);

function mustOpen(name: string): Lab {
  const lab = openLab(name, { log: logger() });
  if (!lab) throw new CliError(`no lab '${name}' (run 'ocfkit lab up${nameFlag(name)}')`, 1);
  return lab;
}

function renderStatus(s: LabStatus): string[] {
  if (!s.record) return [s.exists ? `lab '${s.name}': leftovers without state (run 'ocfkit lab down${nameFlag(s.name)}')` : `lab '${s.name}': not up`];
  const r = s.record;
  const lines = [`lab '${s.name}': ${s.healthy ? 'healthy' : 'NOT healthy'} (${r.nodes} node${r.nodes > 1 ? 's' : ''}, stack ${r.stack ?? 'minimal'}, token ${r.token} ms, stonith ${r.stonith ? 'on' : 'off'}, subnet ${r.subnet})`];
  for (const n of s.nodes) {
    const view = n.view
      ? `DC ${n.view.dc ?? 'none'}; online: ${n.view.nodes.filter((x) => x.online).map((x) => x.name).join(' ') || '-'}; ` +
        n.view.resources
          .filter((x) => x.active)
          .map((x) => `${x.id} ${x.role} on ${x.nodes.join(',')}`)
          .join('; ')
      : 'cluster not answering';
    lines.push(`  ${n.node} ${n.address}: ${n.processes ? `${n.processes} processes` : 'off'}${n.processes ? ` (corosync ${n.corosync ? 'up' : 'down'}, pacemakerd ${n.pacemakerd ? 'up' : 'down'})` : ''}; ${view}`);
  }
  return lines;
}

type Args = Common & Record<string, unknown>;

/** One lab subcommand: its yargs shape and what it does (root is checked for it, once, below). */
interface LabAction {
  command: string;
  describe: string;
  builder?: (y: Argv<Common>) => Argv<Common>;
  run: (a: Args) => Promise<void>;
}

const nodeArg = (y: Argv<Common>) => y.positional('node', { type: 'string', choices: ['node1', 'node2'], demandOption: true });
const waitOption = (y: Argv<Common>) =>
  y.option(
    'wait',
    integerOption('wait', { min: 0, unit: 'seconds' }, {
      default: DEFAULT_LOCK_WAIT_MS / 1000,
      describe: 'seconds to wait while another up, down or demo holds this lab (0: refuse at once)',
    }),
  );
const tokenOption = (y: Argv<Common>) => y.option('token', integerOption('token', { min: 100, max: 60_000, unit: 'ms' }, { default: 1000, describe: 'corosync totem token (ms)' }));
const lockWait = (a: Args): number => (a.wait as number) * 1000;
const stackOption = (y: Argv<Common>) =>
  y.option('stack', {
    type: 'string',
    choices: ['full', 'minimal'],
    describe: 'full (default with 2 nodes): the whole stack from the rendered CIB, running when up returns; minimal: Corosync + Pacemaker + fencing only',
  });
/** --stack, or full for two nodes and minimal for one. */
const stackOf = (a: Args, nodes: number): StackKind => (a.stack as StackKind | undefined) ?? (nodes === 2 ? 'full' : 'minimal');
const demoOptions = (y: Argv<Common>) =>
  stackOption(waitOption(tokenOption(y))).option('json', { type: 'boolean', default: false, describe: 'print the result as JSON on stdout (the story goes to stderr)' });
async function demoCommand(a: Args): Promise<void> {
  const json = a.json as boolean;
  const out = json ? (line = ''): void => void process.stderr.write(`${line}\n`) : print;
  const r = await runDemo({ name: a.name, token: a.token as number, log: logger(), out, lockWaitMs: lockWait(a), stack: stackOf(a, 2) });
  if (json) print(JSON.stringify(demoJson(r), null, 2));
}

const actions: LabAction[] = [
  {
    command: 'up',
    describe: 'bring the lab up (idempotent) and wait until every node sees every node online',
    builder: (yy) =>
      waitOption(
        tokenOption(yy.option('nodes', integerOption('nodes', { choices: [1, 2] }, { default: 2, describe: 'how many nodes: 1 or 2' })))
          .option('stonith', { type: 'boolean', describe: 'fencing with the lab fence agent (default: on for 2 nodes)' })
          .option('fence-delay', integerOption('fence-delay', { min: 0, max: 600_000, unit: 'ms' }, { default: 5000, describe: 'delay (ms) on the device that fences --fence-delay-target' }))
          .option('fence-delay-target', { type: 'string', choices: ['node1', 'node2'], default: 'node2', describe: 'the node that wins a fencing race (its fencing is the delayed one)' })
          .option('demo', { type: 'boolean', default: false, describe: "same as 'ocfkit lab demo'" })
          .option('json', { type: 'boolean', default: false, describe: 'with --demo: the result as JSON' }),
      ).option('stack', {
        type: 'string',
        choices: ['full', 'minimal'],
        describe: 'full (the default with 2 nodes): the whole stack from the rendered CIB, running when up returns; minimal: Corosync + Pacemaker + fencing only',
      }),
    run: async (a) => {
      if (a.demo) {
        await demoCommand(a);
        return;
      }
      const started = Date.now();
      const lab = await labUp({
        name: a.name,
        nodes: a.nodes as 1 | 2,
        token: a.token as number,
        stonith: a.stonith as boolean | undefined,
        fenceDelayMs: a.fenceDelay as number,
        fenceDelayTarget: a.fenceDelayTarget as 'node1' | 'node2',
        stack: stackOf(a, a.nodes as number),
        log: logger(),
        lockWaitMs: lockWait(a),
      });
      const already = Date.parse(lab.record.createdAt) < started;
      const took = already ? ' (already up)' : lab.record.upMs ? ` in ${(lab.record.upMs / 1000).toFixed(1)} s` : '';
      print(`lab '${lab.name}' up${took}: ${lab.nodes.map((n) => `${n} ${lab.paths.node(n).address}`).join(', ')}${lab.stack === 'full' ? `; full stack running, VIP ${lab.paths.vip}, client namespace ${lab.paths.clientNetns} (${lab.paths.clientAddress})` : ''}`);
      print(`  try: ocfkit lab exec${nameFlag(lab.name)} node1 crm_mon -1     tear down: ocfkit lab down${nameFlag(lab.name)}`);
    },
  },
  {
    command: 'down',
    describe: 'take the lab down from any state: no process, mount or namespace left',
    builder: (yy) => waitOption(yy).option('keep-logs', { type: 'boolean', default: false, describe: "keep the nodes' logs (/var/tmp/ocfkit-lab-logs/<name>/)" }),
    run: async (a) => {
      const r = await labDown(a.name, { keepLogs: a.keepLogs as boolean, log: logger(), lockWaitMs: lockWait(a) });
      print(r.existed ? `lab '${a.name}' down in ${(r.durationMs / 1000).toFixed(1)} s (${r.killed} processes killed)` : `lab '${a.name}' was not up`);
      if (r.logsDir) print(`  logs kept in ${r.logsDir}`);
    },
  },
  {
    command: 'status',
    describe: "nodes, daemons and what each node's crm_mon says",
    builder: (yy) => yy.option('json', { type: 'boolean', default: false }),
    run: async (a) => {
      const s = await labStatus(a.name, { log: logger() });
      if (a.json) print(JSON.stringify(s, null, 2));
      else renderStatus(s).forEach((l) => print(l));
      if (!s.healthy) process.exitCode = 3;
    },
  },
  {
    command: 'exec <node> [cmd..]',
    describe: 'run a command inside a node (its network, mount and UTS namespaces); output is printed when it ends',
    builder: (yy) =>
      nodeArg(yy)
        .positional('cmd', { type: 'string', array: true, describe: "the command; put it after '--' if it has options ocfkit knows (--help, --name)" })
        .option('timeout', integerOption('timeout', { min: 1, unit: 'seconds' }, { default: 300, describe: 'seconds' }))
        .parserConfiguration({ 'unknown-options-as-args': true }),
    run: async (a) => {
      const lab = mustOpen(a.name);
      // After '--', yargs leaves the words in `_` (after 'lab exec'): both forms are accepted.
      const rest = ((a._ as (string | number)[]) ?? []).slice(2);
      const cmd = [...((a.cmd as (string | number)[] | undefined) ?? []), ...rest].map(String);
      if (cmd.length === 0) throw new CliError('name a command to run in the node', 2);
      const r = await lab.exec(a.node as string, cmd, { timeoutMs: (a.timeout as number) * 1000, log: undefined });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      if (r.spawnError) throw new CliError(`could not run nsenter: ${r.spawnError}`, 127);
      if (r.timedOut) throw new CliError(`timed out after ${a.timeout} s`, 124);
      process.exitCode = r.exitCode ?? 128;
    },
  },
  {
    command: 'kill <node>',
    describe: "power cut: SIGKILL to exactly the node's processes (found by namespace)",
    builder: nodeArg,
    run: async (a) => {
      const r = await mustOpen(a.name).kill(a.node as string);
      print(`${a.node} powered off (${r.killed} processes killed)`);
    },
  },
  {
    command: 'stop <node>',
    describe: 'graceful stop: pacemakerd (stops its resources), then corosync',
    builder: nodeArg,
    run: async (a) => {
      await mustOpen(a.name).stop(a.node as string);
      print(`${a.node} stopped`);
    },
  },
  {
    command: 'start <node>',
    describe: 'boot a stopped or killed node again (fresh /run and /dev/shm) and wait until it is online',
    builder: nodeArg,
    run: async (a) => {
      await mustOpen(a.name).start(a.node as string);
      print(`${a.node} started and online`);
    },
  },
  {
    command: 'net <node> <state>',
    describe: "unplug (down) or plug in (up) the node's cable: its port on the lab's bridge",
    builder: (yy) => nodeArg(yy).positional('state', { type: 'string', choices: ['down', 'up'], demandOption: true }),
    run: async (a) => {
      await mustOpen(a.name).net(a.node as string, a.state as 'down' | 'up');
      print(`${a.node} link ${a.state}`);
    },
  },
  {
    command: 'demo',
    describe: 'lab + the full stack, ocfkit status, one hard-kill failover with its timeline, rejoin (--stack minimal: Stateful/Dummy/services)',
    builder: demoOptions,
    run: demoCommand,
  },
];

/** Exit status of `lab up|down|demo` when another process holds the lab past --wait (EX_TEMPFAIL). */
export const EXIT_LAB_BUSY = 75;

/**
 * The one wrapper every lab subcommand goes through: root first, then the action; a lab error
 * becomes one line on stderr (exit 1; a busy lab exits EXIT_LAB_BUSY), never a stack.
 */
function asRootCommand(action: LabAction): CommandModule<Common, Args> {
  return {
    command: action.command,
    describe: action.describe,
    builder: action.builder ?? ((y: Argv<Common>) => y),
    handler: async (a: Args) => {
      if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new CliError('the lab needs root (namespaces, mounts)', 4);
      try {
        await action.run(a);
      } catch (error) {
        if (error instanceof CliError) throw error;
        if (error instanceof LabBusyError) throw new CliError(`${error.message}; try again when it has finished, or raise --wait`, EXIT_LAB_BUSY);
        throw new CliError((error as Error).message, 1);
      }
    },
  } as CommandModule<Common, Args>;
}

export const labSubcommands: CommandModule<Common, Args>[] = [...actions.map(asRootCommand), labVmCommand as unknown as CommandModule<Common, Args>];

export const labCommand: CommandModule<object, Args> = {
  command: 'lab <command>',
  describe: 'a real Corosync + Pacemaker cluster of namespaces on this machine (root)',
  builder: (y) => {
    let out = (y as Argv).option('name', { type: 'string', default: DEFAULT_LAB_NAME, describe: 'lab name (several labs can coexist)' }) as Argv<Common>;
    for (const c of labSubcommands) out = out.command(c);
    return out.demandCommand(1, `name a lab command: ${[...actions.map((a) => a.command.split(' ')[0]), 'vm'].join(', ')}`) as never;
  },
  handler: () => {},
};
