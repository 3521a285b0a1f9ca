/**
 * One vocabulary, applied once at the boundary: agents, operation keys, promotion scores. The
 * value spellings (roles, booleans, integers, durations, scores) are Pacemaker's, shared with
 * the agents: lib/pacemaker/values.ts.
 */
import { parseBoolean, parseDuration as readDuration } from '../pacemaker/values.ts';

export { INFINITY_SCORE, normalizeRole, parseBoolean, parseInteger, parseScore, type Role } from '../pacemaker/values.ts';

/** Decimal digits (a fraction allowed), a unit of letters, or an ISO 8601 duration: nothing JavaScript's Number() reads besides. */
const DURATION_TEXT = /^\s*(?:\d+(?:\.\d+)?\s*[a-z]*|P[\dDTHMS.]+)\s*$/i;

/**
 * A Pacemaker duration in milliseconds (lib/pacemaker/values.ts), as the cluster state holds it:
 * null unless the text is a decimal duration (Pacemaker reads no hex, exponent or `Infinity`)
 * whose milliseconds are a safe integer. `1e308`, `0x10` or 400 nines are unreadable (null),
 * never Infinity, 1e+23 or 16000.
 */
export function parseDuration(value: string | undefined | null, bareUnit: 'ms' | 's' = 's'): number | null {
  if (value === undefined || value === null) return null;
  // The common case (the status section's `0`, `12`, `60000`): whole numbers, read here directly.
  if (value.length > 0 && value.length <= 12 && /^\d+$/.test(value)) return Number(value) * (bareUnit === 'ms' ? 1 : 1000);
  if (!DURATION_TEXT.test(value)) return null;
  const ms = readDuration(value, bareUnit);
  return ms !== null && Number.isSafeInteger(ms) ? ms : null;
}

/** `ocf::heartbeat:IPaddr2` → `ocf:heartbeat:IPaddr2`; other agents unchanged. */
export function normalizeAgent(value: string): string {
  return value.replace(/^([^:]+)::/, '$1:');
}

export function agentOf(cls: string | undefined, provider: string | undefined, type: string | undefined): string {
  return [cls, provider, type].filter((p) => p !== undefined && p !== '').join(':');
}

export function bool(value: string | undefined | null, fallback = false): boolean {
  return parseBoolean(value) ?? fallback;
}

/** The node-attribute name of a promotion score and the resource it belongs to. */
export function promotionScoreResource(attribute: string): string | null {
  return attribute.startsWith('master-') && attribute.length > 7 ? attribute.slice(7) : null;
}

/**
 * The resource of an operation key `<rsc>_<task>_<interval>` (a clone instance suffix `:N`
 * is kept). With the task known, `migrate_to` and friends split correctly.
 */
export function resourceOfOpKey(opKey: string, task?: string): string {
  if (task) {
    const m = new RegExp(`^(.*)_${task.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_\\d+$`).exec(opKey);
    if (m) return m[1]!;
  }
  const m = /^(.*?)_(?:migrate_to|migrate_from|[^_]+)_\d+$/.exec(opKey);
  return m ? m[1]! : opKey;
}

/** Split an operation key `<rsc>_<task>_<interval>` (no task known). */
export function splitOpKey(opKey: string): { resource: string; task: string | null; intervalMs: number | null } {
  const m = /^(.*?)_(migrate_to|migrate_from|[^_]+)_(\d+)$/.exec(opKey);
  if (!m) return { resource: opKey, task: null, intervalMs: null };
  return { resource: m[1]!, task: m[2]!, intervalMs: Number(m[3]) };
}
