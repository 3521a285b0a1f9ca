/**
 * The start every parser shares: an empty document of its format, its capped warnings, and a
 * cursor on the current line, whose warnings and failures name that line.
 */
import { DrbdParseError } from './errors.ts';
import type { DrbdStatus, Format } from './model.ts';
import { Warnings, type Warn } from './warnings.ts';

export interface Cursor {
  doc: DrbdStatus;
  warnings: Warnings;
  /** 1-based number of the line being parsed; 0 before the first. */
  line: number;
  /** Its text, for errors. */
  lineText: string;
  warn: Warn;
  fail: (reason: string) => never;
}

export function emptyDocument(format: Format): DrbdStatus {
  return { format, generation: 'unknown', version: null, resources: [], unconfiguredMinors: [], warnings: [] };
}

export function startDocument(format: Format): Cursor {
  const doc = emptyDocument(format);
  const warnings = new Warnings(doc.warnings);
  const cursor: Cursor = {
    doc,
    warnings,
    line: 0,
    lineText: '',
    warn: warnings.at(() => cursor.line),
    fail: (reason) => {
      throw new DrbdParseError(format, cursor.line, cursor.lineText, reason);
    },
  };
  return cursor;
}
