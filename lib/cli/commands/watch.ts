/**
 * `ocfkit watch [--resource R] [--node N] [--json] [--interval MS] [--socket PATH]`: the
 * application monitor (lib/monitor) from the command line. One line on stdout per role change
 * and per pushed event, as they happen (JSON lines with --json); logs as pino JSON on stderr.
 * SIGINT / SIGTERM close it (the socket is unlinked) and exit 0.
 */
import type { Argv, CommandModule } from 'yargs';
import { ClusterMonitor, type RoleChange } from '../../monitor/index.ts';
import { createPinoLogger } from '../../monitor/logger.ts';
import { integerOption } from '../options.ts';
import { CliError } from '../errors.ts';

interface WatchArgs {
  resource: string;
  node?: string;
  json: boolean;
  interval: number;
  socket?: string;
  push: boolean;
}

const stamp = (ms: number): string => new Date(ms).toISOString();
const clean = (s: unknown): string => String(s ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '?').slice(0, 300);

/** One human line for a pushed event record (contract 1). */
export function describeEvent(e: Record<string, unknown>): string {
  const parts = [clean(e.kind)];
  if (e.kind === 'resource') parts.push(`${clean(e.task)} ${clean(e.resource)} on ${clean(e.node)} rc=${clean(e.rc)}`);
  else if (e.kind === 'fencing') parts.push(`${clean(e.task)} of ${clean(e.node)} rc=${clean(e.rc)}`);
  else if (e.kind === 'attribute') parts.push(`${clean(e.attribute)}=${e.value === null ? '(deleted)' : clean(e.value)} on ${clean(e.node)}`);
  else parts.push(`${clean(e.node)} ${clean(e.desc)}`);
  if (e.kind !== 'node' && e.desc) parts.push(`(${clean(e.desc)})`);
  return `${clean(e.time)} event ${parts.join(' ')}`;
}

export function describeRole(c: RoleChange): string {
  return `${stamp(c.at)} role ${c.previous} -> ${c.role} (${c.source}: ${clean(c.reason)})`;
}

export async function watch(a: WatchArgs, out: (line: string) => void = (l) => void process.stdout.write(`${l}\n`)): Promise<void> {
  const logger = createPinoLogger({ name: 'ocfkit-watch' });
  const monitor = new ClusterMonitor({
    resource: a.resource,
    node: a.node,
    pollIntervalMs: a.interval,
    socketPath: a.push ? a.socket : null,
    logger,
  });
  const line = (type: string, human: string, fields: Record<string, unknown>): void => out(a.json ? JSON.stringify({ type, ...fields }) : human);
  monitor.on('role', (c) => line('role', describeRole(c), { ...c }));
  monitor.on('event', (e) => line('event', describeEvent(e), { at: Date.now(), event: e }));
  monitor.on('cluster-down', (d) => line('cluster-down', `${stamp(Date.now())} cluster down on this node: ${clean(d.message)}`, { at: Date.now(), ...d }));
  monitor.on('cluster-up', () => line('cluster-up', `${stamp(Date.now())} cluster up`, { at: Date.now() }));
  monitor.on('quorum-lost', () => line('quorum-lost', `${stamp(Date.now())} quorum lost`, { at: Date.now() }));
  monitor.on('quorum', () => line('quorum', `${stamp(Date.now())} quorum`, { at: Date.now() }));
  monitor.on('maintenance', (m) => line('maintenance', `${stamp(Date.now())} maintenance ${m.on ? 'on' : 'off'}`, { at: Date.now(), ...m }));
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      logger.info({ signal }, 'closing');
      void monitor.close().then(resolve, resolve);
    };
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  logger.flush();
}

export const watchCommand: CommandModule<object, WatchArgs> = {
  command: 'watch',
  describe: "follow this node's role for a resource (active/standby/stopped/unknown) and the cluster's events",
  builder: (y: Argv<object>) =>
    y
      .option('resource', { type: 'string', default: 'drbd-data-clone', requiresArg: true, describe: 'the resource that makes a node active (Promoted or Started)' })
      .option('node', { type: 'string', requiresArg: true, describe: "this node's Pacemaker name (default: crm_node -n)" })
      .option('json', { type: 'boolean', default: false, describe: 'JSON lines' })
      .option('interval', integerOption('interval', { min: 100, max: 3_600_000, unit: 'ms' }, { default: 2000, describe: 'safety-net poll interval' }))
      .option('socket', { type: 'string', requiresArg: true, describe: 'push socket to listen on (default /run/ocfkit/events.d/<pid>.sock)' })
      .option('push', { type: 'boolean', default: true, describe: 'listen for pushed events (--no-push: poll only)' }) as unknown as Argv<WatchArgs>,
  handler: async (a) => {
    if (!a.resource) throw new CliError('--resource: give the resource id', 2);
    await watch(a);
  },
};
