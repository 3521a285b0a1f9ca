/**
 * Reading the event log (contracts-s16 §2): the rotated files oldest first (`.N` … `.1`), then
 * the current one; a line that is not a record (a truncated last line, the rest of a short write)
 * is skipped, never an error; de-duplicated by id (the first copy kept); oldest first by
 * Pacemaker's timestamp.
 *
 * The log's tail (`readLogTail`) is the one way to read it, whole or within a byte budget: the
 * newest N bytes, from the current file backward through `.1`, `.2` … `ocfkit events` reads it
 * whole unless told (`--max-bytes`), `ocfkit status` (lib/status/events.ts) and the install
 * check read a budget.
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync, constants, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEventLine, timeMicros, type AlertEventRecord } from './event.ts';
import { DEFAULT_LOG } from './options.ts';

export interface ReadOptions {
  path?: string;
  /** Only events at or after this time. */
  since?: Date;
  /**
   * Read at most this many bytes from the log's end (a whole number ≥ 1; `readLogTail`).
   * Absent: the whole log, every rotated file.
   */
  maxBytes?: number;
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

/**
 * Open a log file for reading: O_NONBLOCK + fstat, so a FIFO planted at the path is not waited
 * on. 'absent' for ENOENT (not there, or rotated away meanwhile); other errors are thrown.
 */
function openRegular(file: string): { fd: number; st: Stats } | 'absent' | 'not-regular' {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  try {
    const st = fstatSync(fd);
    if (st.isFile()) return { fd, st };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  closeSync(fd);
  return 'not-regular';
}

/** `length` bytes of `fd` from `offset`, fewer when the file is shorter by now. */
function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, offset + got);
    if (n <= 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** One file's whole content (its size when opened); null when it is not there or not a regular file. */
function readFileWhole(file: string): Buffer | null {
  const o = openRegular(file);
  if (typeof o === 'string') return null;
  try {
    return readAt(o.fd, 0, o.st.size);
  } finally {
    closeSync(o.fd);
  }
}

/** Bytes read from one of the log's files. */
export interface LogChunk {
  /** The file's name when it was opened. */
  file: string;
  /** Where `data` starts in the file. */
  offset: number;
  data: Buffer;
  /** `data` begins inside a line (the byte before it is not "\n"): its first line is the end of a cut one. */
  cutStart: boolean;
}

export interface LogTail {
  /** Oldest first. Every regular file read has a chunk, an empty one included. */
  chunks: LogChunk[];
  /** Bytes in the chunks: at most the budget. */
  bytes: number;
  /** Older bytes exist than those read (the budget ran out). */
  truncated: boolean;
  /** Names of the log's files that are not regular files (a FIFO, a directory): not read. */
  notRegular: string[];
}

/** A byte budget is a whole number ≥ 1, or Infinity (everything). */
export function checkByteBudget(maxBytes: number): number {
  if (maxBytes === Infinity || (Number.isSafeInteger(maxBytes) && maxBytes >= 1)) return maxBytes;
  throw new RangeError(`a byte budget must be a whole number of bytes ≥ 1, got ${String(maxBytes)}`);
}

/**
 * At most `maxBytes` (default: all) from the end of the log: the current file, then `.1`, `.2` …
 * backward while the budget lasts, returned oldest first. Each file is opened once (O_NONBLOCK,
 * fstat: a FIFO or directory is listed in `notRegular`, never waited on or read); one not there
 * (rotated away since the directory was listed) is skipped, and so is a name whose file was
 * already read under another name (a rotation between two opens). A file's bytes are those it
 * had when opened. Past the budget's start one more byte is read, only to tell whether the
 * window starts at a line's start (`cutStart`); a cut window never starts inside a UTF-8
 * character (up to 3 bytes fewer). Errors other than ENOENT are thrown.
 */
export function readLogTail(path: string, maxBytes: number = Infinity): LogTail {
  let left = checkByteBudget(maxBytes);
  const chunks: LogChunk[] = [];
  const notRegular: string[] = [];
  const read = new Set<string>();
  let bytes = 0;
  let truncated = false;
  for (const file of logFiles(path).reverse()) {
    if (left === 0 && truncated) break;
    const o = openRegular(file);
    if (o === 'absent') continue;
    if (o === 'not-regular') {
      notRegular.push(file);
      continue;
    }
    try {
      const key = `${o.st.dev}:${o.st.ino}`;
      if (read.has(key)) continue;
      read.add(key);
      if (left === 0) {
        // the budget is spent: only whether anything older exists
        truncated = o.st.size > 0;
        continue;
      }
      const take = Math.min(o.st.size, left);
      let offset = o.st.size - take;
      let data = readAt(o.fd, offset, take);
      const cutStart = offset > 0 && readAt(o.fd, offset - 1, 1)[0] !== 0x0a;
      // never begin inside a UTF-8 character: the offsets of the lines after it stay exact
      let inChar = 0;
      while (cutStart && inChar < data.length && (data[inChar]! & 0xc0) === 0x80) inChar++;
      offset += inChar;
      data = data.subarray(inChar);
      chunks.unshift({ file, offset, data, cutStart });
      bytes += data.length;
      left -= take;
      if (offset > 0) truncated = true;
    } finally {
      closeSync(o.fd);
    }
  }
  return { chunks, bytes, truncated, notRegular };
}

/**
 * The lines of a chunk's text that can be records, with where each starts (a character index):
 * the first is dropped when `cutStart` (the end of a line cut by a tail read), the last when it
 * has no "\n" (a write in progress, or torn: contract 2), blank lines are left out, a "\r"
 * before the "\n" is removed.
 */
export function* chunkLines(text: string, cutStart: boolean): Generator<{ line: string; at: number }> {
  let pos = 0;
  if (cutStart) {
    const nl = text.indexOf('\n');
    pos = nl < 0 ? text.length : nl + 1;
  }
  for (;;) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) return;
    const line = text.slice(pos, text[nl - 1] === '\r' && nl > pos ? nl - 1 : nl);
    const at = pos;
    pos = nl + 1;
    if (line.trim() !== '') yield { line, at };
  }
}

