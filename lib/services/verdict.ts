/** From the health of every service to one answer about them all. Pure; the agent maps it to a code. */
import type { Health } from './backend.ts';

export type Summary =
  | { state: 'running' }
  | { state: 'stopped' }
  | { state: 'failed'; reason: string }
  /** Nothing runs, and something cannot run on this node. */
  | { state: 'unavailable'; reason: string };

export function summarize(health: { name: string; health: Health }[]): Summary {
  const failed = health.filter((h) => h.health.state === 'failed');
  const running = health.filter((h) => h.health.state === 'running');
  const idle = health.filter((h) => h.health.state === 'stopped' || h.health.state === 'unavailable');
  const unavailable = health.filter((h) => h.health.state === 'unavailable');
  if (failed.length > 0) {
    const first = failed[0]!;
    const more = failed.length > 1 ? ` (and ${failed.slice(1).map((f) => f.name).join(', ')})` : '';
    return { state: 'failed', reason: `service ${first.name} failed: ${(first.health as { reason: string }).reason}${more}` };
  }
  if (running.length === health.length) return { state: 'running' };
  if (running.length > 0) {
    return { state: 'failed', reason: `service ${idle.map((s) => s.name).join(', ')} not running while ${running.map((r) => r.name).join(', ')} run` };
  }
  if (unavailable.length > 0) {
    const first = unavailable[0]!;
    return { state: 'unavailable', reason: `service ${first.name}: ${(first.health as { reason: string }).reason}` };
  }
  return { state: 'stopped' };
}
