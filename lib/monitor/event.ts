/**
 * One pushed alert event (contract 1 of this session: the record the alert agent writes to its
 * log and to every subscriber socket). The monitor reads only what it decides on; unknown extra
 * fields are ignored, a line that is not such a record is refused with a reason (pure).
 */
export interface PushedEvent {
  v: 1;
  /** 16 hex digits derived from the event's content: the de-duplication key. */
  id: string;
  /** Pacemaker's timestamp, ISO 8601 UTC with µs. */
  time: string;
  /** `time` in ms since the epoch (fractional). */
  at: number;
  kind: 'node' | 'fencing' | 'resource' | 'attribute';
  node: string;
  seenBy: string | null;
  resource?: string;
  task?: string;
  interval?: number;
  rc?: number;
  targetRc?: number;
  desc?: string;
  /** The whole record as received (for the 'event' listeners). */
  record: Record<string, unknown>;
}

const KINDS = new Set(['node', 'fencing', 'resource', 'attribute']);
const MAX_NAME = 256;

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME;
const int = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export type ParsedEvent = { ok: true; event: PushedEvent } | { ok: false; reason: string };

/** One line (without its newline) → the event, or why not. */
export function parseEventLine(line: string): ParsedEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const r = value as Record<string, unknown>;
  if (r.v !== 1) return { ok: false, reason: `unsupported version ${JSON.stringify(r.v)?.slice(0, 20)}` };
  if (typeof r.id !== 'string' || !/^[0-9a-f]{16}$/.test(r.id)) return { ok: false, reason: 'id is not 16 hex digits' };
  if (typeof r.kind !== 'string' || !KINDS.has(r.kind)) return { ok: false, reason: 'unknown kind' };
  if (!str(r.node)) return { ok: false, reason: 'node missing' };
  if (typeof r.time !== 'string' || r.time.length > 40) return { ok: false, reason: 'time missing' };
  const at = parseTime(r.time);
  if (at === null) return { ok: false, reason: 'time is not an ISO 8601 UTC timestamp' };
  const event: PushedEvent = { v: 1, id: r.id, time: r.time, at, kind: r.kind as PushedEvent['kind'], node: r.node, seenBy: str(r.seenBy) ? r.seenBy : null, record: r };
  if (r.kind === 'resource') {
    if (!str(r.resource) || !str(r.task)) return { ok: false, reason: 'resource event without resource or task' };
    event.resource = r.resource;
    event.task = r.task;
    if (int(r.interval)) event.interval = r.interval;
    if (int(r.rc)) event.rc = r.rc;
    if (int(r.targetRc)) event.targetRc = r.targetRc;
  }
  if (typeof r.desc === 'string') event.desc = r.desc.slice(0, 1000);
  return { ok: true, event };
}

/** `2026-11-27T11:22:33.123456Z` → ms since the epoch, keeping the µs as a fraction. */
export function parseTime(text: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!m) return null;
  const whole = Date.parse(`${m[1]}Z`);
  if (!Number.isFinite(whole)) return null;
  return whole + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}