function orderKey(e: AlertEventRecord): number {
  return timeMicros(e);
}

/**
 * The log's events (all of it, or the last `maxBytes` bytes of it), oldest first, de-duplicated
 * by id. `truncated`: older bytes exist than those read (only with `maxBytes`).
 */
export function readEventsWithStats(options: ReadOptions = {}): { events: AlertEventRecord[]; stats: ReadStats; truncated: boolean } {
  const path = options.path ?? DEFAULT_LOG;
  const since = options.since ? options.since.getTime() * 1000 : null;
  const seen = new Set<string>();
  const events: AlertEventRecord[] = [];
  const stats: ReadStats = { lines: 0, skipped: 0, duplicates: 0 };
  const tail = readLogTail(path, options.maxBytes ?? Infinity);
  // each file's bytes are let go once its lines are read
  for (let chunk = tail.chunks.shift(); chunk; chunk = tail.chunks.shift()) {
    for (const { line } of chunkLines(chunk.data.toString('utf8'), chunk.cutStart)) {
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
  return { events, stats, truncated: tail.truncated };
}

/** The log's events (all, or those in its last `maxBytes`), oldest first, de-duplicated by id. */
export function readEvents(options: ReadOptions = {}): AlertEventRecord[] {
  return readEventsWithStats(options).events;
}

/** What `followEvents` reads first when it is not to print the history: enough to know the recent ids. */
export const FOLLOW_SEED_BYTES = 1 << 20;

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
 *
 * The first read: with `maxBytes`, that tail of the log; without it, the whole log when
 * `fromStart` (the history `ocfkit events -f` prints is the one `ocfkit events` prints, and
 * `since` may reach back anywhere), else only the last FOLLOW_SEED_BYTES, whose ids are
 * remembered so that a copy of one of them appended later (another recipient's line) is not
 * printed. Either way the lines appended after the follow position was taken are read again
 * from there and de-duplicated, so the budget loses none of them.
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
  /** A line's record when it is one, not seen before and not older than `since`; else null. */
  const fresh = (line: string): AlertEventRecord | null => {
    const e = parseEventLine(line);
    return e && remember(e.id) && (since === null || orderKey(e) >= since) ? e : null;
  };
  let fd: number | null = null;
  let ino = -1;
  let pending = '';
  // bytes, not chunks, make characters: one split across two reads is decoded whole
  let decoder = new StringDecoder('utf8');
  let position = 0;
  const open = (atEnd: boolean): void => {
    fd = null;
    try {
      const o = openRegular(path);
      if (typeof o === 'string') return;
      fd = o.fd;
      const st = o.st;
      ino = st.ino;
      pending = '';
      decoder = new StringDecoder('utf8');
      if (atEnd) position = st.size;
      else position = 0;
    } catch {
      // not readable (yet): looked at again on the next round
    }
  };
  // Open first, then read what is there: a line appended in between is read by both, and
  // de-duplicated, rather than by neither.
  open(true);
  // a line still being written when we read the whole file: start after the last newline
  if (fd !== null && position > 0) {
    const back = Math.min(position, 64 * 1024);
    const lastNl = readAt(fd, position - back, back).lastIndexOf(0x0a);
    position = lastNl >= 0 ? position - back + lastNl + 1 : position - back;
  }
  const initial = readEventsWithStats({ path, maxBytes: options.maxBytes ?? (options.fromStart === false ? FOLLOW_SEED_BYTES : undefined) });
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
        const e = fresh(line);
        if (e) out.push(e);
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
          let data: Buffer | null;
          try {
            data = readFileWhole(file);
          } catch {
            continue;
          }
          if (!data) continue; // rotated away meanwhile
          for (const { line } of chunkLines(data.toString('utf8'), false)) {
            const e = fresh(line);
            if (e) yield e;
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
