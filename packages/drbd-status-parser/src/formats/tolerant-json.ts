/**
 * A small JSON reader for `drbdsetup status --json`, used when JSON.parse refuses the text or when
 * an error needs a line number. It accepts standard JSON plus the bare `nan`/`-nan`/`inf`/`-inf`
 * that drbd-utils before 9.6.0 printed for undefined floats, which it reads as null and reports.
 * Nesting is limited so hostile input cannot exhaust the stack.
 */
import { DrbdParseError } from '../errors.ts';
import { lineAt } from '../input.ts';
import { MAX_JSON_DEPTH, MAX_WARNINGS } from '../limits.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface Repair {
  line: number;
  token: string;
}

export interface TolerantResult {
  value: Json;
  /** The first MAX_WARNINGS repairs; `repairCount` counts them all. */
  repairs: Repair[];
  repairCount: number;
  /** Line where each array/object started (the first LINE_DEPTH levels: resources and their parts). */
  lineOf: WeakMap<object, number>;
}

const MAX_DEPTH = MAX_JSON_DEPTH;
/** resource 1, devices/connections 2-3, peer devices 4-5: deeper values need no line. */
const LINE_DEPTH = 6;
const NON_FINITE: readonly string[] = ['-Infinity', 'Infinity', '-nan', '-inf', 'NaN', 'nan', 'inf'];

export function readTolerantJson(text: string, allowRepair: boolean): TolerantResult {
  let pos = 0;
  let line = 1;
  const repairs: Repair[] = [];
  let repairCount = 0;
  const lineOf = new WeakMap<object, number>();

  const fail = (reason: string): never => {
    throw new DrbdParseError('status-json', line, lineAt(text, line), reason);
  };
  const ws = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
      pos++;
    }
  };

  const value = (depth: number): Json => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    ws();
    if (pos >= text.length) fail('unexpected end of JSON');
    const c = text[pos]!;
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (text.startsWith('true', pos)) return (pos += 4), true;
    if (text.startsWith('false', pos)) return (pos += 5), false;
    if (text.startsWith('null', pos)) return (pos += 4), null;
    for (const tok of NON_FINITE) {
      if (text.startsWith(tok, pos) && !/[A-Za-z0-9_]/.test(text[pos + tok.length] ?? '')) {
        if (!allowRepair) {
          fail(`invalid JSON: bare ${tok} (drbd-utils before 9.6.0 printed it for undefined numbers)`);
        }
        if (repairCount++ < MAX_WARNINGS) repairs.push({ line, token: tok });
        pos += tok.length;
        return null;
      }
    }
    return number();
  };

  const number = (): number => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(text.slice(pos, pos + 64));
    if (!m) fail(`unexpected character ${JSON.stringify(text[pos])}`);
    pos += m![0].length;
    return Number(m![0]);
  };

  const string = (): string => {
    pos++; // opening quote
    let out = '';
    let start = pos;
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 34) break;
      if (c < 32) fail('control character inside a string');
      if (c === 92) {
        out += text.slice(start, pos);
        const e = text[pos + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && Object.hasOwn(simple, e)) {
          out += simple[e];
          pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else {
          fail('invalid escape in a string');
        }
        start = pos;
        continue;
      }
      pos++;
    }
    out += text.slice(start, pos);
    pos++; // closing quote
    return out;
  };

  const array = (depth: number): Json[] => {
    const arr: Json[] = [];
    if (depth <= LINE_DEPTH) lineOf.set(arr, line);
    pos++;
    ws();
    if (text[pos] === ']') return pos++, arr;
    for (;;) {
      arr.push(value(depth + 1));
      ws();
      const c = text[pos];
      if (c === ',') {
        pos++;
        continue;
      }
      if (c === ']') return pos++, arr;
      fail(c === undefined ? 'unexpected end of JSON inside an array' : `expected , or ] but found ${JSON.stringify(c)}`);
    }
  };

  const object = (depth: number): { [k: string]: Json } => {
    const obj: { [k: string]: Json } = Object.create(null);
    if (depth <= LINE_DEPTH) lineOf.set(obj, line);
    pos++;
    ws();
    if (text[pos] === '}') return pos++, obj;
    for (;;) {
      ws();
      if (text[pos] !== '"') fail('expected a quoted key');
      const key = string();
      ws();
      if (text[pos] !== ':') fail('expected : after a key');
      pos++;
      obj[key] = value(depth + 1);
      ws();
      const c = text[pos];
      if (c === ',') {
        pos++;
        continue;
      }
      if (c === '}') return pos++, obj;
      fail(c === undefined ? 'unexpected end of JSON inside an object' : `expected , or } but found ${JSON.stringify(c)}`);
    }
  };

  const v = value(0);
  ws();
  if (pos < text.length) fail('unexpected text after the JSON document');
  return { value: v, repairs, repairCount, lineOf };
}
