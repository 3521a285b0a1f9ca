/**
 * What the DRBD state means to Pacemaker, as a monitor answer. Pure.
 *
 *   down                                   OCF_NOT_RUNNING
 *   Secondary                              OCF_SUCCESS
 *   Primary                                OCF_RUNNING_PROMOTED
 *   Primary with a Failed/Diskless disk    OCF_FAILED_PROMOTED (its I/O goes nowhere good)
 *   split brain suspected                  OCF_DEGRADED / OCF_DEGRADED_PROMOTED with the evidence:
 *                                          running, so Pacemaker recovers nothing (a restart would
 *                                          not heal it and must not discard data), but shown
 */
import { OCF, type OcfCode } from '../ocf/codes.ts';
import type { DrbdFacts } from './facts.ts';

export interface MonitorAnswer {
  code: OcfCode;
  reason?: string;
}

export function monitorAnswer(f: DrbdFacts): MonitorAnswer {
  if (!f.configured) return { code: OCF.NOT_RUNNING };
  if (f.primary && (f.local === 'Failed' || f.local === 'Diskless')) {
    return { code: OCF.FAILED_PROMOTED, reason: `Primary with local disk ${f.local}: ${f.summary}` };
  }
  if (f.splitBrain) {
    return {
      code: f.primary ? OCF.DEGRADED_PROMOTED : OCF.DEGRADED,
      // the evidence first (Pacemaker keeps 128 bytes); how to resolve it goes to the log
      reason: `split brain suspected on ${f.resource}: ${f.summary}`,
    };
  }
  return { code: f.primary ? OCF.RUNNING_PROMOTED : OCF.SUCCESS };
}
