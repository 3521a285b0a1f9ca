/**
 * What this node last wrote to the cluster, remembered in $HA_RSCTMP so that a steady-state
 * monitor makes no call to the cluster at all.
 *
 * The memory can be wrong only if the cluster forgot what we wrote while we did not notice.
 * Transient (`-l reboot`) attributes are lost when Pacemaker restarts (pacemaker-attrd starts
 * empty) and when the node reboots ($HA_RSCTMP is on /run and goes too). So the memory is
 * trusted only when (1) our parent process, pacemaker-execd, is the one that wrote it (pid and
 * start time: a Pacemaker restart starts a new execd), and (2) it is younger than `maxAgeMs`
 * (an attrd that restarts alone, an operator's `crm_attribute -D`): then the value is simply
 * written again, once, through attrd (never a CIB query).
 */
import { readJsonFile } from '../fs/json.ts';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.ts';
import { identityOf, type ProcessIdentity } from '../exec/proc.ts';
import type { DrbdVersion } from './version.ts';

export interface Refusal {
  fingerprint: string;
  reason: string;
  at: number;
}

export interface Memory {
  v: 1;
  /** Attribute name (`master-<instance>`) and node it was written for. */
  attr: string;
  node: string | null;
  /** The score last written (null: removed). */
  score: number | null;
  /** The split-brain attribute's value last written (null: removed). */
  splitBrain: string | null;
  /** Who ran us when it was written (pacemaker-execd). */
  writer: ProcessIdentity | null;
  /** Wall-clock ms when last written or confirmed. */
  at: number;
  /** The last promote refused here, kept across stop/start so a refused promote is not retried in a loop. */
  refusal: Refusal | null;
  /** DRBD versions seen at the last start. */
  version: DrbdVersion | null;
}

export function memoryPath(rscTmp: string, instance: string): string {
  return join(rscTmp, `ocfkit-drbd-${instance.replace(/\//g, '_')}.json`);
}

export function loadMemory(path: string): Memory | null {
  // torn or foreign: as if absent (everything is written again)
  const m = readJsonFile(path) as Memory | null;
  return m && m.v === 1 && typeof m.attr === 'string' ? m : null;
}

export function saveMemory(path: string, m: Memory): void {
  writeFileAtomic(path, JSON.stringify(m) + '\n', 0o600);
}

export function emptyMemory(attr: string, node: string | null): Memory {
  return { v: 1, attr, node, score: null, splitBrain: null, writer: null, at: 0, refusal: null, version: null };
}

/** The process that runs this agent: pacemaker-execd under Pacemaker. */
export function currentWriter(): ProcessIdentity | null {
  return identityOf(process.ppid);
}

export interface TrustInput {
  memory: Memory | null;
  attr: string;
  node: string | null;
  writer: ProcessIdentity | null;
  now: number;
  maxAgeMs: number;
}

/** Is what the memory says still what the cluster holds? Pure. */
export function trusted(i: TrustInput): boolean {
  const m = i.memory;
  if (!m || m.attr !== i.attr || m.node !== i.node) return false;
  if (!m.writer || !i.writer || m.writer.pid !== i.writer.pid || m.writer.start !== i.writer.start) return false;
  const age = i.now - m.at;
  return age >= 0 && age < i.maxAgeMs;
}
