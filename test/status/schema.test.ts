/**
 * `--json` prints the report; lib/status/status.schema.json documents it (JSON Schema 2020-12,
 * closed objects: every field required, no field undocumented). Every scenario's report must
 * validate; a report with an undocumented field, a missing one or a wrong value must not.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildStatus } from '../../lib/status/build.ts';
import { SCHEMA } from '../../lib/status/report.ts';
import { facts, ROOT } from './helpers.ts';
import { SCENARIOS } from './scenarios.ts';

type Schema = { type?: string | string[]; const?: unknown; enum?: unknown[]; oneOf?: Schema[]; properties?: Record<string, Schema>; required?: string[]; additionalProperties?: boolean; items?: Schema };
const schema = JSON.parse(readFileSync(join(ROOT, 'lib/status/status.schema.json'), 'utf8')) as Schema;

/** The subset of JSON Schema the document uses; returns the first violation's path, or null. */
function violation(s: Schema, v: unknown, path = '$'): string | null {
  if (s.oneOf) {
    const why = s.oneOf.map((alt) => violation(alt, v, path));
    // name the object alternative's violation: it says more than "no alternative"
    return why.includes(null) ? null : (why.find((w) => !/: null, expected|expected null/.test(w!)) ?? `${path}: matches no alternative`);
  }
  if ('const' in s && v !== s.const) return `${path}: expected ${JSON.stringify(s.const)}`;
  if (s.enum && !s.enum.includes(v)) return `${path}: ${JSON.stringify(v)} not in ${JSON.stringify(s.enum)}`;
  if (s.type) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const actual = v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) && types.includes('integer') ? 'integer' : typeof v;
    if (!types.includes(actual)) return `${path}: ${actual}, expected ${types.join('|')}`;
  }
  if (s.properties && v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    for (const k of s.required ?? []) if (!(k in o)) return `${path}.${k}: missing`;
    for (const k of Object.keys(o)) {
      if (!(k in s.properties)) {
        if (s.additionalProperties === false) return `${path}.${k}: not in the schema`;
        continue;
      }
      const bad = violation(s.properties[k]!, o[k], `${path}.${k}`);
      if (bad) return bad;
    }
  }
  if (s.items && Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const bad = violation(s.items, x, `${path}[${i}]`);
      if (bad) return bad;
    }
  }
  return null;
}

t.test('every scenario\'s report matches the documented schema', async (t) => {
  t.equal((schema.properties!.schema as Schema).const, SCHEMA);
  for (const [name, files] of Object.entries(SCENARIOS)) {
    const json = JSON.parse(JSON.stringify(buildStatus(facts(files)))) as unknown;
    t.equal(violation(schema, json), null, name);
  }
});

t.test('the check can fail: extra, missing and wrong fields are caught', async (t) => {
  const good = () => JSON.parse(JSON.stringify(buildStatus(facts(SCENARIOS.healthy!)))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const extra = good();
  extra.failover.steps[0].surprise = 1;
  t.match(violation(schema, extra), /steps\[0\]\.surprise: not in the schema/);
  const missing = good();
  delete missing.verdict.reasons;
  t.match(violation(schema, missing), /verdict\.reasons: missing/);
  const wrong = good();
  wrong.failover.steps[1].state = 'finished';
  t.match(violation(schema, wrong), /state: "finished" not in/);
});
