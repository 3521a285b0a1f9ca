/**
 * `ocfkit events [--json] [--follow] [--since TIME] [--max-bytes N] [--log PATH]`: the alert
 * agent's event log on this node (lib/alert/reader.ts), oldest first, one line per event,
 * de-duplicated by id; `--json`: the records as JSON lines (contracts-s16 §1). The whole log
 * (every rotated file) unless `--max-bytes` says how much of its end to read.
 */
import type { CommandModule } from 'yargs';
import { formatEvent } from '../../alert/format.ts';
import { DEFAULT_LOG } from '../../alert/options.ts';
import { followEvents, readEventsWithStats } from '../../alert/reader.ts';
import type { AlertEventRecord } from '../../alert/event.ts';
import { CliError } from '../errors.ts';

interface EventsArgs {
  json: boolean;
  follow: boolean;
  since?: string;
  maxBytes?: string;
  log: string;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: an ISO date/time (`2026-11-27T11:00:00Z`, `2026-11-27 11:00`; without a zone it is
 * local time, a date alone included) or an age (`90s`, `10m`, `2h`, `1d`). A day that does not
 * exist (`2026-02-31`) or a time before 1970 is refused, never rolled over or taken as "all".
 */
export function parseSince(text: string, now = Date.now()): Date {
  const age = /^(\d{1,9})([smhd])$/.exec(text.trim());
  if (age) {
    const t = now - Number(age[1]) * UNITS[age[2]!]!;
    if (t >= 0) return new Date(t);
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text.trim());
  if (iso) {
    const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const t = Date.parse(iso[4] ? text.trim().replace(' ', 'T') : `${text.trim()}T00:00`);
    if (m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth && !Number.isNaN(t) && t >= 0) return new Date(t);
  }
  throw new CliError(`--since: expected a time (2026-11-27T11:00:00Z) or an age (90s, 10m, 2h, 1d), got '${text}' (run 'ocfkit events --help')`, 2);
}

const BYTE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** `--max-bytes`: a whole number of bytes ≥ 1, or of KiB, MiB, GiB (`512K`, `4M`, `1G`). */
export function parseMaxBytes(text: string): number {
  const m = /^(\d{1,13})([KMG]?)(i?B)?$/i.exec(text.trim());
  const n = m ? Number(m[1]) * BYTE_UNITS[m[2]!.toUpperCase()]! : 0;
  if (n >= 1 && Number.isSafeInteger(n)) return n;
  throw new CliError(`--max-bytes: expected a size of at least 1 byte (65536, 512K, 4M, 1G), got '${text}' (run 'ocfkit events --help')`, 2);
}

export const eventsCommand: CommandModule<object, EventsArgs> = {
  command: 'events',
  describe: "this node's cluster events from the alert agent's log (de-duplicated, oldest first)",
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'one JSON record per line' })
      .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'keep printing events as they come' })
      .option('since', { type: 'string', requiresArg: true, describe: 'only events from this time (ISO) or age (10m, 2h) on' })
      .option('max-bytes', { type: 'string', requiresArg: true, describe: 'read only this much of the end of the log (65536, 512K, 4M): the newest events; default: all of it, every rotated file' })
      .option('log', { type: 'string', requiresArg: true, default: DEFAULT_LOG, describe: 'the event log' }) as never,
  handler: async (a) => {
    const since = a.since === undefined ? undefined : parseSince(a.since);
    const maxBytes = a.maxBytes === undefined ? undefined : parseMaxBytes(a.maxBytes);
    const print = (e: AlertEventRecord): void => void process.stdout.write(`${a.json ? JSON.stringify(e) : formatEvent(e)}\n`);
    if (!a.follow) {
      const r = readEventsWithStats({ path: a.log, since, maxBytes });
      for (const e of r.events) print(e);
      if (r.truncated) process.stderr.write(`(only the last ${maxBytes} bytes of ${a.log} were read: older events not shown)\n`);
      return;
    }
    const ac = new AbortController();
    const stop = (): void => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    for await (const e of followEvents({ path: a.log, since, maxBytes, signal: ac.signal })) print(e);
  },
};
