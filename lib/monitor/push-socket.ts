/**
 * The subscriber end of the push (contract 3): a unix stream socket the alert agent connects to,
 * writes event lines to, and closes. Bounded against hostile clients: connections beyond
 * `maxConnections` are closed at once; each lives at most `lifetimeMs`, idles at most `idleMs`,
 * sends at most `maxBytes`; a line longer than `maxLineBytes` is dropped (LineSplitter).
 */
import { chmodSync, chownSync, lstatSync, type Stats } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { LineSplitter } from './lines.ts';
import { clearSocketPath, DEFAULT_GROUP, EVENTS_DIR, ensureEventsDir, groupId, PushSocketError, removeStaleSockets, unlinkIfSame } from './socket-path.ts';

export interface PushSocketLimits {
  /** Longest accepted line, bytes (contract: 64 KiB). */
  maxLineBytes: number;
  maxConnections: number;
  idleMs: number;
  lifetimeMs: number;
  maxBytes: number;
}

export const DEFAULT_LIMITS: PushSocketLimits = {
  maxLineBytes: 64 * 1024,
  maxConnections: 64,
  idleMs: 2000,
  lifetimeMs: 10_000,
  maxBytes: 4 * 1024 * 1024,
};

export type Refusal = 'too-many-connections' | 'idle' | 'lifetime' | 'too-many-bytes' | 'line-too-long';

export interface PushSocketOptions {
  path: string;
  limits?: Partial<PushSocketLimits>;
  group?: string;
  onLine(text: string): void;
  onRefused(why: Refusal, detail: number): void;
  onWarning?(message: string): void;
}

export interface PushSocket {
  readonly path: string;
  /** Connections open now. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Listens on `options.path` (see socket-path.ts for what may be there before). */
export async function listenPushSocket(options: PushSocketOptions): Promise<PushSocket> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const path = options.path;
  const dir = dirname(path);
  if (dir === EVENTS_DIR) {
    ensureEventsDir(dir, options.group ?? DEFAULT_GROUP);
    removeStaleSockets(dir);
  }
  await clearSocketPath(path);
  const open = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: false }, (socket) => accept(socket));

  function accept(socket: Socket): void {
    if (open.size >= limits.maxConnections) {
      options.onRefused('too-many-connections', open.size);
      socket.destroy();
      return;
    }
    open.add(socket);
    let bytes = 0;
    const splitter = new LineSplitter(limits.maxLineBytes, {
      line: (text) => options.onLine(text),
      dropped: (n) => options.onRefused('line-too-long', n),
    });
    const cut = (why: Refusal, detail: number): void => {
      options.onRefused(why, detail);
      socket.destroy();
    };
    const lifetime = setTimeout(() => cut('lifetime', bytes), limits.lifetimeMs);
    socket.setTimeout(limits.idleMs, () => cut('idle', bytes));
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) return cut('too-many-bytes', bytes);
      splitter.push(chunk);
    });
    socket.on('end', () => {
      splitter.end();
      socket.end();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(lifetime);
      open.delete(socket);
    });
  }

  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void => reject(new PushSocketError(`cannot listen on ${path}: ${error.code ?? error.message}`));
    server.once('error', fail);
    server.listen(path, () => {
      server.off('error', fail);
      resolve();
    });
  });
  server.on('error', () => {});
  let st: Stats;
  try {
    st = lstatSync(path);
    chmodSync(path, 0o660);
    const gid = groupId(options.group ?? DEFAULT_GROUP);
    // root, or a member of the group, may give the socket to it; anyone else keeps their own group
    if (gid !== null && st.gid !== gid) {
      try {
        chownSync(path, -1, gid);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
        options.onWarning?.(`${path}: cannot give the socket to group ${options.group ?? DEFAULT_GROUP} (not a member): the alert agent (hacluster) cannot connect`);
      }
    }
  } catch (error) {
    server.close();
    throw new PushSocketError(`cannot set up ${path}: ${(error as Error).message}`);
  }

  let closed: Promise<void> | null = null;
  return {
    path,
    get connections() {
      return open.size;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
        try {
          unlinkIfSame(path, st);
        } catch {
          // already gone
        }
      });
      return closed;
    },
  };
}
