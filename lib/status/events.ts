/**
 * The event log as `ocfkit status` reads it (contracts 1 and 2): the alert agent's JSONL lines,
 * newest file last (`events.jsonl.N` … `.1`, `events.jsonl`), de-duplicated by id, oldest first.
 *
 * Which lines are records, and why a line is not one, is decided by the contract owner's parser
 * (lib/alert/event.ts `checkEventLine`). It does not use lib/alert's
 * `readEvents`, which reads every rotated file whole: status reads only the TAIL, at most
 * `maxBytes` (default 1 MiB, about 3,000 events, several failovers) from the end of the current
 * file and, when that is not enough, of `.1`. A status needs the last failover, not the year's.
 *
 * Parsing is pure (`parseEventLine`, `eventsFromChunks`); `readEventTail` is the only I/O.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { checkEventLine, timeMicros, type EventKind } from '../alert/event.ts';

/** Never block on a FIFO someone put at the path. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

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
    let pos = 0;
    if (c.partialStart) {
      const nl = c.text.indexOf('\n');
      pos = nl < 0 ? c.text.length : nl + 1;
    }
    while (pos < c.text.length) {
      const nl = c.text.indexOf('\n', pos);
      if (nl < 0) break; // torn / in-progress last line
      const line = c.text.slice(pos, nl).replace(/\r$/, '');
      const at = pos;
      pos = nl + 1;
      if (line.trim() === '') continue;
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

/** Read at most `budget` bytes from the end of `path`. ENOENT → null. */
function tail(path: string, budget: number): { text: string; partialStart: boolean; offset: number; size: number } | null {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`${path}: not a regular file`), { code: 'EISDIR' });
    const size = st.size;
    const offset = Math.max(0, size - budget);
    const buf = Buffer.alloc(size - offset);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return { text: buf.subarray(0, got).toString('utf8'), partialStart: offset > 0, offset, size };
  } finally {
    closeSync(fd);
  }
}

/**
 * The newest events of the log: the tail of `path`, and of `path.1` when the current file is
 * shorter than the budget. Throws only for I/O errors other than "not there" (the caller turns
 * them into one line); a missing current file gives `null`.
 */
export function readEventTail(path: string = DEFAULT_EVENT_LOG, maxBytes: number = DEFAULT_TAIL_BYTES): EventsRead | null {
  const cur = tail(path, maxBytes);
  const chunks: { text: string; partialStart: boolean; name: string; offset: number }[] = [];
  let bytes = 0;
  let truncated = false;
  let older = null as ReturnType<typeof tail>;
  if (!cur || cur.size < maxBytes) older = tail(`${path}.1`, maxBytes - (cur?.size ?? 0));
  if (!cur && !older) return null;
  if (older) {
    chunks.push({ text: older.text, partialStart: older.partialStart, name: `${path}.1`, offset: older.offset });
    bytes += Buffer.byteLength(older.text);
    truncated = older.partialStart;
  }
  if (cur) {
    chunks.push({ text: cur.text, partialStart: cur.partialStart, name: path, offset: cur.offset });
    bytes += Buffer.byteLength(cur.text);
    truncated ||= cur.partialStart;
  }
  return { ...eventsFromChunks(chunks), bytes, truncated };
}
