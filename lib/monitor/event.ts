/**
 * One pushed alert event (contract 1 of this session: the record the alert agent writes to its
 * log and to every subscriber socket). Which lines are records is decided by the contract
 * owner's parser (lib/alert/event.ts `checkEventLine`); this adapter keeps what the monitor
 * decides on, with the time parsed (pure).
 */
import { checkEventLine, parseTime, type AlertEventBase, type ResourceEventRecord } from '../alert/event.ts';

export interface PushedEvent extends Pick<AlertEventBase, 'v' | 'id' | 'time' | 'kind' | 'node'>, Partial<Pick<ResourceEventRecord, 'resource' | 'task' | 'interval' | 'rc' | 'targetRc' | 'desc'>> {
  /** `time` in ms since the epoch (fractional). */
  at: number;
  seenBy: string | null;
  /** The whole record as received (for the 'event' listeners). */
  record: Record<string, unknown>;
}

export type ParsedEvent = { ok: true; event: PushedEvent } | { ok: false; reason: string };

/** One line (without its newline) → the event, or why not. */
export function parseEventLine(line: string): ParsedEvent {
  const checked = checkEventLine(line);
  if (!checked.ok) return checked;
  const r = checked.record;
  const event: PushedEvent = { v: 1, id: r.id, time: r.time, at: parseTime(r.time)!, kind: r.kind, node: r.node, seenBy: r.seenBy || null, record: r as unknown as Record<string, unknown> };
  if (r.kind === 'resource') Object.assign(event, { resource: r.resource, task: r.task, interval: r.interval, rc: r.rc, targetRc: r.targetRc });
  const desc = (r as { desc?: unknown }).desc;
  if (typeof desc === 'string') event.desc = desc.slice(0, 1000);
  return { ok: true, event };
}
