/**
 * Hostile peers for the runtime API client: a proxy in front of a real HAProxy's admin socket
 * that records every command line, can hold a reply back (a gate) or rewrite it (a cut-off
 * reply), and raw socket servers that misbehave (accept and close, drip, flood). Unix sockets in
 * a temporary directory, or TCP on loopback; closed in teardown.
 */
import { mkdtempSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Proxy {
  path: string;
  /** Every command line received, in order. */
  lines: string[];
  close(): Promise<void>;
}

export type Rewrite = (line: string, reply: string) => string | Promise<string>;

export function tempDir(prefix = 'ocfkit-hapx-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A unix socket that forwards each connection's command line to `target` and the reply back, through `rewrite`. */
export async function proxy(target: string, rewrite: Rewrite = (_l, r) => r, dir = tempDir()): Promise<Proxy> {
  const path = join(dir, 'proxy.sock');
  const lines: string[] = [];
  const open = new Set<Socket>();
  // allowHalfOpen: the client ends its side after the command, the reply still has to go back
  const server = createServer({ allowHalfOpen: true }, (client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    let input = '';
    client.on('data', (c: Buffer) => {
      input += c.toString('utf8');
      const nl = input.indexOf('\n');
      if (nl < 0) return;
      const line = input.slice(0, nl);
      input = '\0'; // one line per connection, as HAProxy's non-interactive mode
      lines.push(line);
      const upstream = createConnection({ path: target });
      const chunks: Buffer[] = [];
      upstream.on('connect', () => upstream.end(`${line}\n`));
      upstream.on('data', (d: Buffer) => chunks.push(d));
      upstream.on('error', () => client.destroy());
      upstream.on('close', async () => {
        const reply = await rewrite(line, Buffer.concat(chunks).toString('utf8'));
        client.end(reply);
      });
    });
  });
  await new Promise<void>((r) => server.listen(path, r));
  return {
    path,
    lines,
    close: () =>
      new Promise<void>((r) => {
        open.forEach((s) => s.destroy());
        server.close(() => r());
      }),
  };
}

export interface Raw {
  /** A unix path, or `127.0.0.1:<port>`. */
  address: string;
  close(): Promise<void>;
}

/** A server whose every connection is handed to `handle` (unix path in a temp dir, or TCP on loopback). */
export async function raw(handle: (s: Socket) => void, opts: { tcp?: boolean; dir?: string } = {}): Promise<Raw> {
  const open = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => {});
    handle(s);
  });
  let address: string;
  if (opts.tcp) {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  } else {
    address = join(opts.dir ?? tempDir(), 'raw.sock');
    await new Promise<void>((r) => server.listen(address, r));
  }
  return {
    address,
    close: () =>
      new Promise<void>((r) => {
        open.forEach((s) => s.destroy());
        server.close(() => r());
      }),
  };
}

/** A gate: `wait()` resolves once `open()` was called. */
export function gate(): { wait(): Promise<void>; open(): void; reached: Promise<void> } {
  let release!: () => void;
  let arrive!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (arrive = r));
  return {
    wait: () => {
      arrive();
      return opened;
    },
    open: () => release(),
    reached,
  };
}
