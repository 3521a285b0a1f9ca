/**
 * `ocfkit status [--json] [--watch] [--resource …]`: the pair at a glance — which node is
 * active, DRBD per node, every step of the current or last failover, failed actions,
 * maintenance, quorum, fencing, and a one-line verdict (lib/status). Exit 0 when healthy, 3
 * otherwise (one shot); `--watch` redraws until Ctrl-C/SIGTERM and exits 0.
 */
import type { Argv, CommandModule } from 'yargs';
import { buildStatus } from '../../status/build.ts';
import type { StackIds } from '../../status/facts.ts';
import { gatherFacts, type GatherOptions } from '../../status/gather.ts';
import { listenForEvents } from '../../status/push-socket.ts';
import { renderStatus } from '../../status/render.ts';
import { watchStatus } from '../../status/watch.ts';
import { CliError } from '../errors.ts';
import { integerOption } from '../options.ts';

interface StatusArgs {
  json: boolean;
  watch: boolean;
  resource?: string[];
  'event-log'?: string;
  timeout: number;
}

const PARTS = ['clone', 'fs', 'vip', 'haproxy', 'services'] as const;

/** `--resource ID` (the promotable clone) or `--resource PART=ID`, repeatable. */
export function stackIds(values: readonly string[] | undefined): StackIds {
  const ids: StackIds = {};
  for (const v of values ?? []) {
    const m = /^([a-z]+)=(.+)$/.exec(v);
    const [part, id] = m ? [m[1]!, m[2]!] : ['clone', v];
    if (!(PARTS as readonly string[]).includes(part)) throw new CliError(`--resource ${v}: expected ID or PART=ID with PART one of ${PARTS.join(', ')} (run 'ocfkit status --help')`, 2);
    if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(id)) throw new CliError(`--resource ${v}: '${id}' is not a resource id (run 'ocfkit status --help')`, 2);
    ids[part as (typeof PARTS)[number]] = id;
  }
  return ids;
}

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status',
  describe: 'the active/standby pair: active node, DRBD, failover steps, failed actions, verdict',
  builder: (y: Argv<object>) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON (schema ocfkit-status/1)' })
      .option('watch', { type: 'boolean', default: false, describe: 'redraw on every change (pushed events, else every 2 s) until Ctrl-C' })
      .option('resource', { type: 'string', array: true, requiresArg: true, describe: 'the promotable clone (ID), or a part of the stack (clone|fs|vip|haproxy|services=ID); default: contract ids, then by agent' })
      .option('event-log', { type: 'string', requiresArg: true, describe: 'the alert event log (default /var/lib/ocfkit/events.jsonl)' })
      .option('timeout', integerOption('timeout', { min: 1, max: 600, unit: 'seconds' }, { default: 5, describe: 'give crm_mon this long, DRBD tools 60% of it (at least 3 s, at most all of it); raise it on slow (emulated) machines' })) as never,
  handler: async (a) => {
    const ids = stackIds(a.resource);
    const gather: GatherOptions = { ids, eventLog: a['event-log'], crmMonTimeoutMs: a.timeout * 1000, drbdTimeoutMs: Math.min(a.timeout * 1000, Math.max(3000, a.timeout * 600)) };
    const tty = process.stdout.isTTY === true;
    const color = tty && !process.env.NO_COLOR;
    const width = tty ? Math.min(80, process.stdout.columns || 80) : 80;
    const tzOffsetMin = -new Date().getTimezoneOffset();
    const produce = async () => buildStatus(await gatherFacts(gather));
    if (a.watch) {
      await watchStatus({
        produce,
        render: (r) => (a.json ? `${JSON.stringify(r)}\n` : renderStatus(r, { width, color, tzOffsetMin })),
        write: (text) => process.stdout.write(text),
        tty: tty && !a.json,
        listen: (onEvent) => listenForEvents(onEvent),
        note: (line) => process.stderr.write(`ocfkit status: ${line}\n`),
      });
      process.exitCode = 0;
      return;
    }
    const report = await produce();
    process.stdout.write(a.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report, { width, color, tzOffsetMin }));
    process.exitCode = report.verdict.state === 'healthy' ? 0 : 3;
  },
};
