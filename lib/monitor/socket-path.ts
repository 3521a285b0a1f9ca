/**
 * The subscriber socket's place on disk (contract 3): `/run/ocfkit/events.d/<pid>.sock`, the
 * directory 01770 root:haclient, the socket 0660 group haclient. Nothing here follows or removes
 * what it did not make: a path that is a symbolic link, a regular file or anything but a socket
 * is refused, never replaced; a stale socket is removed only when no one answers on it.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, unlinkSync, type Stats } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { accountId } from '../fs/accounts.ts';

export const EVENTS_DIR = '/run/ocfkit/events.d';
export const DEFAULT_GROUP = 'haclient';

export const defaultSocketPath = (pid = process.pid): string => join(EVENTS_DIR, `${pid}.sock`);

export class PushSocketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushSocketError';
  }
}

/** The gid of a group (lib/fs/accounts); null when there is none. */
export const groupId = (name: string, groupFile = '/etc/group'): number | null => accountId(groupFile, name);

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function typeOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'symbolic link';
  if (st.isFile()) return 'regular file';
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  return 'device';
}

/** True when something accepts a connection on the socket at `path` (within `timeoutMs`). */
export function answers(path: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    const done = (v: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(true), timeoutMs); // a listener too busy to accept still owns it
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Creates /run/ocfkit (0755) and /run/ocfkit/events.d (01770 root:haclient) when missing; root only. */
export function ensureEventsDir(dir: string, group = DEFAULT_GROUP): void {
  if (lstatOrNull(dir)) return;
  if (process.getuid?.() !== 0) throw new PushSocketError(`${dir} does not exist (the alert install creates it; or run as root)`);
  mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
  mkdirSync(dir, { mode: 0o1770 });
  chmodSync(dir, 0o1770);
  const gid = groupId(group);
  if (gid !== null) chownSync(dir, 0, gid);
}

/**
 * Makes `path` free to listen on: nothing there, or a dead socket (removed). Anything else is a
 * PushSocketError naming what is there.
 */
export async function clearSocketPath(path: string): Promise<'free' | 'removed-stale'> {
  const st = lstatOrNull(path);
  if (!st) return 'free';
  if (!st.isSocket()) throw new PushSocketError(`${path} exists and is a ${typeOf(st)}, not a socket: refusing to replace it`);
  if (await answers(path)) throw new PushSocketError(`${path} is in use by another listener`);
  unlinkIfSame(path, st);
  return 'removed-stale';
}

/** Removes `path` only if it is still the very file `st` describes (same device and inode). */
export function unlinkIfSame(path: string, st: Pick<Stats, 'dev' | 'ino'>): boolean {
  const now = lstatOrNull(path);
  if (!now || now.dev !== st.dev || now.ino !== st.ino || !now.isSocket()) return false;
  unlinkSync(path);
  return true;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `<pid>.sock` sockets of dead processes in `dir`; returns the paths removed. */
export function removeStaleSockets(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = /^(\d{1,10})\.sock$/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (st.isSocket() && unlinkIfSame(path, st)) removed.push(path);
    } catch {
      // gone meanwhile, or not ours to remove (sticky directory)
    }
  }
  return removed;
}
