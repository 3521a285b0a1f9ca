import { splitLines } from './build.ts';
import { DrbdParseError } from './errors.ts';
import { shortKind } from './formats/short.ts';
import type { Format } from './model.ts';

const EVENT_RE = /^(?:\d{4}-\d\d-\d\dT\S+[ \t]+)?(exists|create|change|destroy|call|response|rename)[ \t]+\S/;
const MINOR_RE = /^[ \t]*\d+:[ \t]+cs:/;
const RESOURCE_RE = /^[^\s:]+[ \t]+(?:\S+[ \t]+)*role:\S/;

/**
 * Pick the format of a DRBD status document from its first meaningful line(s).
 * Throws DrbdParseError (format 'unknown') when it is none of them; the reason says what the
 * text looked like (empty, drbdsetup usage text, an error message...).
 */
export function detect(text: string): Format {
  if (typeof text !== 'string') throw new DrbdParseError('unknown', 1, '', 'input is not a string');
  const lines = splitLines(text);
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (i === lines.length) throw new DrbdParseError('unknown', 1, '', 'empty input');
  const first = lines[i]!;
  const no = i + 1;
  const t = first.trimStart();

  if (t.startsWith('[') || t.startsWith('{')) return 'status-json';
  if (first.startsWith('version:') || MINOR_RE.test(first)) return 'proc-drbd';
  if (EVENT_RE.test(first)) return 'events2';
  if (RESOURCE_RE.test(first.replace(/\x1b\[[0-9;]*m/g, ''))) return 'status-text';
  const kind = shortKind(lines.filter((l) => l.trim() !== ''));
  if (kind) return kind;

  if (/^USAGE: drbdsetup/.test(t) || lines.some((l) => /^USAGE: drbd/.test(l))) {
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
