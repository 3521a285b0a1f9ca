/**
 * One human-readable line per event for `ocfkit events`. Pure.
 *   2026-11-27 11:10:06.234 node1  resource st promote: ok
 *   2026-11-27 11:12:08.598 node1  resource dummy monitor (5s) FAILED rc=7 (expected 0): not running
 *   2026-11-27 11:12:17.602 node2  node lost (id 2)                              [seen by node1]
 *   2026-11-27 11:12:23.642 node2  fencing reboot: OK                           [seen by node1]
 */
import type { AlertEventRecord } from './event.ts';
import { oneLine } from '../log/logger.ts';

function interval(ms: number): string {
  if (ms === 0) return '';
  if (ms % 3_600_000 === 0) return ` (${ms / 3_600_000}h)`;
  if (ms % 60_000 === 0) return ` (${ms / 60_000}m)`;
  if (ms % 1000 === 0) return ` (${ms / 1000}s)`;
  return ` (${ms}ms)`;
}

function cut(text: string, max = 160): string {
  return oneLine(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}

export function formatEvent(e: AlertEventRecord): string {
  const when = e.time.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1');
  let what: string;
  switch (e.kind) {
    case 'resource': {
      // status 1 = cancelled, 0 with rc ≠ target = the operation failed
      const failed = e.status === 0 && e.rc !== e.targetRc && !(e.task === 'monitor' && e.rc === 7 && e.targetRc === 7);
      const head = `resource ${e.resource} ${e.task}${interval(e.interval)}`;
      what = failed ? `${head} FAILED rc=${e.rc} (expected ${e.targetRc}): ${cut(e.desc)}` : `${head}: ${cut(e.desc)}`;
      break;
    }
    case 'node':
      what = `node ${cut(e.desc)} (id ${cut(e.nodeId, 20)})`;
      break;
    case 'fencing':
      what = `fencing ${e.task}: ${e.rc === 0 ? 'OK' : `FAILED rc=${e.rc}`} - ${cut(e.desc)}`;
      break;
    case 'attribute':
      what = e.value === null ? `attribute ${cut(e.attribute, 80)} deleted` : `attribute ${cut(e.attribute, 80)} = ${cut(e.value, 80)}`;
      break;
  }
  const seen = e.kind === 'node' || e.kind === 'fencing' ? `  [seen by ${cut(e.seenBy, 40)}]` : '';
  return `${when} ${cut(e.node, 40).padEnd(6)} ${what}${seen}`;
}
