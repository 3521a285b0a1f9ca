/**
 * Parser input: bytes are decoded as strict UTF-8 (a fatal TextDecoder: invalid sequences are
 * refused, never turned into U+FFFD); strings are checked. A NUL (byte 0 or U+0000) or a lone
 * surrogate is refused too. Errors name the source, the line and the byte (or character) offset.
 */
import { isWellFormed, lineColumn, loneSurrogateAt } from '../xml/parse-xml.ts';
import { ClusterParseError, type SourceKind } from './errors.ts';

/** What the parsers take: the tool's output as bytes (preferred) or as an already decoded string. */
export type ParserInput = string | Uint8Array;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
export function invalidUtf8At(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = 0; i < n; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return i;
    if (i + need >= n) return i;
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    const b1 = bytes[i + 1]!;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= need; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(10); i !== -1 && i < offset; i = bytes.indexOf(10, i + 1)) line++;
  return line;
}

/** The input as a string, or a typed error for bytes that are not UTF-8 text. */
export function decodeInput(source: SourceKind, input: ParserInput): string {
  if (typeof input === 'string') {
    const nul = input.indexOf('\0');
    if (nul !== -1) {
      throw new ClusterParseError(source, `NUL character (U+0000) at character offset ${nul}`, { line: lineColumn(input, nul).line });
    }
    if (!isWellFormed(input)) {
      const at = loneSurrogateAt(input);
      throw new ClusterParseError(source, `lone surrogate at character offset ${at} (not Unicode text)`, { line: lineColumn(input, at).line });
    }
    // A byte-order mark is not content: TextDecoder drops it from bytes; do the same for text.
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  const nul = input.indexOf(0);
  if (nul !== -1) throw new ClusterParseError(source, `NUL byte at byte offset ${nul}`, { line: lineOfByte(input, nul) });
  try {
    return decoder.decode(input);
  } catch {
    const at = invalidUtf8At(input);
    throw new ClusterParseError(source, `invalid UTF-8 at byte offset ${at} (byte 0x${(input[at] ?? 0).toString(16).padStart(2, '0')})`, {
      line: lineOfByte(input, at),
    });
  }
}
