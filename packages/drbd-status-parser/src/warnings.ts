/**
 * The warnings of one document: at most MAX_WARNINGS are kept, each message at most a few
 * hundred characters; what is left out is counted in one final entry.
 */
import { clip, MAX_ECHO, MAX_WARNINGS } from './limits.ts';
import type { ParseWarning } from './model.ts';

/** Collects warnings for values the normaliser does not know. */
export type Warn = (message: string) => void;

export class Warnings {
  private dropped = 0;

  constructor(private readonly into: ParseWarning[]) {}

  add(line: number | null, message: string): void {
    if (this.into.length >= MAX_WARNINGS) {
      this.dropped++;
      return;
    }
    // Messages quote input through quote()/clip(); this is the backstop for any that do not.
    this.into.push({ line, message: clip(message, 2 * MAX_ECHO) });
  }

  /** Count `n` warnings that were not even created (e.g. repairs beyond the cap). */
  more(n: number): void {
    this.dropped += n;
  }

  /** A Warn bound to a line (or to a function giving the current line). */
  at(line: number | null | (() => number | null)): Warn {
    return typeof line === 'function' ? (m) => this.add(line(), m) : (m) => this.add(line, m);
  }

  /** Append the "N more" entry; call once when the document is complete. */
  finish(): void {
    if (this.dropped > 0) {
      // "N more" counts what was left out, whatever the cap left room for.
      this.into.push({ line: null, message: `${this.dropped} more warnings not shown (at most ${MAX_WARNINGS} are kept)` });
      this.dropped = 0;
    }
  }
}
