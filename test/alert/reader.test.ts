import t from 'tap';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlertEnv } from '../../lib/alert/env.ts';
import { recordLine, toRecord, type AlertEventRecord } from '../../lib/alert/event.ts';
import { followEvents, logFiles, readEvents, readEventsWithStats, readLogTail } from '../../lib/alert/reader.ts';
import { scratch } from '../helpers/agent.ts';
import { fixtureEnv } from './helpers.ts';

const rec = (scenario: string, seenBy = 'node1', over: Record<string, string> = {}) => toRecord(parseAlertEnv({ ...fixtureEnv(scenario), ...over }), seenBy);
const at = (usec: number) => rec('resource-monitor-ok', 'node1', { CRM_alert_timestamp_usec: String(usec) });

function dir(name: string): string {
  const d = join(scratch(name), 'ocfkit');
  mkdirSync(d);
  chmodSync(d, 0o750);
  return d;
}

t.test('rotated files first, oldest first, duplicates and junk skipped, a cut last line ignored', async (t) => {
  const d = dir('rread');
  const path = join(d, 'events.jsonl');
  writeFileSync(`${path}.2`, recordLine(at(1)) + recordLine(at(2)));
  writeFileSync(`${path}.1`, recordLine(at(3)) + 'not json\n' + recordLine(at(2)));
  writeFileSync(path, recordLine(at(5)) + recordLine(at(4)) + recordLine(at(6)).slice(0, 30));
  writeFileSync(`${path}.x`, recordLine(at(99))); // not a rotated file
  t.strictSame(logFiles(path), [`${path}.2`, `${path}.1`, path]);
  const { events, stats } = readEventsWithStats({ path });
  t.strictSame(events.map((e) => e.time.slice(-3, -1)), ['01', '02', '03', '04', '05']);
  t.strictSame(stats, { lines: 7, skipped: 1, duplicates: 1 });
  t.strictSame(readEvents({ path, since: new Date(Date.parse('2026-11-27T11:10:05.000003Z')) }).length, 5, 'since at ms resolution');
  t.strictSame(readEvents({ path, since: new Date('2026-11-27T11:10:06Z') }), []);
  t.strictSame(readEvents({ path: join(d, 'none.jsonl') }), [], 'no log yet: no events');
});

t.test('the same event seen by two nodes is one event', async (t) => {
  const d = dir('rdup');
  const path = join(d, 'events.jsonl');
  writeFileSync(path, recordLine(rec('fencing-failed-seen-by-node2', 'node2')) + recordLine(rec('fencing-failed-seen-by-node1', 'node1')));
  const events = readEvents({ path });
  t.equal(events.length, 1);
  t.equal(events[0]!.seenBy, 'node2', 'the first copy is kept');
});

t.test('followEvents: existing events, then new ones, across rotation, waiting for a line being written', async (t) => {
  const d = dir('rfollow');
  const path = join(d, 'events.jsonl');
  writeFileSync(path, recordLine(at(1)));
  const ac = new AbortController();
  const got: AlertEventRecord[] = [];
  const done = (async () => {
    for await (const e of followEvents({ path, signal: ac.signal, intervalMs: 20 })) got.push(e);
  })();
  const wait = async (n: number) => {
    for (let i = 0; i < 200 && got.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  };
  await wait(1);
  t.equal(got.length, 1, 'the event already there');
  const half = recordLine(at(2));
  appendFileSync(path, half.slice(0, 20));
  await new Promise((r) => setTimeout(r, 100));
  t.equal(got.length, 1, 'a line being written is not read yet');
  appendFileSync(path, half.slice(20));
  await wait(2);
  t.equal(got.length, 2, 'read once complete');
  appendFileSync(path, recordLine(at(3)));
  renameSync(path, `${path}.1`); // rotation right after a write
  writeFileSync(path, recordLine(at(4)) + recordLine(at(3)));
  await wait(4);
  ac.abort();
  await done;
  t.strictSame(got.map((e) => e.time.slice(-3, -1)), ['01', '02', '03', '04'], 'the rotated file finished, the new one read, the duplicate skipped');
});

/** usec 1..99 → '01'..'99', the order they were written in */
const stamps = (events: AlertEventRecord[]) => events.map((e) => e.time.slice(-3, -1));
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => recordLine(at(from + i))).join('');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(2, '0'));

t.test('maxBytes: only the end of the log is read, from the current file back through .1, .2 …', async (t) => {
  const d = dir('rbudget');
  const path = join(d, 'events.jsonl');
  writeFileSync(`${path}.3`, lines(1, 5));
  writeFileSync(`${path}.2`, lines(6, 10));
  writeFileSync(`${path}.1`, lines(11, 15));
  writeFileSync(path, lines(16, 20));
  const size = Buffer.byteLength(lines(16, 20));
  const one = Buffer.byteLength(recordLine(at(15)));
  const budget = size + 2 * one + Math.floor(one / 2); // the current file, two lines and a half of .1
  const tail = readEventsWithStats({ path, maxBytes: budget });
  t.strictSame(stamps(tail.events), range(14, 20), 'the newest events, none from .2 or .3 (13 is cut)');
  t.strictSame(tail.stats, { lines: 7, skipped: 0, duplicates: 0 });
  t.equal(tail.truncated, true);
  const raw = readLogTail(path, budget);
  t.strictSame(raw.chunks.map((c) => [c.file, c.offset, c.cutStart]), [[`${path}.1`, 5 * one - (budget - size), true], [path, 0, false]]);
  t.equal(raw.bytes, budget);
  t.strictSame(raw.notRegular, []);
  const all = readEventsWithStats({ path });
  t.strictSame(stamps(all.events), range(1, 20), 'without a budget: every rotated file');
  t.equal(all.truncated, false);
  t.strictSame(stamps(readEvents({ path, maxBytes: 1 << 30 })), range(1, 20), 'a budget larger than the log: all of it');
  t.equal(readEventsWithStats({ path, maxBytes: size }).truncated, true, 'the budget ends at a file boundary, older files exist');
  t.strictSame(stamps(readEvents({ path, maxBytes: size })), range(16, 20));
});

