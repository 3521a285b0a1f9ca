/**
 * The event log as status reads it (contracts 1 and 2): garbage lines skipped and counted, a torn
 * last line skipped silently, duplicates (one line per recipient) once, the rotated file read when
 * the current one is short, and a huge log read only at its tail (bounded bytes).
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEventLine, readEventTail } from '../../lib/status/events.ts';
import { EVENTS } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-status-events-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const good = readFileSync(EVENTS, 'utf8');
const goodLines = good.trimEnd().split('\n');

t.test('a line that is not a contract-1 record is a reason, never a throw', async (t) => {
  for (const [line, why] of [
    ['garbage', /not JSON/], ['[1,2]', /not a JSON object/], ['{"v":2}', /version 2/], ['{"v":1,"id":"xyz"}', /16-hex id/],
    ['{"v":1,"id":"0123456789abcdef","kind":"bogus","node":"n"}', /unknown kind/],
    ['{"v":1,"id":"0123456789abcdef","kind":"node","node":"n","time":"yesterday"}', /no valid time/],
    ['{"v":1,"id":"0123456789abcdef","kind":"resource","node":"n","time":"2026-11-27T11:22:33Z","seenBy":"n","recipient":null,"sequence":null}', /not a complete resource record/],
    ['{"__proto__":{"v":1}}', /version/], ['x'.repeat(70_000), /longer than/],
  ] as const) {
    const r = parseEventLine(line);
    t.ok('error' in r && why.test(r.error), `${line.slice(0, 40)} → ${'error' in r ? r.error : 'parsed'}`);
  }
  const ok = parseEventLine(goodLines[0]!);
  t.notOk('error' in ok);
  t.match(ok, { kind: 'node', node: 'node2', desc: 'lost', timeMs: Date.parse('2026-11-27T10:00:01.100Z') });
  const extra = parseEventLine(goodLines[0]!.replace('{', '{"futureField":{"a":1},'));
  t.notOk('error' in extra, 'unknown extra fields are ignored');
});

t.test('garbage between records: skipped and counted with where; a torn last line: skipped silently', async (t) => {
  const path = join(dir, 'garbage.jsonl');
  writeFileSync(path, goodLines.slice(0, 5).join('\n') + '\nnot json at all\n' + goodLines.slice(5).join('\n') + '\n{"v":1,"id":"0123');
  const r = readEventTail(path)!;
  t.equal(r.skipped, 1);
  t.match(r.firstSkip, /garbage\.jsonl at byte \d+: not JSON/);
  t.equal(r.events.length, goodLines.length - 2, 'every record once (the promote written twice is one)');
  t.equal(r.truncated, false);
});

t.test('rotation: the tail of events.jsonl.1 is read when the current file is short', async (t) => {
  const path = join(dir, 'rot.jsonl');
  writeFileSync(`${path}.1`, goodLines.slice(0, 10).join('\n') + '\n');
  writeFileSync(path, goodLines.slice(10).join('\n') + '\n');
  const r = readEventTail(path)!;
  t.equal(r.events.length, goodLines.length - 2);
  t.ok(r.events.every((e, i) => i === 0 || r.events[i - 1]!.timeMs <= e.timeMs), 'oldest first');
  t.equal(readEventTail(join(dir, 'absent.jsonl')), null, 'no log at all: null');
});

t.test('a huge log: only the tail is read, the newest events are there, bytes bounded', async (t) => {
  const path = join(dir, 'huge.jsonl');
  // 40 MB of old monitor events, then the takeover
  const old = goodLines[8]!; // a resource event
  const block = Array.from({ length: 2000 }, (_, i) => old.replace(/"id":"[0-9a-f]{16}"/, `"id":"${(0xa000000000000000n + BigInt(i)).toString(16)}"`)).join('\n') + '\n';
  for (let i = 0; i < 110; i++) appendFileSync(path, block);
  appendFileSync(path, good);
  const budget = 1 << 20;
  const r = readEventTail(path, budget)!;
  t.ok(r.bytes <= budget, `${r.bytes} bytes read of ${Math.round(Number(execFileSync('stat', ['-c', '%s', path], { encoding: 'utf8' })) / 1e6)} MB`);
  t.equal(r.truncated, true);
  t.equal(r.skipped, 0, 'the cut first line is dropped, not counted as garbage');
  t.ok(r.events.some((e) => e.kind === 'fencing' && e.fenceTarget === 'node1'), 'the last failover is in the tail');
});

t.test('a FIFO where the log should be: no hang, an error the caller turns into one line', async (t) => {
  const path = join(dir, 'fifo.jsonl');
  execFileSync('mkfifo', [path]);
  t.throws(() => readEventTail(path), /not a regular file/);
});

t.test('rotation: older files (.2 …) are read too while the budget lasts, and only then', async (t) => {
  const path = join(dir, 'rot2.jsonl');
  writeFileSync(`${path}.2`, goodLines.slice(0, 4).join('\n') + '\n');
  writeFileSync(`${path}.1`, goodLines.slice(4, 8).join('\n') + '\n');
  writeFileSync(path, goodLines.slice(8).join('\n') + '\n');
  const r = readEventTail(path)!;
  t.equal(r.events.length, goodLines.length - 2, 'every record once, the first four from .2');
  t.equal(r.truncated, false);
  const current = Buffer.byteLength(goodLines.slice(8).join('\n') + '\n');
  const short = readEventTail(path, current)!;
  t.ok(short.events.length < r.events.length && short.bytes === current, 'a budget of the current file only');
  t.equal(short.truncated, true, 'older files exist');
});
