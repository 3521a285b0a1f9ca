/** Helpers over test/fixtures/cluster: list and read fixtures by kind. */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/cluster/', import.meta.url));

export function fixtures(pattern: RegExp): string[] {
  return readdirSync(FIXTURES).filter((f) => pattern.test(f)).sort();
}

export function read(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8');
}

/** Scenarios made by make-fixtures.sh (each has every output kind). */
export const SCENARIOS = [
  'two-node-healthy', 'standby-node', 'switchover-window', 'offline-node', 'unclean-node', 'maintenance-node', 'maintenance-cluster',
  'failed-actions', 'bundle', 'constraints',
];
