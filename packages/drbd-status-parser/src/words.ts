/**
 * The words of a line (separated by spaces and tabs; NUL and other bytes stay inside words),
 * read one at a time: a 10 MB line of words costs no array of millions of strings.
 */
import { clip } from './limits.ts';

const SAMPLE = 8;

/** Words without a colon: how many, and the first few (for a warning). */
export interface Bare {
  count: number;
  sample: string[];
}

/**
 * Call `kv(key, value)` for each `key:value` word after the first `skip` words, in order.
 * Returns the words without a colon (or starting with one).
 */
export function eachWord(line: string, skip: number, kv: (key: string, value: string) => void): Bare {
  const bare: Bare = { count: 0, sample: [] };
  const word = /[^ \t]+/g;
  let n = 0;
  for (let m = word.exec(line); m !== null; m = word.exec(line)) {
    if (n++ < skip) continue;
    const w = m[0];
    const i = w.indexOf(':');
    if (i <= 0) {
      if (bare.count++ < SAMPLE) bare.sample.push(clip(w, 40));
    } else {
      kv(w.slice(0, i), w.slice(i + 1));
    }
  }
  return bare;
}

/** The first word of a line ('' when it has none). */
export function firstWord(line: string): string {
  const m = /[^ \t]+/.exec(line);
  return m ? m[0] : '';
}

/** Bare words as a warning shows them. */
export function bareText(b: Bare): string {
  const more = b.count > b.sample.length ? ` … (${b.count} words)` : '';
  return clip(b.sample.join(' '), 200) + more;
}

/** `key:value` words into a map (for short lines; the last of a repeated key wins). */
export function keyValues(line: string, skip = 0): { kv: Map<string, string>; bare: Bare } {
  const kv = new Map<string, string>();
  const bare = eachWord(line, skip, (k, v) => kv.set(k, v));
  return { kv, bare };
}