t.test('maxBytes: a cut first line is dropped, not counted; a window that starts at a line start keeps it', async (t) => {
  const d = dir('rcut');
  const path = join(d, 'events.jsonl');
  writeFileSync(path, lines(1, 5));
  const one = Buffer.byteLength(recordLine(at(5)));
  const cut = readEventsWithStats({ path, maxBytes: 2 * one + 10 });
  t.strictSame(stamps(cut.events), ['04', '05']);
  t.strictSame(cut.stats, { lines: 2, skipped: 0, duplicates: 0 }, 'the cut line is neither a line nor a skip');
  t.equal(readLogTail(path, 2 * one + 10).chunks[0]!.cutStart, true);
  const exact = readEventsWithStats({ path, maxBytes: 3 * one });
  t.strictSame(stamps(exact.events), ['03', '04', '05'], 'the window begins right after a newline: its first line is whole');
  t.strictSame(readLogTail(path, 3 * one).chunks.map((c) => [c.offset, c.cutStart]), [[2 * one, false]]);
  t.strictSame(stamps(readEvents({ path, maxBytes: 10 })), [], 'less than one line: nothing, no error');
});

t.test('maxBytes: a window never starts inside a UTF-8 character', async (t) => {
  const d = dir('rutf8');
  const path = join(d, 'events.jsonl');
  const line = recordLine(at(2));
  const prefix = '€€€€\n'; // 3-byte characters: a junk line before the record
  writeFileSync(path, prefix + line);
  const budget = Buffer.byteLength(line) + 3; // starts on the second byte of the last €
  const tail = readLogTail(path, budget);
  t.equal(tail.chunks[0]!.offset, Buffer.byteLength(prefix) - 1, 'moved past the character\'s continuation bytes');
  t.equal(tail.chunks[0]!.data.toString('utf8'), '\n' + line, 'nothing undecodable');
  t.equal(tail.chunks[0]!.cutStart, true);
});

t.test('a FIFO or a directory among the log\'s files: passed over at once, reported, the budget still respected', async (t) => {
  const d = dir('rfifo');
  const path = join(d, 'events.jsonl');
  execFileSync('mkfifo', [path]); // O_NONBLOCK: a hang here would time the test out
  writeFileSync(`${path}.1`, lines(4, 6));
  writeFileSync(`${path}.2`, lines(1, 3));
  const one = Buffer.byteLength(recordLine(at(6)));
  t.strictSame(stamps(readEvents({ path, maxBytes: 2 * one })), ['05', '06'], 'the tail of .1, not .2');
  const tail = readLogTail(path, 2 * one);
  t.strictSame(tail.notRegular, [path]);
  t.strictSame(tail.chunks.map((c) => c.file), [`${path}.1`]);

  const d2 = dir('rdir');
  const p2 = join(d2, 'events.jsonl');
  writeFileSync(p2, lines(7, 9));
  mkdirSync(`${p2}.1`);
  writeFileSync(`${p2}.2`, lines(1, 3));
  t.strictSame(stamps(readEvents({ path: p2, maxBytes: 4 * one })), ['03', '07', '08', '09'], 'the directory at .1 passed over, the budget goes on to .2');
  t.strictSame(readLogTail(p2, 4 * one).notRegular, [`${p2}.1`]);
});

t.test('a byte budget that is not a whole number ≥ 1 is refused', async (t) => {
  const d = dir('rzero');
  const path = join(d, 'events.jsonl');
  writeFileSync(path, lines(1, 3));
  for (const bad of [0, -1, 1.5, Number.NaN, -Infinity]) {
    t.throws(() => readEvents({ path, maxBytes: bad }), { name: 'RangeError', message: /byte budget must be a whole number of bytes ≥ 1/ }, String(bad));
  }
  t.equal(readEvents({ path, maxBytes: 1 }).length, 0, '1 byte: a cut line, no event');
});

t.test('followEvents: maxBytes bounds the history printed first; fromStart false remembers the recent ids', async (t) => {
  const d = dir('rfollowbudget');
  const path = join(d, 'events.jsonl');
  writeFileSync(`${path}.1`, lines(1, 5));
  writeFileSync(path, lines(6, 10));
  const one = Buffer.byteLength(recordLine(at(10)));
  const follow = async (options: { maxBytes?: number; fromStart?: boolean }, append: string, n: number) => {
    const ac = new AbortController();
    const got: AlertEventRecord[] = [];
    const done = (async () => {
      for await (const e of followEvents({ path, signal: ac.signal, intervalMs: 20, ...options })) got.push(e);
    })();
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(path, append);
    for (let i = 0; i < 200 && got.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100)); // time for an unwanted extra one
    ac.abort();
    await done;
    return stamps(got);
  };
  t.strictSame(await follow({ maxBytes: 2 * one }, recordLine(at(11)), 3), ['09', '10', '11'], 'the last two, then the new one');
  t.strictSame(await follow({ fromStart: false }, recordLine(at(8)) + recordLine(at(12)), 1), ['12'], 'a late copy of a known event is not printed');
});
