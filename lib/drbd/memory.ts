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
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
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
  /** The kernel's boot id when written: a memory from another boot is not ours. */
  boot?: string | null;
}

/** A memory file is a few hundred bytes; anything larger is not one. */
const MAX_MEMORY_BYTES = 64 * 1024;

/** This boot's id (/proc/sys/kernel/random/boot_id), or null when unreadable. */
export function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/**
 * The memory file's text, or null. Never blocks and never follows a planted name: not through
 * a symbolic link (O_NOFOLLOW), not a FIFO or a device (O_NONBLOCK, then a regular file only,
 * whose read would otherwise hang every action past its deadline: the read is synchronous), not
 * a file of another owner, not more than 64 KiB.
 */
export function readMemoryText(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    if (!st.isFile() || st.size > MAX_MEMORY_BYTES || (uid !== undefined && st.uid !== uid)) return null;
    const buf = Buffer.alloc(MAX_MEMORY_BYTES + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > MAX_MEMORY_BYTES) return null;
    }
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numOrNull = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));
const strOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

/** Every field of the expected type (a torn, edited or foreign file is not a memory). Pure. */
export function wellFormed(m: unknown): m is Memory {
  if (!isObj(m) || m.v !== 1 || typeof m.attr !== 'string' || !strOrNull(m.node) || !numOrNull(m.score) || !strOrNull(m.splitBrain)) return false;
  if (typeof m.at !== 'number' || !Number.isFinite(m.at)) return false;
  if (m.writer !== null && !(isObj(m.writer) && typeof m.writer.pid === 'number' && typeof m.writer.start === 'string')) return false;
  if (m.refusal !== null && !(isObj(m.refusal) && typeof m.refusal.fingerprint === 'string' && typeof m.refusal.reason === 'string' && typeof m.refusal.at === 'number')) return false;
  if (m.version !== null && !(isObj(m.version) && typeof m.version.kernelCode === 'number' && (m.version.generation === null || ['8.3', '8.4', '9'].includes(m.version.generation as string)))) return false;
  return m.boot === undefined || strOrNull(m.boot);
}

export function memoryPath(rscTmp: string, instance: string): string {
  return join(rscTmp, `ocfkit-drbd-${instance.replace(/\//g, '_')}.json`);
}

export function loadMemory(path: string, boot: string | null = bootId()): Memory | null {
  // torn, foreign or from another boot: as if absent (everything is written again)
  const text = readMemoryText(path);
  if (text === null) return null;
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (!wellFormed(m)) return null;
  return (m.boot ?? null) === boot ? m : null;
}

export function saveMemory(path: string, m: Memory): void {
  writeFileAtomic(path, JSON.stringify({ ...m, boot: bootId() }) + '\n', 0o600);
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
