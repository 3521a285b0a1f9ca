/**
 * What a parser may be given: text, or the bytes a command printed. Bytes must be UTF-8; text
 * must not hold U+FFFD (what a lenient decoder makes of invalid UTF-8), lone surrogates or NUL
 * bytes. DRBD prints ASCII, so each of these means a damaged or hostile document; it is refused
 * with a DrbdParseError naming the line, column and offset rather than ending up in a name.
 * The one exception, NUL inside /proc/drbd's I/O flags (DRBD 8.3 kernels), is the proc reader's.
 */
import { DrbdParseError } from './errors.ts';
import type { Format } from './model.ts';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BAD_CHAR = /[\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Line (1-based), column (1-based) and text of the line holding `offset`. */
export function locate(text: string, offset: number): { line: number; column: number; lineText: string } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  return { line, column: offset - start + 1, lineText: text.slice(start, Math.min(end, start + 1000)) };
}

function refuse(format: Format | 'unknown', text: string, offset: number, what: string): never {
  const at = locate(text, offset);
  throw new DrbdParseError(format, at.line, at.lineText, `${what} at column ${at.column} (offset ${offset})`);
}

/** Bytes to text, refusing invalid UTF-8 with the line and byte offset of the first bad byte. */
export function decode(bytes: Uint8Array, format: Format | 'unknown'): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    // Lines and columns are counted in the valid text before the bad byte.
    const before = decoder.decode(bytes.subarray(0, bad));
    const at = locate(before, before.length);
    throw new DrbdParseError(format, at.line, at.lineText, `invalid UTF-8 at column ${at.column} (byte offset ${bad})`);
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return b.length;
}

/** Refuse U+FFFD and lone surrogates (invalid UTF-8 decoded leniently somewhere upstream). */
export function refuseBadCharacters(text: string, format: Format | 'unknown'): void {
  if (!/[\uD800-\uDFFF\uFFFD]/.test(text)) return;
  const m = BAD_CHAR.exec(text);
  if (!m) return;
  refuse(format, text, m.index, m[0] === '\uFFFD'
    ? 'U+FFFD replacement character (the input was not valid UTF-8)'
    : 'unpaired surrogate (the input was not valid UTF-16)');
}

/** Refuse NUL bytes (every format but /proc/drbd, whose reader allows them in the I/O flags). */
export function refuseNul(text: string, format: Format | 'unknown'): void {
  const i = text.indexOf('\0');
  if (i !== -1) refuse(format, text, i, 'NUL byte');
}

/** Text of line `n` (1-based; '' past the end), at most 1000 characters of it. */
export function lineAt(text: string, n: number): string {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return '';
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return text.slice(start, Math.min(end, start + 1000));
}
