/**
 * One vocabulary, applied once at the boundary: roles, agents, booleans, durations, scores.
 */

/** Roles as Pacemaker 2.1 names them. `Unknown` is what an unrecognised spelling becomes. */
export type Role = 'Started' | 'Stopped' | 'Promoted' | 'Unpromoted' | 'Unknown';

const ROLES: Record<string, Role> = Object.assign(Object.create(null), {
  started: 'Started',
  stopped: 'Stopped',
  promoted: 'Promoted',
  unpromoted: 'Unpromoted',
  master: 'Promoted',
  slave: 'Unpromoted',
  unknown: 'Unknown',
});

/** Case-insensitive; Master/Slave accepted. Returns null for an unrecognised spelling. */
export function normalizeRole(value: string | undefined | null): Role | null {
  if (value === undefined || value === null) return null;
  return ROLES[value.trim().toLowerCase()] ?? null;
}

/** `ocf::heartbeat:IPaddr2` → `ocf:heartbeat:IPaddr2`; other agents unchanged. */
export function normalizeAgent(value: string): string {
  return value.replace(/^([^:]+)::/, '$1:');
}

export function agentOf(cls: string | undefined, provider: string | undefined, type: string | undefined): string {
  return [cls, provider, type].filter((p) => p !== undefined && p !== '').join(':');
}

const TRUE = new Set(['true', 'on', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'off', 'no', 'n', '0']);

/** Pacemaker's boolean spellings; null when absent or unrecognised. */
export function parseBool(value: string | undefined | null): boolean | null {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === undefined || value === null) return null;
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return null;
}

export function bool(value: string | undefined | null, fallback = false): boolean {
  return parseBool(value) ?? fallback;
}

const UNITS: Record<string, number> = Object.assign(Object.create(null), {
  '': 1000, s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  ms: 1, msec: 1, msecs: 1,
  us: 0.001, usec: 0.001, usecs: 0.001,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
});

/**
 * A Pacemaker duration to milliseconds: `10s`, `1min`, `500ms`, a bare number (seconds, as the
 * CIB means it), an ISO 8601 `PT1M30S`. `bareUnit` overrides the unit of a bare number (crm_mon's
 * and the status section's numbers are already ms). Null when absent or unreadable.
 */
export function parseDuration(value: string | undefined | null, bareUnit: 'ms' | 's' = 's'): number | null {
  if (value === undefined || value === null) return null;
  if (value.endsWith('ms')) {
    const n = Number(value.slice(0, -2));
    if (value.length > 2 && Number.isFinite(n) && n >= 0) return Math.round(n);
  } else if (value !== '' && Number.isFinite(Number(value)) && Number(value) >= 0) {
    return Math.round(Number(value) * (bareUnit === 'ms' ? 1 : 1000));
  }
  const v = value.trim();
  if (v === '') return null;
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(v);
  if (iso && v.length > 1) {
    const [, d, h, m, s] = iso;
    return Math.round(((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Number(s ?? 0) * 1000);
  }
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(v);
  if (!match) return null;
  const unit = match[2]!.toLowerCase();
  const factor = unit === '' ? (bareUnit === 'ms' ? 1 : 1000) : UNITS[unit];
  if (factor === undefined) return null;
  return Math.round(Number(match[1]) * factor);
}

export const INFINITY_SCORE = 1_000_000;

/** A Pacemaker score: INFINITY/+INFINITY/-INFINITY or an integer, clamped to ±1000000. */
export function parseScore(value: string | undefined | null): number | null {
  if (value === undefined || value === null) return null;
  const v = value.trim().toUpperCase();
  if (v === 'INFINITY' || v === '+INFINITY') return INFINITY_SCORE;
  if (v === '-INFINITY') return -INFINITY_SCORE;
  if (!/^[+-]?\d+$/.test(v)) return null;
  return Math.max(-INFINITY_SCORE, Math.min(INFINITY_SCORE, Number(v)));
}

/** An integer attribute, or null. */
export function parseIntOrNull(value: string | undefined | null): number | null {
  if (value === undefined || value === null || !/^\s*-?\d+\s*$/.test(value)) return null;
  return Number(value);
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
