import { DrbdParseError } from './errors.ts';
import { shortKind } from './formats/short.ts';
import { Lines } from './lines.ts';
import type { Format } from './model.ts';

const EVENT_RE = /^(?:\d{4}-\d\d-\d\dT\S+[ \t]+)?(exists|create|change|destroy|call|response|rename)[ \t]+\S/;
const MINOR_RE = /^[ \t]*\d+:[ \t]+cs:/;
// "<resource> [words...] role:<x>": the first word has no colon, a later word is role:<x>.
// Two plain tests instead of one pattern with a repeated group: a repeated group backtracks
// once per word and overflows the regular expression stack on a line of a million words.
const RESOURCE_START_RE = /^[^\s:]+[ \t]/;
const ROLE_WORD_RE = /[ \t]role:\S/;

function* nonEmpty(text: string): Generator<string> {
  const lines = new Lines(text);
  for (let l = lines.next(); l !== null; l = lines.next()) if (l.trim() !== '') yield l;
}

/**
 * Pick the format of a DRBD status document from its first meaningful line(s).
 * Throws DrbdParseError (format 'unknown') when it is none of them; the reason says what the
 * text looked like (empty, drbdsetup usage text, an error message...).
 */
export function detect(text: string): Format {
  if (typeof text !== 'string') throw new DrbdParseError('unknown', 1, '', 'input is not a string');
  const lines = new Lines(text);
  let first = lines.next();
  while (first !== null && first.trim() === '') first = lines.next();
  if (first === null) throw new DrbdParseError('unknown', 1, '', 'empty input');
  const no = lines.no;
  const t = first.trimStart();

  if (t.startsWith('[') || t.startsWith('{')) return 'status-json';
  if (first.startsWith('version:') || MINOR_RE.test(first)) return 'proc-drbd';
  if (EVENT_RE.test(first)) return 'events2';
  const plain = first.includes('\x1b') ? first.replace(/\x1b\[[0-9;]*m/g, '') : first;
  if (RESOURCE_START_RE.test(plain) && ROLE_WORD_RE.test(plain)) return 'status-text';
  const kind = shortKind(nonEmpty(text));
  if (kind) return kind;

  if (/^USAGE: drbdsetup/.test(t) || anyLine(text, (l) => l.startsWith('USAGE: drbd'))) {
    throw new DrbdParseError(
      'unknown',
      no,
      first,
      'drbdsetup usage text, not a status: the command was rejected (e.g. --json with a DRBD 8.4 kernel module)',
    );
  }
  if (/No such resource|Failure: \(\d+\)|command not found|not found/i.test(t)) {
    throw new DrbdParseError('unknown', no, first, 'an error message, not a status');
  }
  throw new DrbdParseError('unknown', no, first, 'not a recognised DRBD status format');
}

function anyLine(text: string, test: (line: string) => boolean): boolean {
  const lines = new Lines(text);
  for (let l = lines.next(); l !== null; l = lines.next()) if (test(l)) return true;
  return false;
}
