/**
 * The agent's actions over DRBD: facts first (one status read), then a decision, then commands.
 */
import { OCF, type OcfCode } from '../ocf/codes.ts';
import { outcome } from '../exec/run.ts';
import { describeHolders } from './holders.ts';
import type { DrbdFacts } from './facts.ts';
import { monitorAnswer } from './monitor-code.ts';
import { decide, memoryFor, updateAttributes } from './score.ts';
import { drbdadm, lastLine, readStatus, type StatusRead } from './tools.ts';
import { saveMemory } from './memory.ts';
import { sleepMs, type DrbdEnv } from './env.ts';

export interface Answer {
  code: OcfCode;
  reason?: string;
}

/** DRBD's exit code for "refused: no access to UpToDate data" (drbdadm primary). */
export const EXIT_REFUSED = 17;
/**
 * drbdsetup's exit codes for a state change DRBD refused (11: e.g. a peer still Primary, an
 * unfenced peer; 17: no UpToDate data). Only these are DRBD's answer about this state; a
 * timeout, a signal or another exit (a config error, a broken drbdadm) says nothing about it.
 */
export const STATE_REFUSALS: readonly number[] = [11, EXIT_REFUSED];
const RETRY_MS = 1000;

function statusProblem(s: Exclude<StatusRead, { kind: 'ok' }>): Answer {
  return { code: s.kind === 'missing' ? OCF.ERR_INSTALLED : OCF.ERR_GENERIC, reason: s.reason };
}

function laggingWarning(env: DrbdEnv, f: DrbdFacts): void {
  if (f.laggingVolumes.length === 0) return;
  const unsynced = f.unsyncedVolumes.length > 0 ? `; volume ${f.unsyncedVolumes.join(', ')} is Inconsistent on every node (added live, initial sync not started: no node can be promoted until it is)` : '';
  const follows = f.primary && f.unsyncedVolumes.length > 0 ? `this Primary keeps the score of its other volumes (${f.local})` : `the score follows the worst volume (${f.local}) until they are UpToDate`;
  env.log.warn(`volumes of ${f.resource} differ: ${f.laggingVolumes.map((v) => `volume ${v.volume} is ${v.disk}`).join(', ')}; ${follows}${unsynced}`);
}

export async function monitor(env: DrbdEnv): Promise<Answer> {
  const s = await readStatus(env.tools);
  if (s.kind !== 'ok') return statusProblem(s);
  const answer = monitorAnswer(s.facts);
  // a probe only looks (a score set during a probe delays promotion); a stopped resource has none
  if (env.isProbe || !s.facts.configured) return answer;
  laggingWarning(env, s.facts);
  if (s.facts.splitBrain) {
    env.log.warn(
      `split brain suspected: ${s.facts.splitBrainEvidence.join('; ')}; resolve by hand: on the node whose changes are to be thrown away, drbdadm connect --discard-my-data ${s.facts.resource}`,
    );
  }
  await updateAttributes(env.score, s.facts);
  return answer;
}

/** Read the status until `ok`, retrying a failed read once a second while time is left. */
async function statusNow(env: DrbdEnv): Promise<StatusRead> {
  for (;;) {
    const s = await readStatus(env.tools);
    if (s.kind !== 'failed' || env.tools.deadline.remaining() < RETRY_MS * 2) return s;
    env.log.warn(`${s.reason}; reading again`);
    await sleepMs(RETRY_MS);
  }
}

