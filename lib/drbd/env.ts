/** Everything an action needs, built once from the OCF context by the agent. */
import type { Logger } from '../log/logger.ts';
import type { ScoreEnv } from './score.ts';
import type { ToolEnv } from './tools.ts';

export interface DrbdEnv {
  tools: ToolEnv;
  score: ScoreEnv;
  log: Logger;
  isProbe: boolean;
  /** wfc_timeout: how long start waits for the connection (it never fails for want of it). */
  wfcTimeoutMs: number;
  /** force_promote: promote Consistent (not known UpToDate) data too. */
  forcePromote: boolean;
}

export const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
