/**
 * Reading the event log (contracts-s16 §2): the rotated files oldest first (`.N` … `.1`), then
 * the current one; a line that is not a record (a truncated last line, the rest of a short write)
 * is skipped, never an error; de-duplicated by id (the first copy kept); oldest first by
 * Pacemaker's timestamp.
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEventLine, timeMicros, type AlertEventRecord } from './event.ts';
import { DEFAULT_LOG } from './options.ts';

export interface ReadOptions {
  path?: string;
  /** Only events at or after this time. */
  since?: Date;
}

export interface ReadStats {
  lines: number;
  skipped: number;
  duplicates: number;
}

/** The log's files in the order they were written: `.N` … `.1`, then the current one. */
export function logFiles(path: string): string[] {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const rotated = names
    .filter((n) => n.startsWith(`${base}.`) && /^[1-9]\d{0,2}$/.test(n.slice(base.length + 1)))
    .map((n) => [Number(n.slice(base.length + 1)), join(dir, n)] as const)
    .sort((a, b) => b[0] - a[0])
    .map(([, f]) => f);
  return names.includes(base) ? [...rotated, path] : rotated;
}

function readWhole(file: string): Buffer {
  // O_NONBLOCK + fstat: a FIFO planted at the path is not waited on
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/** Complete lines of a file's text: the last piece without "\n" is a line still being written, or cut. */
export function completeLines(text: string): string[] {
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

function orderKey(e: AlertEventRecord): number {
  return timeMicros(e);
}

export function readEventsWithStats(options: ReadOptions = {}): { events: AlertEventRecord[]; stats: ReadStats } {
  const path = options.path ?? DEFAULT_LOG;
  const since = options.since ? options.since.getTime() * 1000 : null;
  const seen = new Set<string>();
  const events: AlertEventRecord[] = [];
  const stats: ReadStats = { lines: 0, skipped: 0, duplicates: 0 };
  for (const file of logFiles(path)) {
    let text: string;
    try {
      text = readWhole(file).toString('utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // rotated away meanwhile
      throw error;
    }
    for (const line of completeLines(text)) {
      if (line === '') continue;
      stats.lines++;
      const e = parseEventLine(line);
      if (!e) {
        stats.skipped++;
        continue;
      }
      if (seen.has(e.id)) {
        stats.duplicates++;
        continue;
      }
      seen.add(e.id);
      if (since !== null && orderKey(e) < since) continue;
      events.push(e);
    }
  }
  // stable: events with the same timestamp keep the order they were written in
  events.sort((a, b) => orderKey(a) - orderKey(b));
  return { events, stats };
}

/** Every event in the log, oldest first, de-duplicated by id. */
export function readEvents(options: ReadOptions = {}): AlertEventRecord[] {
  return readEventsWithStats(options).events;
}

export interface FollowOptions extends ReadOptions {
  signal?: AbortSignal;
  /** How often the file is checked for new lines and rotation (default 200 ms). */
  intervalMs?: number;
  /** Start with the events already in the log (default true). */
  fromStart?: boolean;
}

/**
 * The events in the log, then each new one as it is appended, until `signal` aborts. Follows
 * the file across rotation (the rest of the renamed file is read before the new one), waits
 * for a line still being written, and skips lines that are not records. De-duplicated by id.
 */
export async function* followEvents(options: FollowOptions = {}): AsyncGenerator<AlertEventRecord> {
  const path = options.path ?? DEFAULT_LOG;
  const interval = options.intervalMs ?? 200;
  const since = options.since ? options.since.getTime() * 1000 : null;
  const seen = new Set<string>();
  const remember = (id: string): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > 100_000) seen.delete(seen.values().next().value!);
    return true;
  };
  let fd: number | null = null;
  let ino = -1;
  let pending = '';
  // bytes, not chunks, make characters: one split across two reads is decoded whole
  let decoder = new StringDecoder('utf8');
  let position = 0;
  const open = (atEnd: boolean): void => {
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
      const st = fstatSync(fd);
      if (!st.isFile()) {
        closeSync(fd);
        fd = null;
        return;
      }
      ino = st.ino;
      pending = '';
      decoder = new StringDecoder('utf8');
      if (atEnd) position = st.size;
      else position = 0;
    } catch {
      fd = null;
    }
  };
  // Open first, then read what is there: a line appended in between is read by both, and
  // de-duplicated, rather than by neither.
  open(true);
  // a line still being written when we read the whole file: start after the last newline
  if (fd !== null && position > 0) {
    const buf = Buffer.alloc(Math.min(position, 64 * 1024));
    const n = readSync(fd, buf, 0, buf.length, position - buf.length);
    const lastNl = buf.subarray(0, n).lastIndexOf(0x0a);
    position = lastNl >= 0 ? position - buf.length + lastNl + 1 : position - buf.length;
  }
  const initial = readEventsWithStats({ path });
  for (const e of initial.events) remember(e.id);
  if (options.fromStart !== false) {
    for (const e of initial.events) if (since === null || orderKey(e) >= since) yield e;
  }
  const buf = Buffer.alloc(1 << 16);
  const drain = (): AlertEventRecord[] => {
    const out: AlertEventRecord[] = [];
    if (fd === null) return out;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, position);
      if (n <= 0) break;
      position += n;
      pending += decoder.write(buf.subarray(0, n));
      const lines = pending.split('\n');
      pending = lines.pop()!;
      if (pending.length > 64 * 1024) pending = ''; // an endless line is no record
      for (const line of lines) {
        const e = parseEventLine(line);
        if (e && remember(e.id) && (since === null || orderKey(e) >= since)) out.push(e);
      }
    }
    return out;
  };
  try {
    while (!options.signal?.aborted) {
      for (const e of drain()) yield e;
      let current = -1;
      try {
        current = statSync(path).ino;
      } catch {
        // rotated and not yet recreated
      }
      if (current !== -1 && current !== ino) {
        // rotated: finish the old file, then the new one from its start
        for (const e of drain()) yield e;
        // rotated more than once since the last look: the files written between the old one and
        // the new one (rotated ones newer than the old file; all of them when it is gone)
        const between: string[] = [];
        for (const file of logFiles(path).filter((f) => f !== path).reverse()) {
          let st;
          try {
            st = statSync(file);
          } catch {
            continue;
          }
          if (st.ino === ino) break;
          between.unshift(file);
        }
        for (const file of between) {
          let text: string;
          try {
            text = readWhole(file).toString('utf8');
          } catch {
            continue; // rotated away meanwhile
          }
          for (const line of completeLines(text)) {
            const e = parseEventLine(line);
            if (e && remember(e.id) && (since === null || orderKey(e) >= since)) yield e;
          }
        }
        if (fd !== null) closeSync(fd);
        open(false);
        continue;
      }
      if (fd === null && current !== -1) {
        open(false);
        continue;
      }
      await sleep(interval, undefined, { signal: options.signal }).catch(() => undefined);
    }
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
