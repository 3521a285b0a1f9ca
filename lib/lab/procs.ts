/**
 * A lab node's processes are exactly those in its namespaces: the PID namespace is shared with
 * the host, so a node is never found by process name. These helpers read /proc directly.
 */
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { Deadline } from '../exec/deadline.ts';
import { pollUntil } from '../exec/wait.ts';

/** The inode of a namespace file (`/run/netns/x`, a bound mount-namespace file), or null. */
export function namespaceInode(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
}

export interface NamespaceInodes {
  net?: number | null;
  mnt?: number | null;
}

/** PIDs whose network or mount namespace is one of the given ones (zombies have none). */
export function pidsInNamespaces(inodes: NamespaceInodes): number[] {
  const wanted: string[] = [];
  if (inodes.net) wanted.push(`net:[${inodes.net}]`);
  if (inodes.mnt) wanted.push(`mnt:[${inodes.mnt}]`);
  if (wanted.length === 0) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (const kind of ['net', 'mnt']) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${entry}/ns/${kind}`);
      } catch {
        continue;
      }
      if (wanted.includes(link)) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
}

/** True while the process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    readlinkSync(`/proc/${pid}/ns/net`);
    return true;
  } catch {
    return false;
  }
}

export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}


/**
 * SIGKILL every process of the namespaces until none is left (a process may fork while the
 * first round is delivered). Returns the number of processes killed; throws after `timeoutMs`.
 */
export async function killNamespaces(inodes: NamespaceInodes, timeoutMs = 10_000): Promise<number> {
  const seen = new Set<number>();
  let pids: number[] = [];
  const gone = await pollUntil(
    () => {
      pids = pidsInNamespaces(inodes);
      if (pids.length === 0) return true;
      for (const p of pids) seen.add(p);
      signalAll(pids, 'SIGKILL');
      return false;
    },
    Deadline.after(timeoutMs),
    20,
  );
  if (!gone) throw new Error(`processes still alive after SIGKILL: ${pids.join(' ')}`);
  return seen.size;
}
