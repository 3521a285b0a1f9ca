/**
 * Bounds that keep hostile input (a 20 MB line, a million unknown keys) from turning into
 * megabytes of warnings or statistics. Real DRBD output stays far below each of them.
 */

/** Warnings kept per document; the rest are counted in one final "N more warnings" entry. */
export const MAX_WARNINGS = 100;
/** Characters of input echoed in a warning or an error; longer text ends in an ellipsis. */
export const MAX_ECHO = 200;
/** Statistics (unknown keys) kept per object; drbdsetup prints about 30 at most. */
export const MAX_STATS = 256;
/** JSON nesting: drbdsetup's documents are 5 deep. */
export const MAX_JSON_DEPTH = 64;

/** Input text as shown in a message: at most MAX_ECHO characters, then an ellipsis. */
export function clip(text: string, max: number = MAX_ECHO): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Input text quoted for a message (JSON string syntax, so control characters are visible). */
export const quote = (text: string): string => JSON.stringify(clip(text));
