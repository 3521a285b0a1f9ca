/**
 * `ocfkit alert install|remove`: configure the ocfkit-alert agent in the CIB on this node
 * (lib/alert/install.ts): the folders it writes as hacluster, `<alert id="ocfkit-alert">` with
 * its `<select>`, and a check that it really fires. Idempotent. Root only.
 */
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { ALERT_ID, DEFAULT_SELECT, parseSelect } from '../../alert/cib.ts';
import { AlertInstallError, installAlert, removeAlert } from '../../alert/install.ts';
import { CliError } from '../errors.ts';
import { integerOption, toInteger } from '../options.ts';

interface InstallArgs {
  select?: string;
  webhook?: string;
  'secret-file'?: string;
  'webhook-ca'?: string;
  log?: string;
  socket?: string;
  prefix: string;
  'verify-timeout': unknown;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

function needRoot(): void {
  if (process.geteuid?.() !== 0) throw new CliError('alert install/remove changes the CIB and system folders: run it as root', 4);
}

async function wrap<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    if (error instanceof AlertInstallError) throw new CliError(error.message);
    throw error;
  }
}

export const alertSubcommands: CommandModule<object, InstallArgs>[] = [
  {
    command: 'install',
    describe: `configure the alert agent (<prefix>/alerts/ocfkit-alert) as alert '${ALERT_ID}' and check that it fires`,
    builder: (y: Argv<object>) =>
      y
        .option('select', { type: 'string', requiresArg: true, describe: `event kinds: nodes,fencing,resources,attributes (default ${DEFAULT_SELECT.join(',')})` })
        .option('webhook', { type: 'string', requiresArg: true, describe: 'also POST every event to this https:// URL, signed' })
        .option('secret-file', { type: 'string', requiresArg: true, describe: 'the HMAC key for --webhook: a file of mode 0600 (given to hacluster)' })
        .option('webhook-ca', { type: 'string', requiresArg: true, describe: 'PEM file of CA certificates the webhook server is checked against (default: the system store)' })
        .option('log', { type: 'string', requiresArg: true, describe: 'the event log (default /var/lib/ocfkit/events.jsonl)' })
        .option('socket', { type: 'string', requiresArg: true, describe: 'the subscribers\' socket (default /run/ocfkit/events.sock)' })
        .option('prefix', { type: 'string', default: process.env.OCF_ROOT || '/usr/lib/ocf', describe: 'the OCF root the agent was installed under' })
        .option('verify-timeout', integerOption('verify-timeout', { min: 0, max: 600, unit: 'seconds' }, { default: 10, describe: 'wait this long for the probe event (0: do not check)' })) as never,
    handler: async (a) => {
      let select = DEFAULT_SELECT;
      try {
        if (a.select !== undefined) select = parseSelect(a.select);
      } catch (error) {
        throw new CliError(`${(error as Error).message} (run 'ocfkit alert install --help')`, 2);
      }
      if ((a.webhook === undefined) !== (a['secret-file'] === undefined)) throw new CliError("--webhook and --secret-file go together (run 'ocfkit alert install --help')", 2);
      if (a['webhook-ca'] !== undefined && a.webhook === undefined) throw new CliError("--webhook-ca needs --webhook (run 'ocfkit alert install --help')", 2);
      for (const [flag, value] of [['log', a.log], ['socket', a.socket], ['secret-file', a['secret-file']], ['webhook-ca', a['webhook-ca']]] as const) {
        if (value !== undefined && !value.startsWith('/')) throw new CliError(`--${flag}: give an absolute path, got '${value}'`, 2);
      }
      const verifyMs = toInteger('verify-timeout', a['verify-timeout'], { min: 0, max: 600 }) * 1000;
      needRoot();
      const result = await wrap(() =>
        installAlert({
          agentPath: join(a.prefix, 'alerts', 'ocfkit-alert'),
          select,
          log: a.log,
          socket: a.socket,
          webhook: a.webhook ? { url: a.webhook, secretFile: a['secret-file']!, caFile: a['webhook-ca'] } : undefined,
          verifyMs,
          say,
        }),
      );
      if (result.verified === false) process.exitCode = 3;
    },
  },
  {
    command: 'remove',
    describe: `remove alert '${ALERT_ID}' from the CIB (the event log stays)`,
    builder: (y: Argv<object>) => y as never,
    handler: async () => {
      needRoot();
      await wrap(() => removeAlert(undefined, say));
    },
  },
];

export const alertCommand: CommandModule<object, InstallArgs> = {
  command: 'alert <command>',
  describe: 'Pacemaker alert agent: install, remove',
  builder: (y) => {
    let out = y as Argv<object>;
    for (const c of alertSubcommands) out = out.command(c as CommandModule<object, object>);
    return out.demandCommand(1, 'name an alert command: install, remove') as never;
  },
  handler: () => {},
};
