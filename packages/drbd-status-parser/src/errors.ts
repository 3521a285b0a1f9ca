import type { Format } from './model.ts';

/** The only error parse() and detect() throw. */
export class DrbdParseError extends Error {
  /** The format the parser was trying, or 'unknown' when detection failed. */
  readonly format: Format | 'unknown';
  /** 1-based line number of the offending line (1 for a whole-document problem). */
  readonly line: number;
  /** The offending line, as found (truncated to 200 characters). */
  readonly lineText: string;
  /** Why the line was rejected. */
  readonly reason: string;

  constructor(format: Format | 'unknown', line: number, lineText: string, reason: string) {
    const shown = lineText.length > 200 ? `${lineText.slice(0, 200)}…` : lineText;
    super(`${format}: line ${line}: ${reason}: ${JSON.stringify(shown)}`);
    this.name = 'DrbdParseError';
    this.format = format;
    this.line = line;
    this.lineText = shown;
    this.reason = reason;
  }

  toJSON(): { name: string; format: string; line: number; lineText: string; reason: string } {
    return {
      name: this.name,
      format: this.format,
      line: this.line,
      lineText: this.lineText,
      reason: this.reason,
    };
  }
}
