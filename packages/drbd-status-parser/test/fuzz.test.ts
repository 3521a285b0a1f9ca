/**
 * Property test: truncated, mutated and random inputs give a model or a DrbdParseError, never
 * another exception, and every parse finishes within a time bound. Deterministic (seeded).
 */
import t from 'tap';
import { join } from 'node:path';
import { DrbdParseError, factsFor, FORMATS, parse, type DrbdStatus } from '../src/index.ts';
import { clitestOutputs, FIXTURES, read, walk } from './helpers.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed);
const CASES = Number(process.env['FUZZ_CASES'] ?? 6000);
const PER_CASE_MS = 250; // a typical document parses in well under 1 ms

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(SEED);
const int = (n: number): number => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const corpus: string[] = [];
for (const f of walk(FIXTURES)) {
  if (!/\.(txt|json)$/.test(f) || f.endsWith('captured-at.txt')) continue;
  const text = read(f);
  if (f.includes('INSTRUMENTED')) corpus.push(...clitestOutputs(text).map((p) => p.output));
  else if (text.trim() !== '') corpus.push(text);
}
const uniqueCorpus = [...new Set(corpus)];

const NOISE = ['\0', '\u00e9', '\u{1F4A5}', '\uFFFD', '\r', '\t', ' ', ':', '/', '[', ']', '{', '}', '"', ',',
  'nan', '-nan', 'role:', 'disk:', 'volume:', 'cs:', 'exists ', '\n', '\x1b[1m', '%', '999999999999999999999'];

function mutate(text: string): string {
  const lines = text.split('\n');
  switch (int(10)) {
    case 0: // truncate anywhere
      return text.slice(0, int(text.length + 1));
    case 1: { // delete a line
      lines.splice(int(lines.length), 1);
      return lines.join('\n');
    }
    case 2: { // duplicate a line
      const i = int(lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 3: { // swap two lines
      const i = int(lines.length);
      const j = int(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 4: { // flip characters
      const chars = [...text];
      for (let k = 0, n = 1 + int(8); k < n && chars.length; k++) chars[int(chars.length)] = String.fromCharCode(int(128));
      return chars.join('');
    }
    case 5: { // insert NUL / unicode / syntax noise
      let s = text;
      for (let k = 0, n = 1 + int(5); k < n; k++) {
        const at = int(s.length + 1);
        s = s.slice(0, at) + pick(NOISE) + s.slice(at);
      }
      return s;
    }
    case 6: { // random bytes
      let s = '';
      for (let k = 0, n = int(400); k < n; k++) s += String.fromCharCode(int(256));
      return s;
    }
    case 7: // splice two documents
      return text.slice(0, int(text.length)) + pick(uniqueCorpus).slice(int(200));
    case 8: { // change indentation
      const i = int(lines.length);
      lines[i] = ' '.repeat(int(12)) + (lines[i] ?? '').trimStart();
      return lines.join('\n');
    }
    default: { // repeat a block (big inputs)
      const i = int(lines.length);
      const block = lines.slice(i, i + 1 + int(6)).join('\n');
      return text + '\n' + Array.from({ length: 1 + int(50) }, () => block).join('\n');
    }
  }
}

function checkModel(doc: DrbdStatus): boolean {
  if (!FORMATS.includes(doc.format) || !Array.isArray(doc.resources) || !Array.isArray(doc.warnings)) return false;
  for (const r of doc.resources) {
    if (typeof r.name !== 'string' || !Array.isArray(r.volumes) || !Array.isArray(r.connections)) return false;
    factsFor(r); // facts must never throw either
  }
  JSON.stringify(doc);
  return true;
}

t.test(`fuzz ${CASES} cases, seed ${SEED}`, async (t) => {
  let models = 0;
  let errors = 0;
  let slowest = 0;
  const failures: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const base = pick(uniqueCorpus);
    let input = mutate(base);
    if (rnd() < 0.3) input = mutate(input);
    const useFormat = rnd() < 0.2 ? pick(FORMATS) : undefined;
    const start = process.hrtime.bigint();
    try {
      const doc = parse(input, useFormat ? { format: useFormat } : {});
      if (!checkModel(doc)) failures.push(`case ${i}: malformed model`);
      models++;
    } catch (e) {
      if (e instanceof DrbdParseError) {
        errors++;
        if (!(e.line >= 1) || typeof e.reason !== 'string' || e.reason === '') failures.push(`case ${i}: bad error fields`);
        if (e.reason.startsWith('internal parser error')) failures.push(`case ${i}: ${e.reason} on ${JSON.stringify(input.slice(0, 200))}`);
      } else {
        failures.push(`case ${i}: ${(e as Error)?.name}: ${(e as Error)?.message} on ${JSON.stringify(input.slice(0, 200))}`);
      }
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    slowest = Math.max(slowest, ms);
    if (ms > PER_CASE_MS) failures.push(`case ${i}: took ${ms.toFixed(1)} ms`);
    if (failures.length > 20) break;
  }
  t.same(failures, [], 'every input gave a model or a DrbdParseError, in time');
  t.ok(models > CASES / 10, `some mutated inputs still parse (${models})`);
  t.ok(errors > CASES / 10, `some are rejected (${errors})`);
  t.comment(`models ${models}, errors ${errors}, slowest ${slowest.toFixed(2)} ms`);
});

t.test('pathological sizes stay fast', async (t) => {
  const cases = [
    'r0 role:Primary\n' + '  disk:UpToDate\n'.repeat(1) + '      x:1\n'.repeat(50000),
    'r0 role:Primary\n  disk:UpToDate\n' + Array.from({ length: 3000 }, (_, i) => `  p${i} role:Secondary\n    peer-disk:UpToDate\n`).join(''),
    '['.repeat(100000),
    '[' + '{"name":"a"},'.repeat(1) + '1,'.repeat(100000) + '1]',
    'version: 8.4.11\n' + Array.from({ length: 20000 }, (_, i) => ` ${i}: cs:Unconfigured\n`).join(''),
    'exists -\n' + 'change resource name:r role:Primary\n'.repeat(50000),
    'x'.repeat(1_000_000),
    '\n'.repeat(1_000_000),
  ];
  for (const input of cases) {
    const start = process.hrtime.bigint();
    try {
      parse(input);
    } catch (e) {
      t.type(e, DrbdParseError);
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    t.ok(ms < 2000, `${input.length} chars in ${ms.toFixed(0)} ms`);
  }
});
