/**
 * `loadVars(path)`: a vars file (JSON) → validated StackVars. Every error is a CibVarsError naming
 * the file and, where there is one, the variable (`vars.json: vip.ip: "10.0.0.300" is not …`) or
 * the line and column of a JSON syntax error.
 */
import { readFileSync } from 'node:fs';
import { CibVarsError } from './errors.ts';
import { jsonErrorOffset } from './json-position.ts';
import { validateVars, type StackVars } from './vars.ts';

/** At most this much JSON: a vars file is a page, not a data set. */
export const MAX_VARS_BYTES = 1 << 20;

export function parseVarsText(text: string, source: string): StackVars {
  if (text.length > MAX_VARS_BYTES) throw new CibVarsError(source, '', `is ${text.length} bytes; at most ${MAX_VARS_BYTES}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text) ?? text.length;
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    const near = text.slice(offset, offset + 20).split('\n')[0]!;
    throw new CibVarsError(source, '', `is not valid JSON at line ${line}, column ${column}${near ? ` (near ${JSON.stringify(near)})` : ' (it ends too early)'}`);
  }
  return validateVars(raw, source);
}

export function loadVars(path: string): StackVars {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_VARS_BYTES) throw new CibVarsError(path, '', `is ${bytes.length} bytes; at most ${MAX_VARS_BYTES}`);
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    if (error instanceof CibVarsError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (e.code && !e.code.startsWith('ERR_ENCODING')) throw new CibVarsError(path, '', `cannot read: ${e.code}`);
    throw new CibVarsError(path, '', 'is not valid UTF-8');
  }
  return parseVarsText(text, path);
}
