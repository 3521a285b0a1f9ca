/**
 * `ocfkit-alert`: the Pacemaker alert agent (not an OCF agent). Pacemaker runs it as hacluster
 * once per event and recipient, with `CRM_alert_*` variables and the alert's instance
 * attributes as environment; it writes the event to the event log, the local subscribers and
 * the optional webhook (lib/alert/agent.ts). It always exits 0: an alert agent's status
 * changes nothing in Pacemaker but a log line, and this one logs its own.
 */
import { runAlert } from '../lib/alert/agent.ts';

export function main(_argv: readonly string[]): void {
  runAlert(process.env, { startedAt: 0 /* process start */ })
    .catch(() => undefined)
    .finally(() => process.exit(0));
}