export async function start(env: DrbdEnv): Promise<Answer> {
  let s = await statusNow(env);
  if (s.kind !== 'ok') return statusProblem(s);
  if (s.facts.primary) {
    env.log.warn(`${env.tools.resource} is already Primary at start: making it Secondary`);
    const r = await drbdadm(env.tools, ['secondary']);
    if (r.failed) return { code: OCF.ERR_GENERIC, reason: `start: ${env.tools.resource} is Primary and 'drbdadm secondary' failed: ${lastLine(r) || outcome(r)}` };
  }
  // up: create, attach, connect (adjust when already configured: attach/connect what is missing)
  let tries = 0;
  for (;;) {
    const r = await drbdadm(env.tools, [s.facts.configured ? 'adjust' : 'up']);
    const next = await statusNow(env);
    if (next.kind !== 'ok') return statusProblem(next);
    s = next;
    if (s.facts.configured && s.facts.local !== 'Transitional' && (!r.failed || s.facts.local !== 'Diskless')) break;
    if (++tries >= 2 || env.tools.deadline.remaining() < RETRY_MS * 3) {
      return { code: OCF.ERR_GENERIC, reason: `start: drbdadm ${tries > 1 ? 'up/adjust' : 'up'} ${env.tools.resource}: ${lastLine(r) || outcome(r)} (${s.facts.summary})` };
    }
    await sleepMs(RETRY_MS);
  }
  // wait a little for the peer (wfc_timeout), never failing for want of it
  const until = env.tools.deadline.within(env.wfcTimeoutMs);
  while (!s.facts.connected && until.remaining() > 250) {
    await sleepMs(Math.min(250, until.remaining()));
    const next = await readStatus(env.tools);
    if (next.kind === 'ok') s = next;
  }
  if (!s.facts.connected) env.log.info(`started without a connected peer: ${s.facts.summary}`);
  laggingWarning(env, s.facts);
  await updateAttributes(env.score, s.facts);
  return { code: OCF.SUCCESS };
}

export async function stop(env: DrbdEnv): Promise<Answer> {
  let lastProblem = '';
  let minors: number[] = [];
  // a `drbdadm down` that exits 0 and leaves the resource up is read again once, then paced
  let downDone = false;
  for (;;) {
    const s = await readStatus(env.tools);
    if (s.kind === 'missing') {
      // no drbdsetup on this node: nothing of DRBD can have been started by it
      env.log.warn(`${s.reason}: nothing to stop`);
      break;
    }
    if (s.kind === 'ok') {
      if (!s.facts.configured) break;
      minors = s.facts.minors.length > 0 ? s.facts.minors : minors;
      if (downDone) {
        lastProblem = `'drbdadm down' exited 0, but ${env.tools.resource} is still up (${s.facts.summary})`;
        downDone = false;
      } else {
        if (s.facts.primary) {
          const r = await drbdadm(env.tools, ['secondary']);
          if (r.failed) lastProblem = `drbdadm secondary: ${lastLine(r) || outcome(r)}`;
        }
        const r = await drbdadm(env.tools, ['down']);
        if (!r.failed) {
          downDone = true;
          continue; // read again: down done means not configured
        }
        lastProblem = `drbdadm down: ${lastLine(r) || outcome(r)}`;
      }
    } else {
      lastProblem = s.reason;
    }
    if (env.tools.deadline.remaining() < RETRY_MS * 2) {
      const held = minors.map((m) => describeHolders(m)).join('; ');
      const reason = `stop failed: ${held ? `${held}; ` : ''}${lastProblem}`;
      await updateAttributes(env.score, null, null);
      return { code: OCF.ERR_GENERIC, reason };
    }
    await sleepMs(RETRY_MS);
  }
  await updateAttributes(env.score, null, null);
  return { code: OCF.SUCCESS };
}

/**
 * Remember the refusal with the state it happened in: until that state changes the ladder gives
 * no score here, so Pacemaker does not drive promote → fail → recover → promote in a loop.
 */
async function refuse(env: DrbdEnv, f: DrbdFacts, reason: string, remember = true): Promise<Answer> {
  if (!remember) {
    await updateAttributes(env.score, f);
    return { code: OCF.ERR_GENERIC, reason };
  }
  try {
    saveMemory(env.score.memoryPath, { ...memoryFor(env.score), refusal: { fingerprint: f.fingerprint, reason, at: Date.now() } });
  } catch (error) {
    env.log.warn(`cannot remember the refused promote: ${(error as Error).message}`);
  }
  await updateAttributes(env.score, f);
  return { code: OCF.ERR_GENERIC, reason };
}

/** Why these facts must not be promoted, or null. */
export function promoteObstacle(f: DrbdFacts, force: boolean): string | null {
  if (!f.quorum) return `no quorum (${f.summary})`;
  if (f.splitBrain) return `split brain suspected (${f.summary})`;
  if (f.local === 'UpToDate') return null;
  if (f.local === 'Consistent' && force) return null;
  const hint = f.local === 'Consistent' ? '; force_promote=true allows Consistent data' : '';
  return `local data is ${f.local}, not UpToDate (${f.summary})${hint}`;
}

