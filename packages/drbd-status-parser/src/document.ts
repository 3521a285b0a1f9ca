/**
 * The start every line-oriented parser shares: an empty document of its format and a cursor on
 * the current line, whose warnings and failures name that line.
 */
import { DrbdParseError } from './errors.ts';
import type { DrbdStatus, Format } from './model.ts';
import { warner, type Warn } from './normalize.ts';

export interface Cursor {
  doc: DrbdStatus;
  /** 1-based number of the line being parsed; 0 before the first. */
  line: number;
  warn: Warn;
  fail: (reason: string) => never;
}

export function startDocument(format: Format, lines: readonly string[]): Cursor {
  const doc: DrbdStatus = { format, generation: 'unknown', version: null, resources: [], unconfiguredMinors: [], warnings: [] };
  const cursor: Cursor = {
    doc,
    line: 0,
    warn: warner(doc.warnings, () => cursor.line),
    fail: (reason) => {
      throw new DrbdParseError(format, cursor.line, lines[cursor.line - 1] ?? '', reason);
    },
  };
  return cursor;
}
