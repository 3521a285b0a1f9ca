/**
 * Facts → decision → side effect: the promotion score and the split-brain flag written through
 * crm_attribute only when they differ from what this node remembers having written (memory.ts).
 */
import type { Logger } from '../log/logger.ts';
import type { Runner } from '../exec/run.ts';
import type { Deadline } from '../exec/deadline.ts';
import { scoreAttr, splitBrainAttr, writeAttr } from './attributes.ts';
import type { DrbdFacts } from './facts.ts';
import { decideScore, targetScore, type Decision, type Tiers } from './ladder.ts';
import { currentWriter, emptyMemory, loadMemory, saveMemory, trusted, type Memory } from './memory.ts';

export interface ScoreEnv {
  exec: Runner;
  deadline: Deadline;
  log: Logger;
  instance: string;
  /** The DRBD resource (names the split-brain attribute). */
  resource: string;
  node: string | null;
  memoryPath: string;
  maxAgeMs: number;
  tiers: Tiers;
  removeIfPeerPrimary: boolean;
  now?: () => number;
}

/** The memory for this instance (a fresh one when absent or written for another name/node). */
export function memoryFor(env: Pick<ScoreEnv, 'memoryPath' | 'instance' | 'node'>): Memory {
  const m = loadMemory(env.memoryPath);
  const attr = scoreAttr(env.instance);
  // another instance's or another node's memory is not ours: nothing of it (not its refusal) counts
  return m && m.attr === attr && m.node === env.node ? m : emptyMemory(attr, env.node);
}

export function decide(env: Pick<ScoreEnv, 'tiers' | 'removeIfPeerPrimary'>, facts: DrbdFacts, memory: Memory): Decision {
  const promoteRefused = memory.refusal !== null && memory.refusal.fingerprint === facts.fingerprint;
  return decideScore(facts, { tiers: env.tiers, removeIfPeerPrimary: env.removeIfPeerPrimary, promoteRefused });
}

export function splitBrainValue(facts: DrbdFacts): string | null {
  // the summary starts with the role
  return facts.splitBrain ? facts.summary.slice(0, 200) : null;
}

export interface ScoreOutcome {
  decision: Decision;
  /** crm_attribute calls made. */
  calls: number;
  /** Why an attribute could not be written (the monitor still answers). */
  problems: string[];
}

/**
 * Bring the node attributes in line with the facts. `forceScore` overrides the ladder (stop:
 * null). Writes only what differs from a trusted memory; an untrusted memory is written again.
 */
export async function updateAttributes(env: ScoreEnv, facts: DrbdFacts | null, forceScore?: null): Promise<ScoreOutcome> {
  const now = (env.now ?? Date.now)();
  const memory = memoryFor(env);
  const decision: Decision = forceScore === null || !facts ? { kind: 'remove', why: 'stopped' } : decide(env, facts, memory);
  const writer = currentWriter();
  const sure = trusted({ memory, attr: memory.attr, node: env.node, writer, now, maxAgeMs: env.maxAgeMs });
  const problems: string[] = [];
  let calls = 0;
  // the memory becomes trusted (this writer, now) only once the score has been written
  const next: Memory = { ...memory };

  const score = targetScore(decision);
  if (score !== undefined && (!sure || memory.score !== score)) {
    calls++;
    const problem = await writeAttr(env, memory.attr, score === null ? null : String(score));
    if (problem) problems.push(problem);
    else {
      if (memory.score !== score) env.log.info(`promotion score ${score === null ? 'removed' : `set to ${score}`}: ${decision.why}`);
      Object.assign(next, { score, writer, at: now });
    }
  }

  const sb = forceScore === null || !facts ? null : splitBrainValue(facts);
  // a lost memory or a restarted Pacemaker: the flag may be stale only if we had set it
  const sbDiffers = memory.splitBrain !== sb || (!sure && sb !== null);
  if (sbDiffers) {
    calls++;
    const problem = await writeAttr(env, splitBrainAttr(env.resource), sb);
    if (problem) problems.push(problem);
    else next.splitBrain = sb;
  }

  for (const p of problems) env.log.warn(`${p}; the next monitor tries again`);
  if (problems.length > 0) next.at = 0; // not trusted: write again next time
  if (calls > 0) {
    try {
      saveMemory(env.memoryPath, next);
    } catch (error) {
      env.log.warn(`cannot remember the score in ${env.memoryPath}: ${(error as Error).message}; it will be written at every monitor`);
    }
  }
  return { decision, calls, problems };
}
