/**
 * Which HAProxy process this node's claim was made on, per socket: a reload or restart starts a
 * new process that may have lost the runtime changes (no server-state-file, a state file HAProxy
 * ignored, an address 2.6 does not restore). A recurring monitor that sees another process
 * re-asserts the claim instead of failing.
 */
import { readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../fs/atomic.ts';
import type { ProcessInfo } from './stat.ts';

export interface ProcessMark {
  pid: number;
  /** Wall-clock seconds when that process started (now − uptime); ±2 s. */
  startedAtS: number;
}

export type ClaimRecord = Record<string, ProcessMark>;

export function markOf(info: ProcessInfo, nowS: number): ProcessMark {
  return { pid: info.pid, startedAtS: Math.round(nowS - info.uptimeS) };
}

export function sameProcess(a: ProcessMark, b: ProcessMark): boolean {
  return a.pid === b.pid && Math.abs(a.startedAtS - b.startedAtS) <= 2;
}

export function readRecord(path: string): ClaimRecord | null {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return data && typeof data === 'object' ? (data as ClaimRecord) : null;
  } catch {
    return null;
  }
}

export function writeRecord(path: string, record: ClaimRecord): void {
  writeFileAtomic(path, JSON.stringify(record) + '\n', 0o600);
}

export function removeRecord(path: string): void {
  rmSync(path, { force: true });
}
