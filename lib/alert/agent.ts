/**
 * One alert run: Pacemaker's environment → one event → the event log, the local subscribers and
 * the optional webhook, all at once, all bounded by one budget far inside Pacemaker's alert
 * timeout. Facts (env, options), then the record, then the side effects. Never throws: a bad
 * environment or option, a full disk, a dead subscriber or webhook each cost one log line, and
 * the run still ends (exit 0 in the executable).
 */
import { hostname as osHostname } from 'node:os';
import { haclusterOwner } from '../fs/accounts.ts';
import { createLogger, stderrSink, type Logger } from '../log/logger.ts';
import { syslogWriter } from '../log/syslog.ts';
import { AlertEnvError, parseAlertEnv, preview } from './env.ts';
import { recordLine, toRecord, type AlertEventRecord } from './event.ts';
import { appendLine, type AppendResult } from './log-writer.ts';
import { AlertOptionError, DEFAULT_BUDGET_MS, parseAlertOptions } from './options.ts';
import { pushEvent, type PushResult } from './push.ts';
import { describeUrl, postWebhook, readCaFile, readSecret, type WebhookResult } from './webhook.ts';

export interface AlertRunDeps {
  log?: Logger;
  hostname?: string;
  /** The whole run's time (default 10 s), counted from `startedAt`. */
  budgetMs?: number;
  /**
   * When the run began, in ms since the process started (`process.uptime()`; not `performance`,
   * whose first use loads a module): 0 is the process start (the
   * executable), so time spent starting Node under load counts too. Default: now.
   */
  startedAt?: number;
}

export type AlertRunOutcome = 'done' | 'rejected' | 'deadline';

export interface AlertRunReport {
  outcome: AlertRunOutcome;
  record: AlertEventRecord | null;
  logged: AppendResult | null;
  pushed: PushResult[];
  webhook: WebhookResult | null;
  errors: string[];
}

/** The least time the event log write gets, however late the run started. */
export const MIN_WRITE_MS = 2000;

export function agentLogger(): Logger {
  return createLogger({ name: 'ocfkit-alert', sink: stderrSink, syslog: syslogWriter('ocfkit-alert') });
}

export { haclusterOwner };

/** Which CRM_alert_* variables are present: none means the agent was not run by Pacemaker. */
function hasAlertVariables(env: Readonly<Record<string, string | undefined>>): boolean {
  for (const key of Object.keys(env)) if (key.startsWith('CRM_alert_')) return true;
  return false;
}

export async function runAlert(env: Readonly<Record<string, string | undefined>>, deps: AlertRunDeps = {}): Promise<AlertRunReport> {
  const budget = deps.budgetMs ?? DEFAULT_BUDGET_MS;
  // on the wall clock, for the webhook's deadline
  const sinceStart = process.uptime() * 1000;
  const started = Date.now() - (sinceStart - (deps.startedAt ?? sinceStart));
  const log = deps.log ?? agentLogger();
  const report: AlertRunReport = { outcome: 'rejected', record: null, logged: null, pushed: [], webhook: null, errors: [] };
  const fail = (message: string): void => {
    report.errors.push(message);
    log.error(message);
  };

  if (!hasAlertVariables(env)) {
    fail('no CRM_alert_* variables: not run by Pacemaker as an alert agent (nothing written)');
    return report;
  }
  let alert;
  let options;
  try {
    alert = parseAlertEnv(env);
    options = parseAlertOptions(env);
  } catch (error) {
    if (error instanceof AlertEnvError || error instanceof AlertOptionError) {
      const where = error instanceof AlertEnvError ? 'alert ignored' : 'alert not configured right';
      fail(`${where}: ${error.message} (nothing written)`);
      return report;
    }
    fail(`alert ignored: ${(error as Error)?.message ?? String(error)} (nothing written)`);
    return report;
  }
  const record = toRecord(alert, deps.hostname ?? osHostname());
  report.record = record;
  const line = recordLine(record);
  const ev = log.child({ id: record.id, kind: record.kind });

  const logTask = appendLine(options.log, line, { maxBytes: options.maxBytes, keep: options.keep, ownerWhenRoot: haclusterOwner }).then(
    (r) => {
      report.logged = r;
      if (r.rotateError) ev.warn(`event log not rotated (appended all the same): ${r.rotateError}`, { log: options.log });
      if (r.repaired) ev.warn('event log did not end with a newline (an earlier short write); started a new line', { log: options.log });
    },
    (error: Error) => fail(`event ${record.id} not written to the event log: ${error.message}`),
  );
  const pushTask = pushEvent(options.socket, line).then((results) => {
    report.pushed = results;
    const skipped = results.filter((r) => r.outcome === 'error' && r.detail?.endsWith('skipped'));
    for (const r of results) if ((r.outcome === 'timeout' || r.outcome === 'error') && !skipped.includes(r)) ev.warn(`subscriber did not take the event: ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`, { socket: r.path });
    // one line for all skipped sockets, not one each (anyone in haclient can make thousands)
    if (skipped.length > 0) ev.warn(`${skipped.length} subscriber socket(s) skipped: ${skipped[0]!.detail}`, { socket: skipped[0]!.path });
  });
  const webhook = options.webhook;
  const webhookTask = webhook
    ? (async () => {
        const where = describeUrl(webhook.url);
        try {
          const secret = await readSecret(webhook.secretFile);
          const ca = webhook.caFile ? await readCaFile(webhook.caFile) : undefined;
          const result = await postWebhook(line.slice(0, -1), {
            url: webhook.url,
            secret,
            ca,
            deadline: started + budget - 250,
            headers: { 'x-ocfkit-event-id': record.id },
          });
          report.webhook = result;
          if (!result.ok) {
            const tries = result.attempts.map((a) => (a.status !== null ? `HTTP ${a.status}` : preview(a.error ?? '?').slice(1, -1))).join(', ');
            fail(`event ${record.id} not delivered to webhook ${where} after ${result.attempts.length} attempt(s): ${tries || 'no time left'}`);
          }
        } catch (error) {
          fail(`event ${record.id} not delivered to webhook ${where}: ${(error as Error).message}`);
        }
      })()
    : Promise.resolve();

  // The budget, but never less than 2 s from here: a run that Node took long to start under a
  // burst of alerts still gets its line written (Pacemaker's own timeout is 30 s by default).
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), Math.max(MIN_WRITE_MS, started + budget - Date.now()));
  });
  const pending = new Set(['log', 'push', ...(webhook ? ['webhook'] : [])]);
  const track = (name: string, p: Promise<unknown>): Promise<void> => p.then(() => void pending.delete(name));
  const all = Promise.all([track('log', logTask), track('push', pushTask), track('webhook', webhookTask)]).then(() => 'done' as const);
  const outcome = await Promise.race([all, deadline]);
  clearTimeout(timer);
  if (outcome === 'deadline') {
    fail(`event ${record.id}: gave up after ${budget} ms with ${[...pending].join(', ')} unfinished (the event log keeps no half line)`);
    report.outcome = 'deadline';
    return report;
  }
  report.outcome = 'done';
  return report;
}
