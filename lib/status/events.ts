/**
 * The event log as `ocfkit status` reads it (contracts 1 and 2): the alert agent's JSONL lines,
 * newest file last (`events.jsonl.N` … `.1`, `events.jsonl`), de-duplicated by id, oldest first.
 *
 * Which lines are records, and why a line is not one, is decided by the contract owner's parser
 * (lib/alert/event.ts `checkEventLine`), and how the log's tail is read by its reader
 * (lib/alert/reader.ts `readLogTail`): status reads only the TAIL, at most `maxBytes` (default
 * 1 MiB, about 3,000 events, several failovers) from the end of the current file and, as the
 * budget allows, of `.1`, `.2` … A status needs the last failover, not the year's.
 *
 * Parsing is pure (`parseEventLine`, `eventsFromChunks`); `readEventTail` is the only I/O.
 */
import { checkEventLine, timeMicros, type EventKind } from '../alert/event.ts';
import { chunkLines, readLogTail } from '../alert/reader.ts';

export const DEFAULT_EVENT_LOG = '/var/lib/ocfkit/events.jsonl';
export const DEFAULT_TAIL_BYTES = 1 << 20;

export type { EventKind };

/** Contract 1's record, flattened (the fields status uses), with the time as epoch ms. */
export interface EventRecord {
  v: 1;
  id: string;
  time: string;
  /** `time` as epoch ms (µs kept in `time`). */
  timeMs: number;
  kind: EventKind;
  node: string;
  seenBy: string | null;
  resource?: string;
  task?: string;
  interval?: number;
  rc?: number;
  targetRc?: number;
  status?: number;
  desc?: string;
  fenceTarget?: string;
  attribute?: string;
  value?: string | null;
}

/** One line → a record (contract 1, lib/alert's parser), or a short reason why it is not one. Pure. */
export function parseEventLine(line: string): EventRecord | { error: string } {
  const checked = checkEventLine(line);
  if (!checked.ok) return { error: checked.reason };
  const rec = checked.record;
  const out: EventRecord = { v: 1, id: rec.id, time: rec.time, timeMs: timeMicros(rec) / 1000, kind: rec.kind, node: rec.node, seenBy: rec.seenBy };
  switch (rec.kind) {
    case 'resource':
      Object.assign(out, { resource: rec.resource, task: rec.task, interval: rec.interval, rc: rec.rc, targetRc: rec.targetRc, status: rec.status, desc: rec.desc });
      break;
    case 'node':
      out.desc = rec.desc;
      break;
    case 'fencing':
      Object.assign(out, { fenceTarget: rec.fenceTarget, task: rec.task, rc: rec.rc, desc: rec.desc });
      break;
    case 'attribute':
      Object.assign(out, { attribute: rec.attribute, value: rec.value });
      break;
  }
  return out;
}

export interface EventsRead {
  events: EventRecord[];
  /** Lines that were not event records (a torn last line is not counted). */
  skipped: number;
  /** The first skipped line's reason and where it was (file and byte offset). */
  firstSkip: string | null;
  /** Bytes read in all. */
  bytes: number;
  /** True when older lines exist than those read. */
  truncated: boolean;
}

/**
 * Records from text chunks, oldest chunk first. `partialStart`: the chunk's first line may be
 * the end of a line cut by the tail read (dropped). A last line without "\n" is a write in
 * progress or torn (dropped, contract 2). De-duplicated by id (first copy kept), sorted by time.
 */
export function eventsFromChunks(chunks: { text: string; partialStart: boolean; name: string; offset: number }[]): Omit<EventsRead, 'bytes' | 'truncated'> {
  const seen = new Set<string>();
  const events: EventRecord[] = [];
  let skipped = 0;
  let firstSkip: string | null = null;
  for (const c of chunks) {
    for (const { line, at } of chunkLines(c.text, c.partialStart)) {
      const r = parseEventLine(line);
      if ('error' in r) {
        skipped++;
        firstSkip ??= `${c.name} at byte ${c.offset + Buffer.byteLength(c.text.slice(0, at))}: ${r.error}`;
        continue;
      }
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      events.push(r);
    }
  }
  events.sort((a, b) => a.timeMs - b.timeMs);
  return { events, skipped, firstSkip };
}

/**
 * The newest events of the log: at most `maxBytes` from its end, the current file's tail and,
 * when it is shorter than the budget, of `.1`, `.2` … (lib/alert/reader.ts `readLogTail`).
 * Throws for I/O errors other than "not there" and when the current file is not a regular file
 * (the caller turns them into one line; a FIFO or directory at a rotated name is passed over);
 * no log at all gives `null`.
 */
export function readEventTail(path: string = DEFAULT_EVENT_LOG, maxBytes: number = DEFAULT_TAIL_BYTES): EventsRead | null {
  const tail = readLogTail(path, maxBytes);
  if (tail.notRegular.includes(path)) throw Object.assign(new Error(`${path}: not a regular file`), { code: 'EISDIR' });
  if (tail.chunks.length === 0) return null;
  const chunks = tail.chunks.map((c) => ({ text: c.data.toString('utf8'), partialStart: c.cutStart, name: c.file, offset: c.offset }));
  return { ...eventsFromChunks(chunks), bytes: tail.bytes, truncated: tail.truncated };
}
