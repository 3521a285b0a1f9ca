/**
 * The client of the full stack: requests to the VIP from the lab's `client` network namespace
 * (a machine on the same switch as the nodes), as a loop that records every answer — when it
 * came and which node's service gave it — or one request at a time.
 *
 * The loop is `client.mjs` (lib/lab/stack-services) run under `nsenter --net` into the client
 * namespace; it prints one JSON line per request, parsed here. A new TCP connection per request,
 * so every request goes through VIP → HAProxy → the node HAProxy picks at that moment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { run, outcome } from '../exec/run.ts';
import { labAssets } from './assets.ts';
import { nodeEnv } from './node.ts';
import { WRITE_PORT } from './stack-files.ts';
import type { Lab } from './lab.ts';

export interface ClientSample {
  /** ms since the epoch when the request was sent. */
  at: number;
  /** How long it took (ms). */
  ms: number;
  /** Answered 200 by a stack service (it named its node). */
  ok: boolean;
  status: number | null;
  /** The node whose service answered. */
  node: string | null;
  service: string | null;
  /** `timeout`, `ECONNREFUSED`, `HTTP 503`…, or null. */
  error: string | null;
}

export interface ClientOptions {
  /** Default: the lab's VIP. */
  host?: string;
  /** Default 5000 (HAProxy's write frontend); 5001 reads. */
  port?: number;
  path?: string;
  /** Between request starts (default 100 ms). */
  intervalMs?: number;
  /** Per request (default 300 ms). */
  timeoutMs?: number;
}

/** Parses one line of client.mjs (pure); null for anything else. */
export function parseSample(line: string): ClientSample | null {
  let j: unknown;
  try {
    j = JSON.parse(line);
  } catch {
    return null;
  }
  if (!j || typeof j !== 'object') return null;
  const o = j as Record<string, unknown>;
  if (typeof o.at !== 'number' || typeof o.ms !== 'number' || typeof o.ok !== 'boolean') return null;
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return { at: o.at, ms: o.ms, ok: o.ok, status: typeof o.status === 'number' ? o.status : null, node: str(o.node), service: str(o.service), error: str(o.error) };
}

function clientArgv(lab: Lab, options: ClientOptions, count?: number): string[] {
  const url = `http://${options.host ?? lab.paths.vip}:${options.port ?? WRITE_PORT}${options.path ?? '/'}`;
  const argv = [`--net=${lab.paths.clientNetnsFile}`, '--', labAssets(lab.record.distDir).client, url, '--interval', String(options.intervalMs ?? 100), '--timeout', String(options.timeoutMs ?? 300)];
  if (count !== undefined) argv.push('--count', String(count));
  return argv;
}

/** A running client loop. `samples` grows as answers come; `stop()` ends it. */
export class ClientLoop {
  readonly samples: ClientSample[] = [];
  readonly startedAt = Date.now();
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private waiters: Array<() => void> = [];
  stderr = '';

  constructor(lab: Lab, options: ClientOptions = {}) {
    if (lab.record.nodes !== 2) throw new Error('the client namespace exists in two-node labs only');
    this.child = spawn('nsenter', clientArgv(lab, options), { stdio: ['ignore', 'pipe', 'pipe'], env: nodeEnv() });
    this.exited = new Promise((resolve) => this.child.once('close', () => resolve()));
    this.child.once('error', (e) => {
      this.stderr += `${e.message}\n`;
    });
    this.child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      if (this.stderr.length < 65536) this.stderr += c;
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const s = parseSample(line);
      if (!s) return;
      this.samples.push(s);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** The first sample sent at or after `since` (ms epoch) that `pred` accepts, or null. */
  find(pred: (s: ClientSample) => boolean, since = 0): ClientSample | null {
    return this.samples.find((s) => s.at >= since && pred(s)) ?? null;
  }

  /** Waits for a sample sent at or after `since` that `pred` accepts. */
  async waitFor(pred: (s: ClientSample) => boolean, options: { since?: number; timeoutMs?: number; what?: string } = {}): Promise<ClientSample> {
    const until = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const hit = this.find(pred, options.since ?? 0);
      if (hit) return hit;
      const left = until - Date.now();
      if (left <= 0 || this.child.exitCode !== null) {
        const last = this.samples.at(-1);
        throw new Error(`client: timed out waiting for ${options.what ?? 'an answer'} (last: ${last ? JSON.stringify(last) : 'none'}${this.stderr ? `; stderr: ${this.stderr.trim()}` : ''})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until `node` answers (after `since`). */
  answeredBy(node: string, options: { since?: number; timeoutMs?: number } = {}): Promise<ClientSample> {
    return this.waitFor((s) => s.ok && s.node === node, { ...options, what: `an answer from ${node}` });
  }

  /** Ends the loop; returns every sample. */
  async stop(): Promise<ClientSample[]> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 2000))]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.samples;
  }
}

/** Service gaps seen by a loop (pure): from the last answer before a failure run to the first after it. */
export function outages(samples: readonly ClientSample[]): Array<{ from: number; to: number | null; ms: number | null; lastNode: string | null; nextNode: string | null }> {
  const out: Array<{ from: number; to: number | null; ms: number | null; lastNode: string | null; nextNode: string | null }> = [];
  let lastOk: ClientSample | null = null;
  let open: { from: number; lastNode: string | null } | null = null;
  for (const s of samples) {
    if (!s.ok) {
      if (!open) open = { from: lastOk ? lastOk.at : s.at, lastNode: lastOk?.node ?? null };
      continue;
    }
    if (open) {
      out.push({ from: open.from, to: s.at, ms: s.at - open.from, lastNode: open.lastNode, nextNode: s.node });
      open = null;
    }
    lastOk = s;
  }
  if (open) out.push({ from: open.from, to: null, ms: null, lastNode: open.lastNode, nextNode: null });
  return out;
}

/** One request from the client namespace. */
export async function clientRequest(lab: Lab, options: ClientOptions = {}): Promise<ClientSample> {
  const r = await run('nsenter', clientArgv(lab, options, 1), { timeoutMs: (options.timeoutMs ?? 300) + 10_000, env: nodeEnv(), replaceEnv: true });
  const s = r.stdout.split('\n').map(parseSample).find((x) => x !== null);
  if (!s) throw new Error(`client request: ${outcome(r)} ${r.stderr.trim()}`);
  return s;
}
