/**
 * Hostile input gets bounded warnings and typed errors: never an echo of a 20 MB line, never
 * "Maximum call stack size exceeded", never U+FFFD or NUL inside a name.
 */
import t, { type Test } from 'tap';
import { DrbdParseError, MAX_WARNINGS, parse } from '../src/index.ts';
import { fixture } from './helpers.ts';

const MB = 1024 * 1024;
const fails = (t: Test, input: string | Uint8Array, reason: RegExp, line: number): DrbdParseError => {
  let error: unknown = null;
  try {
    parse(input);
  } catch (e) {
    error = e;
  }
  t.type(error, DrbdParseError, 'a DrbdParseError');
  const e = error as DrbdParseError;
  t.match(e.reason, reason);
  t.equal(e.line, line, `names line ${line}`);
  t.ok(e.message.length < 600, `a short message (${e.message.length} characters)`);
  return e;
};

t.test('a warning echoes at most ~200 characters of a 20 MB word', async (t) => {
  const doc = parse(`r0 role:${'X'.repeat(20 * MB)}\n  disk:UpToDate\n`);
  t.equal(doc.warnings.length, 1);
  const m = doc.warnings[0]!.message;
  t.ok(m.length < 300, `${m.length} characters`);
  t.match(m, /^unknown role "X{200}…" kept as raw/);
});

t.test('words without a colon are sampled, not echoed', async (t) => {
  const doc = parse(`r0 role:Primary\n  disk:UpToDate ${'junk '.repeat(MB)}\n`);
  t.equal(doc.warnings.length, 1);
  t.ok(doc.warnings[0]!.message.length < 400);
  t.match(doc.warnings[0]!.message, /junk junk .*\(1048576 words\)/);
});

t.test('warnings are capped in number, with a final "N more"', async (t) => {
  const lines = Array.from({ length: 5000 }, (_, i) => `  volume:${i} disk:Weird${i}\n`).join('');
  for (const [name, text] of [
    ['status-text', `r0 role:Primary\n${lines}`],
    ['events2', Array.from({ length: 5000 }, (_, i) => `exists device name:r0 volume:${i} disk:Weird${i}\n`).join('')],
    ['status-json', JSON.stringify([{ name: 'r0', role: 'Primary', devices: Array.from({ length: 5000 }, (_, i) => ({ volume: i, 'disk-state': `Weird${i}` })) }])],
    ['status-json nan', `[{"name":"r0","role":"Primary","x":[${Array(5000).fill('nan').join(',')}]}]`],
    ['proc-drbd', 'version: 8.4.11\n' + Array.from({ length: 5000 }, (_, i) => ` ${i}: cs:Weird ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n`).join('')],
  ] as const) {
    const doc = parse(text);
    t.equal(doc.warnings.length, MAX_WARNINGS + 1, `${name}: ${MAX_WARNINGS} kept + 1`);
    t.match(doc.warnings[MAX_WARNINGS]!.message, /^\d+ more warnings not shown/, `${name}: the rest counted`);
  }
});

t.test('unknown keys are capped per object', async (t) => {
  const doc = parse(`r0 role:Primary\n  disk:UpToDate ${Array.from({ length: 10000 }, (_, i) => `k${i}:${i}`).join(' ')}\n`);
  t.equal(Object.keys(doc.resources[0]!.volumes[0]!.stats).length, 256);
  t.match(doc.warnings[0]!.message, /more than 256 statistics/);
});

t.test('deep nesting in JSON is a typed error on the fast path too', async (t) => {
  const deep = (open: string, close: string, n: number): string => open.repeat(n) + close.repeat(n);
  fails(t, deep('[', ']', 1_000_000), /nesting deeper than 64/, 1);
  fails(t, `[{"name":"r0","role":"Primary",\n"x":${deep('[', ']', 100_000)}}]`, /nesting deeper than 64/, 2);
  fails(t, `[{"name":"r0","role":"Primary","x":${deep('{"a":', '}', 100_000).replace('}', '1}')}}]`, /nesting deeper than 64/, 1);
  // drbdsetup's own depth still parses
  t.equal(parse(fixture('drbd-public/status-json/drbd9.0.16-utils9.6.0-primary-one-peer-established.json')).format, 'status-json');
});

t.test('one line of a million words is parsed, not a regular expression stack overflow', async (t) => {
  for (const text of [`r0 role:Primary ${'a '.repeat(5 * MB)}\n`, `r0 ${'a '.repeat(5 * MB)}role:Primary\n`]) {
    const doc = parse(text);
    t.equal(doc.resources[0]!.role, 'Primary');
  }
  fails(t, `r0 ${'a '.repeat(5 * MB)}\n`, /not a recognised DRBD status format/, 1);
});

t.test('NUL bytes are refused with line and column', async (t) => {
  fails(t, 'r0 role:Primary\n  disk:Up\0ToDate\n', /NUL byte at column 10 \(offset 25\)/, 2);
  fails(t, 'exists resource name:r\0 role:Primary\n', /NUL byte at column 23/, 1);
  fails(t, '[{"name":"r0\0","role":"Primary"}]', /NUL byte/, 1);
  fails(t, 'version: 8.4.11\n 0: cs:Connected ro:Primary/Secondary ds:Up\0ToDate/UpToDate C r-----\n', /NUL byte at column 44/, 2);
  // ...except where DRBD 8.3 printed one: the I/O flags of a /proc/drbd minor line
  const doc = parse(fixture('drbd-public/proc/drbd-8.3.1-mixed-with-nul-bytes.txt'));
  t.equal(doc.resources.length, 7);
  t.equal(doc.resources[1]!.ioFlags!.raw, 'r---');
});

t.test('invalid UTF-8 bytes are refused with line and byte offset', async (t) => {
  const bytes = Buffer.concat([Buffer.from('r0 role:Primary\n  disk:UpToDate\n  p'), Buffer.from([0xc3, 0x28]), Buffer.from(' role:Secondary\n')]);
  fails(t, bytes, /invalid UTF-8 at column 4 \(byte offset 35\)/, 3);
  fails(t, Buffer.from([0x72, 0x30, 0x20, 0xed, 0xa0, 0x80]), /invalid UTF-8.*byte offset 3/, 1); // a UTF-16 surrogate in UTF-8
  // valid UTF-8 bytes parse like the text
  t.same(parse(Buffer.from('r0 role:Primary\n  disk:UpToDate\n')), parse('r0 role:Primary\n  disk:UpToDate\n'));
});

t.test('text already decoded with U+FFFD or lone surrogates is refused', async (t) => {
  fails(t, 'r0 role:Primary\n  p\uFFFD role:Secondary\n', /U\+FFFD replacement character.*column 4/, 2);
  fails(t, 'r0\uD800 role:Primary\n', /unpaired surrogate/, 1);
  t.equal(parse('r0 role:Primary\n  p\u{1F4A5} role:Secondary\n').resources[0]!.connections[0]!.name, 'p\u{1F4A5}', 'a valid pair is fine');
});
