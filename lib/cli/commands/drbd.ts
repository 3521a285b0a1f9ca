/**
 * `ocfkit drbd fence-peer|unfence-peer`: DRBD's resource-level fencing handlers
 * (`handlers { fence-peer "ocfkit drbd fence-peer"; after-resync-target "ocfkit drbd unfence-peer"; }`).
 * DRBD runs them with DRBD_RESOURCE (and DRBD_PEERS or DRBD_NODE_ID_n, DRBD_CONF…) in the
 * environment and reads the exit code (fence-peer: 4 fenced, 5 peer unreachable, 7 peer
 * STONITHed, else failed). One line on stderr says what was done and why.
 */
import type { Argv, CommandModule } from 'yargs';
import { Deadline } from '../../exec/deadline.ts';
import { run } from '../../exec/run.ts';
import { fencePeer, unfencePeer, type HandlerEnv, type HandlerResult } from '../../drbd/fence/handler.ts';
import { integerOption, toInteger } from '../options.ts';

interface DrbdArgs {
  resource?: string;
  clone?: string;
  node?: string;
  timeout: unknown;
}

function handlerEnv(a: DrbdArgs): HandlerEnv {
  const seconds = toInteger('timeout', a.timeout, { min: 1, max: 3600, unit: 'seconds' });
  return { exec: run, deadline: Deadline.after(seconds * 1000), env: process.env, resource: a.resource, clone: a.clone, node: a.node };
}

function report(name: string, r: HandlerResult): void {
  process.stderr.write(`ocfkit drbd ${name}: ${r.message}\n`);
  process.exitCode = r.exit;
}

const options = (y: Argv<object>): Argv<DrbdArgs> =>
  y
    .option('resource', { type: 'string', describe: 'DRBD resource (default: $DRBD_RESOURCE, as DRBD sets it)' })
    .option('clone', { type: 'string', describe: 'the promotable clone (default: the one whose primitive has drbd_resource=<resource>)' })
    .option('node', { type: 'string', describe: "this node's Pacemaker name (default: crm_node -n)" })
    .option('timeout', integerOption('timeout', { min: 1, max: 3600, unit: 'seconds' }, { default: 90, describe: 'give up after this many seconds' })) as never;

export const drbdSubcommands: CommandModule<object, DrbdArgs>[] = [
  {
    command: 'fence-peer',
    describe: 'DRBD fence-peer handler: keep Promoted on this node only (location constraint ocfkit-drbd-fence-<resource>)',
    builder: options,
    handler: async (a) => report('fence-peer', await fencePeer(handlerEnv(a))),
  },
  {
    command: 'unfence-peer',
    describe: 'DRBD after-resync-target handler: remove that constraint, and only it, once every disk is UpToDate',
    builder: options,
    handler: async (a) => report('unfence-peer', await unfencePeer(handlerEnv(a))),
  },
];

export const drbdCommand: CommandModule<object, DrbdArgs> = {
  command: 'drbd <command>',
  describe: "DRBD's resource-level fencing handlers (fence-peer, unfence-peer)",
  builder: (y) => {
    let out = y as Argv<object>;
    for (const c of drbdSubcommands) out = out.command(c as CommandModule<object, object>);
    return out.demandCommand(1, 'name a drbd command: fence-peer, unfence-peer') as never;
  },
  handler: () => {},
};