export async function promote(env: DrbdEnv): Promise<Answer> {
  const s = await statusNow(env);
  if (s.kind !== 'ok') return statusProblem(s);
  const f = s.facts;
  if (!f.configured) return { code: OCF.ERR_GENERIC, reason: `promote: ${env.tools.resource} is not started` };
  if (f.primary) return { code: OCF.SUCCESS };
  const memory = memoryFor(env.score);
  const obstacle = promoteObstacle(f, env.forcePromote);
  if (obstacle) return refuse(env, f, `refusing to promote: ${obstacle}`);
  // one try: a refusal is DRBD's answer, not a race to retry (exit 17, or a peer still Primary)
  const r = await drbdadm(env.tools, ['primary']);
  if (!r.failed) {
    const after = await readStatus(env.tools);
    if (after.kind === 'ok') await updateAttributes(env.score, after.facts);
    if (memory.refusal) saveMemory(env.score.memoryPath, { ...memoryFor(env.score), refusal: null });
    return { code: OCF.SUCCESS };
  }
  const why = r.exitCode === EXIT_REFUSED ? `DRBD refused (exit 17): no access to UpToDate data, or the peer could not be fenced` : `drbdadm primary: ${lastLine(r) || outcome(r)}`;
  const peer = f.peerPrimary ? '; the peer is still Primary (cluster split while DRBD is connected?)' : '';
  const refused = !r.timedOut && r.signal === null && r.exitCode !== null && STATE_REFUSALS.includes(r.exitCode);
  return refuse(env, f, `promote failed: ${why}${peer} (${f.summary})`, refused);
}

export async function demote(env: DrbdEnv): Promise<Answer> {
  let lastProblem = '';
  // a `drbdadm secondary` that exits 0 and leaves it Primary is read again once, then paced
  let secondaryDone = false;
  for (;;) {
    const s = await readStatus(env.tools);
    if (s.kind === 'missing') return statusProblem(s);
    if (s.kind === 'ok') {
      if (!s.facts.configured) return { code: OCF.ERR_GENERIC, reason: `demote: ${env.tools.resource} is not started` };
      if (!s.facts.primary) {
        await updateAttributes(env.score, s.facts);
        return { code: OCF.SUCCESS };
      }
      if (secondaryDone) {
        lastProblem = `'drbdadm secondary' exited 0, but ${env.tools.resource} is still Primary (${s.facts.summary})`;
        secondaryDone = false;
      } else {
        const r = await drbdadm(env.tools, ['secondary']);
        if (!r.failed) {
          secondaryDone = true;
          continue;
        }
        lastProblem = `drbdadm secondary: ${lastLine(r) || outcome(r)}`;
      }
      if (env.tools.deadline.remaining() < RETRY_MS * 2) {
        const held = s.facts.minors.map((m) => describeHolders(m)).join('; ');
        return { code: OCF.ERR_GENERIC, reason: `demote failed: ${held ? `${held}; ` : ''}${lastProblem}` };
      }
    } else {
      lastProblem = s.reason;
      if (env.tools.deadline.remaining() < RETRY_MS * 2) return { code: OCF.ERR_GENERIC, reason: `demote failed: ${lastProblem}` };
    }
    await sleepMs(RETRY_MS);
  }
}

/** notify: never needed for correctness. After any operation the state is read and the score brought up to date. */
export async function notify(env: DrbdEnv, type: string, operation: string): Promise<Answer> {
  env.log.info(`notify ${type}-${operation}`);
  if (type !== 'post') return { code: OCF.SUCCESS };
  const s = await readStatus(env.tools);
  if (s.kind === 'ok' && s.facts.configured) await updateAttributes(env.score, s.facts);
  return { code: OCF.SUCCESS };
}

/** reload: parameters such as adjust_master_score changed; bring the score up to date. */
export async function reload(env: DrbdEnv): Promise<Answer> {
  const s = await readStatus(env.tools);
  if (s.kind === 'ok' && s.facts.configured) {
    const m = memoryFor(env.score);
    env.log.info(`reload: ${decide(env.score, s.facts, m).why}`);
    // forget the memory's trust: the tiers may have changed
    saveMemory(env.score.memoryPath, { ...m, at: 0 });
    await updateAttributes(env.score, s.facts);
  }
  return { code: OCF.SUCCESS };
}
