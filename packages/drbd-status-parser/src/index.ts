/**
 * drbd-status-parser: DRBD status text in, one typed model out. Pure: no I/O, no processes.
 */
import { detect } from './detect.ts';
import { DrbdParseError } from './errors.ts';
import { parseEvents2 } from './formats/events2.ts';
import { parseProc } from './formats/proc.ts';
import { parseShort } from './formats/short.ts';
import { parseStatusJson } from './formats/status-json.ts';
import { parseStatusText } from './formats/status-text.ts';
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
 * Parse a DRBD status document. Returns the model or throws DrbdParseError, nothing else.
 */
export function parse(text: string, opts: ParseOptions = {}): DrbdStatus {
  try {
    if (typeof text !== 'string') throw new DrbdParseError('unknown', 1, '', 'input is not a string');
    if (opts.format !== undefined && !FORMATS.includes(opts.format)) {
      throw new DrbdParseError('unknown', 1, '', `unknown format option ${JSON.stringify(opts.format)}`);
    }
    const format = opts.format ?? detect(text);
    return parseAs(text, format, opts);
  } catch (e) {
    if (e instanceof DrbdParseError) throw e;
    // A bug must still honour the contract: report it as a parse error with the cause.
    const msg = e instanceof Error ? e.message : String(e);
    throw new DrbdParseError(opts.format ?? 'unknown', 1, '', `internal parser error: ${msg}`);
  }
}

function parseAs(text: string, format: Format, opts: ParseOptions): DrbdStatus {
  switch (format) {
    case 'proc-drbd':
      return parseProc(text);
    case 'status-text':
      return parseStatusText(text);
    case 'status-json':
      return parseStatusJson(text, { repairJson: opts.repairJson !== false });
    case 'events2':
      return parseEvents2(text);
    case 'short-role':
    case 'short-cstate':
    case 'short-dstate':
      return parseShort(text, format, opts.resource !== undefined ? { resource: opts.resource } : {});
  }
}

export { detect } from './detect.ts';
export { DrbdParseError } from './errors.ts';
export { factsFor, withFacts, type ResourceFacts, type SyncFact, type DrbdStatusWithFacts } from './facts.ts';
export { parseProc } from './formats/proc.ts';
export { parseStatusText } from './formats/status-text.ts';
export { parseStatusJson } from './formats/status-json.ts';
export { parseEvents2 } from './formats/events2.ts';
export { parseShort } from './formats/short.ts';
export * from './model.ts';
