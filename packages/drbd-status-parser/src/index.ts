/**
 * drbd-status-parser: DRBD status text in, one typed model out. Pure: no I/O, no processes.
 */
import { detect } from './detect.ts';
import { DrbdParseError } from './errors.ts';
import { parseEvents2 as events2 } from './formats/events2.ts';
import { parseProc as proc } from './formats/proc.ts';
import { parseShort as short, type ShortFormat, type ShortOptions } from './formats/short.ts';
import { parseStatusJson as statusJson, type JsonOptions } from './formats/status-json.ts';
import { parseStatusText as statusText } from './formats/status-text.ts';
import { decode, refuseBadCharacters, refuseNul } from './input.ts';
import { FORMATS, type DrbdStatus, type Format } from './model.ts';

export interface ParseOptions {
  /** Skip detection and parse as this format (an empty `drbdadm status` is then 0 resources). */
  format?: Format;
  /** status-json: repair bare nan/inf to null with a warning (default true) or reject. */
  repairJson?: boolean;
  /** short-*: the resource name to use (the short outputs do not print it). */
  resource?: string;
}

/**
 * Parse a DRBD status document: the text, or the bytes a command printed (UTF-8). Returns the
 * model or throws DrbdParseError, nothing else. Invalid UTF-8, U+FFFD, lone surrogates and NUL
 * bytes (except in /proc/drbd's I/O flags, where DRBD 8.3 printed one) are refused with the line.
 */
export function parse(input: string | Uint8Array, opts: ParseOptions = {}): DrbdStatus {
  try {
    if (opts.format !== undefined && !FORMATS.includes(opts.format)) {
      throw new DrbdParseError('unknown', 1, '', `unknown format option ${JSON.stringify(opts.format)}`);
    }
    const text = checkedText(input, opts.format ?? 'unknown');
    const format = opts.format ?? detect(text);
    if (format !== 'proc-drbd') refuseNul(text, format);
    return parseAs(text, format, opts);
  } catch (e) {
    throw asParseError(e, opts.format ?? 'unknown');
  }
}

function checkedText(input: string | Uint8Array, format: Format | 'unknown'): string {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) text = decode(input, format);
  else throw new DrbdParseError('unknown', 1, '', 'input is not a string (nor UTF-8 bytes)');
  refuseBadCharacters(text, format);
  return text;
}

/** A bug must still honour the contract: report it as a parse error with the cause. */
function asParseError(e: unknown, format: Format | 'unknown'): DrbdParseError {
  if (e instanceof DrbdParseError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new DrbdParseError(format, 1, '', `internal parser error: ${msg}`);
}

function parseAs(text: string, format: Format, opts: ParseOptions): DrbdStatus {
  switch (format) {
    case 'proc-drbd':
      return proc(text);
    case 'status-text':
      return statusText(text);
    case 'status-json':
      return statusJson(text, { repairJson: opts.repairJson !== false });
    case 'events2':
      return events2(text);
    case 'short-role':
    case 'short-cstate':
    case 'short-dstate':
      return short(text, format, opts.resource !== undefined ? { resource: opts.resource } : {});
  }
}

/** One format, without detection: the same input checks and the same only-DrbdParseError contract. */
function one(format: Format, input: string | Uint8Array, run: (text: string) => DrbdStatus): DrbdStatus {
  try {
    const text = checkedText(input, format);
    if (format !== 'proc-drbd') refuseNul(text, format);
    return run(text);
  } catch (e) {
    throw asParseError(e, format);
  }
}

export const parseProc = (input: string | Uint8Array): DrbdStatus => one('proc-drbd', input, proc);
export const parseStatusText = (input: string | Uint8Array): DrbdStatus => one('status-text', input, statusText);
export const parseStatusJson = (input: string | Uint8Array, opts: JsonOptions = {}): DrbdStatus =>
  one('status-json', input, (t) => statusJson(t, opts));
export const parseEvents2 = (input: string | Uint8Array): DrbdStatus => one('events2', input, events2);
export const parseShort = (input: string | Uint8Array, format: ShortFormat, opts: ShortOptions = {}): DrbdStatus =>
  one(format, input, (t) => short(t, format, opts));

export { detect } from './detect.ts';
export { DrbdParseError } from './errors.ts';
export { factsFor, withFacts, type ResourceFacts, type SyncFact, type DrbdStatusWithFacts } from './facts.ts';
export type { ShortFormat, ShortOptions } from './formats/short.ts';
export type { JsonOptions } from './formats/status-json.ts';
export * from './model.ts';
export { FIELD_NAMES } from './fields.ts';
export { MAX_WARNINGS, MAX_ECHO, MAX_STATS, MAX_JSON_DEPTH } from './limits.ts';
