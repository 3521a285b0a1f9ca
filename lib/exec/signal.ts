/**
 * Signals, only ever to what we can vouch for: a whole process group that ocfkit created (a
 * command the runner started, a service we spawned in its own session), or one process whose
 * identity (pid and start time) is checked again right before the signal.
 */
import { sameProcess, type ProcessIdentity } from './proc.ts';

/** 'gone': nothing was there (ESRCH); 'denied': EPERM. */
export type SignalOutcome = 'sent' | 'gone' | 'denied';

function send(target: number, signal: NodeJS.Signals): SignalOutcome {
  try {
    process.kill(target, signal);
    return 'sent';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'denied' : 'gone';
  }
}

/** Signal every process of group `pgid`. Never falls back to a bare pid. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): SignalOutcome {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) return 'gone';
  return send(-pgid, signal);
}

/** Signal one process, only if it is still the one we recorded. */
export function signalProcess(identity: ProcessIdentity, signal: NodeJS.Signals): SignalOutcome {
  if (identity.pid <= 1 || identity.pid === process.pid || !sameProcess(identity)) return 'gone';
  return send(identity.pid, signal);
}
