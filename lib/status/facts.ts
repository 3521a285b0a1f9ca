/**
 * What `ocfkit status` knows before it decides anything: each source's outcome, typed. Gathered
 * by gather.ts (the only I/O), turned into a report by buildStatus (pure).
 */
import type { ClusterStatus } from '../cluster/model.ts';
import type { DrbdStatus } from 'drbd-status-parser';
import type { ServicesStatus } from '../services/status-file.ts';
import type { EventRecord } from './events.ts';

/** A source that answered, or one line saying why it did not. */
export type Source<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Which resource plays which part of the stack (contract 5 ids by default; see roles.ts). */
export interface StackIds {
  /** The promotable clone whose Promoted instance marks the active node. */
  clone?: string;
  fs?: string;
  vip?: string;
  haproxy?: string;
  services?: string;
}

export interface StatusFacts {
  /** When the facts were taken (epoch ms): durations of running steps end here. */
  now: number;
  /** Minutes to add to UTC for local time (crm_mon prints local times without a zone). */
  tzOffsetMin: number;
  /** This host's node name (uname), or null. */
  localNode: string | null;
  ids: StackIds;
  cluster: Source<ClusterStatus> & { notRunning?: boolean };
  /** The local DRBD status (`drbdsetup events2 --now --statistics`). */
  drbd: Source<DrbdStatus>;
  events: Source<{ events: EventRecord[]; path: string; skipped: number; firstSkip: string | null; truncated: boolean }>;
  /** The services resource's status file on this node (null: no services resource known). */
  services: Source<ServicesStatus> & { path?: string } | null;
}
