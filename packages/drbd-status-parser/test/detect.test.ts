import t from 'tap';
import { detect, DrbdParseError, parse } from '../src/index.ts';

t.test('formats', async (t) => {
  t.equal(detect('version: 8.4.11 (api:1/proto:86-101)\n'), 'proc-drbd');
  t.equal(detect('\n\n 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n'), 'proc-drbd');
  t.equal(detect('r0 role:Primary\n'), 'status-text');
  t.equal(detect('home node-id:1 role:Secondary suspended:no\n'), 'status-text');
  t.equal(detect(' [\n\t\t{\n'), 'status-json');
  t.equal(detect('exists -\n'), 'events2');
  t.equal(detect('2024-01-01T00:00:00.000000+00:00 change resource name:r0 role:Primary\n'), 'events2');
  t.equal(detect('Primary/Secondary\n'), 'short-role');
  t.equal(detect('WFConnection\n'), 'short-cstate');
  t.equal(detect('SyncSource\n'), 'short-cstate');
  t.equal(detect('UpToDate/DUnknown\n'), 'short-dstate');
  t.equal(detect('Consistent\n'), 'short-dstate');
});

t.test('what is not a status says why', async (t) => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['\n  \n', /empty/],
    ['\nUSAGE: drbdsetup command device arguments options\n', /usage text/],
    ['bash: line 1: drbd-overview: command not found\n', /error message/],
    ['hello world\n', /not a recognised/],
  ];
  for (const [text, reason] of cases) {
    const e = t.throws(() => detect(text)) as DrbdParseError;
    t.type(e, DrbdParseError);
    t.equal(e.format, 'unknown');
    t.match(e.reason, reason);
    t.type(e.line, 'number');
  }
  const e = t.throws(() => parse(42 as unknown as string)) as DrbdParseError;
  t.match(e.reason, /not a string/);
  const e2 = t.throws(() => parse('x', { format: 'nope' as never })) as DrbdParseError;
  t.match(e2.reason, /unknown format/);
});

t.test('a format option skips detection', async (t) => {
  t.same(parse('', { format: 'status-text' }).resources, []);
  t.same(parse('', { format: 'events2' }).resources, []);
});

t.test('the error is serialisable and readable', async (t) => {
  const e = new DrbdParseError('events2', 3, 'x'.repeat(300), 'bad');
  t.equal(e.lineText.length, 201);
  t.match(e.message, /^events2: line 3: bad:/);
  t.same(Object.keys(JSON.parse(JSON.stringify(e))), ['name', 'format', 'line', 'lineText', 'reason']);
  t.ok(e instanceof Error);
});
