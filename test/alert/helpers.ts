/** Shared by the alert tests: the real Pacemaker 2.1.5 alert environments of test/fixtures/alert. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvDump } from '../../lib/alert/env.ts';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'alert');

export function fixtureEnv(scenario: string): Record<string, string> {
  return parseEnvDump(readFileSync(join(FIXTURES, `pacemaker-2.1.5-${scenario}.env`), 'utf8'));
}

export function fixtureScenarios(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.startsWith('pacemaker-2.1.5-') && f.endsWith('.env'))
    .map((f) => f.slice('pacemaker-2.1.5-'.length, -'.env'.length))
    .sort();
}
