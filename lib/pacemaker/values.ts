/**
 * Pacemaker's spellings of values, read the same way everywhere in ocfkit (agent parameters,
 * CRM meta attributes, the services spec, crm_mon, the CIB, pcs text): roles, booleans,
 * integers, durations and scores. Each reader returns null for absent or unreadable text.
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

const TRUE = new Set(['true', 'on', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'off', 'no', 'n', '0']);

/** Pacemaker's boolean spellings; null when absent or unrecognised. */
export function parseBoolean(value: string | undefined | null): boolean | null {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === undefined || value === null) return null;
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return null;
}

/** A whole number, as crm_mon, the CIB and OCF_RESKEY_* write it; null unless it is one (and safe). */
export function parseInteger(value: string | undefined | null): number | null {
  if (value === undefined || value === null) return null;
  const v = value.trim();
  if (!/^[+-]?\d+$/.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
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

