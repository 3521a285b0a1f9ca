/**
 * From `OCF_RESKEY_*` strings to typed parameters, following the declaration: defaults
 * applied, required ones present, integers, booleans and durations parsed. Every error names
 * the parameter.
 */
import type { ParameterSpecs } from './agent.ts';
import { misconfigured, type OcfError } from './errors.ts';
import { parseBoolean, parseDuration, parseInteger } from '../pacemaker/values.ts';

export interface ParamResult {
  values: Record<string, unknown>;
  errors: OcfError[];
}

export function readParameters(specs: ParameterSpecs, raw: Record<string, string>): ParamResult {
  const values: Record<string, unknown> = {};
  const errors: OcfError[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const given = raw[name];
    const text = given !== undefined && given !== '' ? given : spec.default;
    if (text === undefined) {
      if (spec.required) errors.push(misconfigured(`required parameter '${name}' is not set`));
      values[name] = undefined;
      continue;
    }
    let value: unknown;
    switch (spec.type) {
      case 'string':
        value = text;
        break;
      case 'integer':
        value = parseInteger(text);
        break;
      case 'boolean':
        value = parseBoolean(text);
        break;
      case 'time':
        value = parseDuration(text);
        break;
    }
    if (value === undefined || value === null) {
      errors.push(misconfigured(`parameter '${name}' must be ${article(spec.type)} ${spec.type}, got '${text}'`));
    }
    values[name] = value;
  }
  return { values, errors };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}
