/**
 * Real HAProxy for tests: a haproxy process (master-worker, foreground) on loopback ports that
 * were free, admin and user sockets in a temporary directory, and real HTTP backends (node:http,
 * one per node name) that count the requests they answer. Every process is killed in teardown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSocketAddress } from '../../lib/haproxy/address.ts';
import { RuntimeClient } from '../../lib/haproxy/client.ts';
import { Deadline } from '../../lib/exec/deadline.ts';

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Backend {
  node: string;
  port: number;
  hits: number;
  server: Server;
  close(): Promise<void>;
}

/** An HTTP server that answers with its node name; `/slow?ms=N` answers after N ms. */
export async function startBackend(node: string, port?: number): Promise<Backend> {
  const b: Backend = { node, port: port ?? (await freePort()), hits: 0, server: undefined as unknown as Server, close: async () => {} };
  b.server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers['user-agent']?.includes('HAProxy') || url.pathname === '/health') {
      res.end('ok');
      return;
    }
    b.hits++;
    const ms = url.pathname === '/slow' ? Number(url.searchParams.get('ms') ?? 0) : 0;
    setTimeout(() => res.end(node), ms);
  });
  b.server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => b.server.listen(b.port, '127.0.0.1', resolve));
  b.close = () =>
    new Promise<void>((resolve) => {
      b.server.closeAllConnections();
      b.server.close(() => resolve());
    });
  return b;
}

export interface Haproxy {
  dir: string;
  cfg: string;
  admin: string;
  user: string;
  frontend: number;
  proc: ChildProcess;
  client: RuntimeClient;
  reload(): Promise<void>;
  kill(): void;
}

const dl = (ms = 5000): Deadline => Deadline.after(ms);

/** Start haproxy with `config(vars)` and wait until its admin socket answers. */
export async function startHaproxy(config: (v: { dir: string; admin: string; user: string; frontend: number }) => string, opts: { dir?: string } = {}): Promise<Haproxy> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'ocfkit-hap-'));
  const admin = join(dir, 'admin.sock');
  const user = join(dir, 'user.sock');
  const frontend = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, config({ dir, admin, user, frontend }));
  const proc = spawn('/usr/sbin/haproxy', ['-W', '-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const client = new RuntimeClient(parseSocketAddress(admin));
  const h: Haproxy = {
    dir,
    cfg,
    admin,
    user,
    frontend,
    proc,
    client,
    async reload() {
      const before = (await client.showInfo(dl())).pid;
      process.kill(proc.pid!, 'SIGUSR2');
      await until(async () => (await client.showInfo(dl()).catch(() => ({ pid: before }))).pid !== before, 10_000, 'the reloaded worker');
    },
    kill() {
      try {
        process.kill(proc.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
    },
  };
  try {
    await until(async () => (await client.showInfo(dl(1000)).catch(() => null)) !== null, 10_000, 'haproxy to answer on its admin socket');
  } catch (error) {
    h.kill();
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return h;
}

export async function until(fn: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Reply {
  status: number;
  body: string;
}

/** One HTTP request on a new connection (no keep-alive), with a timeout. */
export function get(port: number, path = '/', timeoutMs = 5000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** `n` requests one after another; how many each node answered, and how many failed. */
export async function tally(port: number, n: number, path = '/'): Promise<{ by: Record<string, number>; failed: number }> {
  const by: Record<string, number> = {};
  let failed = 0;
  for (let i = 0; i < n; i++) {
    try {
      const r = await get(port, path);
      if (r.status === 200) by[r.body] = (by[r.body] ?? 0) + 1;
      else failed++;
    } catch {
      failed++;
    }
  }
  return { by, failed };
}

/** The usual test configuration: one HTTP backend with a server per node, health-checked fast. */
export function twoNodeConfig(backends: Backend[], extra: { global?: string; defaults?: string; backend?: string; more?: string } = {}) {
  return (v: { dir: string; admin: string; user: string; frontend: number }) => `global
    stats socket ${v.admin} mode 600 level admin
    stats socket ${v.user} mode 600 level user
    ${extra.global ?? ''}
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    ${extra.defaults ?? ''}
frontend fe
    bind 127.0.0.1:${v.frontend}
    default_backend be_app
backend be_app
    option httpchk GET /health
    default-server inter 100ms fall 2 rise 1
${backends.map((b) => `    server ${b.node} 127.0.0.1:${b.port} check`).join('\n')}
    ${extra.backend ?? ''}
${extra.more ?? ''}
`;
}

export const deadline = dl;

/**
 * A real HAProxy in front of two HTTP backends named node1 and node2 (`twoNodeConfig`), both
 * UP by health check; everything is stopped at the end of test `t`.
 */
export async function startPair(
  t: { teardown: (fn: () => Promise<void>) => void },
  extra: Parameters<typeof twoNodeConfig>[1] = {},
  opts: { dir?: string } = {},
): Promise<{ h: Haproxy; b1: Backend; b2: Backend }> {
  const b1 = await startBackend('node1');
  const b2 = await startBackend('node2');
  const h = await startHaproxy(twoNodeConfig([b1, b2], extra), opts);
  t.teardown(async () => {
    h.kill();
    await b1.close();
    await b2.close();
  });
  await until(async () => (await h.client.showServersState(dl())).every((s) => s.opState === 'running'), 10_000, 'both servers UP');
  return { h, b1, b2 };
}

/** Each server's admin state in `backend`: `{ node1: 'ready', node2: 'maint' }`. */
export async function adminStates(h: Haproxy, backend = 'be_app'): Promise<Record<string, string>> {
  return Object.fromEntries((await h.client.showServersState(dl(), backend)).map((s) => [s.name, s.admin]));
}
