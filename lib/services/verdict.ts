/** From the health of every service to one monitor answer. Pure. */
import { OCF, type OcfCode } from '../ocf/codes.ts';
import type { Health } from './backend.ts';

export interface Verdict {
  code: OcfCode;
  reason?: string;
}

export function monitorVerdict(health: { name: string; health: Health }[]): Verdict {
  const failed = health.filter((h) => h.health.state === 'failed');
  const running = health.filter((h) => h.health.state === 'running');
  const stopped = health.filter((h) => h.health.state === 'stopped');
  if (failed.length > 0) {
    const first = failed[0]!;
    const more = failed.length > 1 ? ` (and ${failed.slice(1).map((f) => f.name).join(', ')})` : '';
    return { code: OCF.ERR_GENERIC, reason: `service ${first.name} failed: ${(first.health as { reason: string }).reason}${more}` };
  }
  if (running.length === health.length) return { code: OCF.SUCCESS };
  if (running.length === 0) return { code: OCF.NOT_RUNNING };
  return { code: OCF.ERR_GENERIC, reason: `service ${stopped.map((s) => s.name).join(', ')} not running while ${running.map((r) => r.name).join(', ')} run` };
}
