/**
 * The push socket of contract 3, subscriber side: listen on `/run/ocfkit/events.d/<pid>.sock`
 * (0660, group haclient, so the alert agent running as hacluster can connect), call `onEvent`
 * for each line (several per connection, at most 64 KiB each; a longer one is dropped), remove
 * stale sockets of dead pids, unlink ours on close.
 */
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { MAX_LINE_BYTES } from './events.ts';

export const EVENTS_DIR = '/run/ocfkit/events.d';

export interface PushSocket {
  path: string;
  close(): void;
}

function groupId(name: string): number | null {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f[2] && /^\d+$/.test(f[2])) return Number(f[2]);
    }
  } catch {
    // no /etc/group: leave the group as it is
  }
  return null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove `<pid>.sock` files whose pid is gone (contract 3). Returns how many. */
export function removeStaleSockets(dir: string): number {
  let n = 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = /^(\d+)\.sock$/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    try {
      if (statSync(join(dir, name)).isSocket()) {
        unlinkSync(join(dir, name));
        n++;
      }
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return n;
}

/**
 * Listen for pushed events. Rejects (with a one-line message) when the directory cannot be
 * made or the socket cannot be bound; the caller then polls only.
 */
export function listenForEvents(onEvent: (line: string) => void, dir: string = EVENTS_DIR, pid: number = process.pid): Promise<PushSocket> {
  try {
    // not recursive: Node's recursive mkdir loops forever under /proc; /run exists anyway
    try {
      mkdirSync(dirname(dir), { mode: 0o755 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let made = false;
    try {
      mkdirSync(dir, { mode: 0o1770 });
      made = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (made) {
      // contract 3: 01770 root:haclient (mkdir's mode went through the umask)
      chmodSync(dir, 0o1770);
      const gid = groupId('haclient');
      if (gid !== null && process.getuid?.() === 0) chownSync(dir, 0, gid);
    }
  } catch (error) {
    return Promise.reject(new Error(`${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`));
  }
  removeStaleSockets(dir);
  const path = join(dir, `${pid}.sock`);
  try {
    unlinkSync(path); // our own pid's leftover (a pid reused after a crash)
  } catch {
    // none
  }
  const server: Server = createServer((conn) => {
    let buf = '';
    let dropping = false;
    conn.setEncoding('utf8');
    conn.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!dropping && line.trim() && line.length <= MAX_LINE_BYTES) onEvent(line);
        dropping = false;
      }
      if (buf.length > MAX_LINE_BYTES) {
        buf = '';
        dropping = true; // the rest of this over-long line is dropped too
      }
    });
    conn.on('end', () => {
      if (!dropping && buf.trim() && buf.length <= MAX_LINE_BYTES) onEvent(buf);
      buf = '';
    });
    conn.on('error', () => {});
    conn.setTimeout(5000, () => conn.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new Error(`${path}: ${error.code ?? error.message}`)));
    server.listen(path, () => {
      try {
        chmodSync(path, 0o660);
        const gid = groupId('haclient');
        if (gid !== null && process.getuid?.() === 0) chownSync(path, 0, gid);
      } catch {
        // still usable by root
      }
      let closed = false;
      resolve({
        path,
        close() {
          if (closed) return;
          closed = true;
          server.close();
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        },
      });
    });
  });
}
