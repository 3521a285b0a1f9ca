/**
 * Whole-number options that say what they expected and what they got (`--nodes abc`: "--nodes:
 * expected 1 or 2, got 'abc'"), where yargs' `type: 'number'` turns the text into NaN first.
 */
import type { Options } from 'yargs';

export interface IntegerRange {
  min?: number;
  max?: number;
  choices?: readonly number[];
  /** What the number counts, for the message: `seconds`, `ms`. */
  unit?: string;
}

function expected(range: IntegerRange): string {
  const unit = range.unit ? ` (${range.unit})` : '';
  if (range.choices) return `${range.choices.slice(0, -1).join(', ')}${range.choices.length > 1 ? ' or ' : ''}${range.choices.at(-1)}`;
  if (range.min !== undefined && range.max !== undefined) return `a whole number from ${range.min} to ${range.max}${unit}`;
  if (range.min !== undefined) return `a whole number ≥ ${range.min}${unit}`;
  return `a whole number${unit}`;
}

/** The value of `--flag` as a whole number in `range`; throws an Error naming flag, expectation and value. */
export function toInteger(flag: string, value: unknown, range: IntegerRange = {}): number {
  const fail = (got: string): never => {
    throw new Error(`--${flag}: expected ${expected(range)}, got ${got}`);
  };
  if (Array.isArray(value)) return fail(`${value.length} values (${value.map((v) => `'${String(v)}'`).join(', ')}); give it once`);
  const text = String(value).trim();
  if (!/^-?\d+$/.test(text)) return fail(`'${String(value)}'`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return fail(`'${text}'`);
  if (range.choices && !range.choices.includes(n)) return fail(String(n));
  if (range.min !== undefined && n < range.min) return fail(String(n));
  if (range.max !== undefined && n > range.max) return fail(String(n));
  return n;
}

/** A yargs option for a whole number in `range` (no `type`: the raw text reaches the check). */
export function integerOption(flag: string, range: IntegerRange, options: { default?: number; describe: string }): Options {
  return {
    requiresArg: true,
    default: options.default,
    describe: options.describe,
    coerce: (value: unknown) => (value === undefined ? value : toInteger(flag, value, range)),
  };
}
