/**
 * Starts the poll worker and keeps one running: a worker that dies (an exception, out of its
 * memory limit, terminated) is reported and started again after a back-off (1 s doubling to
 * 30 s, back to 1 s after a good poll). The application's thread never runs the poll itself.
 */
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerConfig } from './types.ts';

/**
 * The worker's entry: worker.ts beside this module when running from source; `monitor-worker.mjs`
 * beside the bundle that contains this module otherwise (dist/cli/ocfkit.mjs →
 * dist/cli/monitor-worker.mjs).
 */
export function defaultWorkerUrl(here = import.meta.url): URL {
  return here.endsWith('.ts') ? new URL('./worker.ts', here) : new URL('./monitor-worker.mjs', here);
}

/**
 * A worker does not inherit tsx's loader (its hooks are registered per thread, and a worker's
 * entry is loaded before its --import runs), so a TypeScript entry is started through a small
 * bootstrap that registers tsx in the worker first. tsx is only needed when running from source.
 */
function bootstrap(entry: URL): { code: string; eval: boolean; tsx?: string } {
  if (!entry.pathname.endsWith('.ts')) return { code: entry.href, eval: false };
  const tsx = import.meta.resolve('tsx/esm/api');
  const code =
    "const wt = require('node:worker_threads');" +
    '(async () => { const api = await import(wt.workerData.bootstrap.tsx); api.register(); await import(wt.workerData.bootstrap.entry); })()' +
    '.catch((e) => { process.nextTick(() => { throw e; }); });';
  return { code, eval: true, tsx };
}

export interface WorkerHostOptions {
  config: WorkerConfig;
  workerUrl?: URL;
  /** V8 old-space limit of the worker, MB: a runaway crm_mon kills the worker, not the application. */
  maxMemoryMb: number;
  onMessage(message: FromWorker): void;
  /** The worker ended unexpectedly; `restartInMs` until the next one. */
  onCrash(reason: string, restartInMs: number): void;
  onStart?(worker: Worker): void;
}

const MIN_RESTART_MS = 1000;
const MAX_RESTART_MS = 30_000;

export class WorkerHost {
  private worker: Worker | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private restartMs = MIN_RESTART_MS;
  private closing = false;
  /** How many workers were started (1 + restarts). */
  starts = 0;

  constructor(private readonly options: WorkerHostOptions) {}

  start(): void {
    if (this.closing) return;
    const url = this.options.workerUrl ?? defaultWorkerUrl();
    let worker: Worker;
    try {
      const boot = bootstrap(url);
      worker = new Worker(boot.eval ? boot.code : url, {
        eval: boot.eval,
        workerData: { config: this.options.config, bootstrap: { tsx: boot.tsx, entry: url.href } },
        resourceLimits: { maxOldGenerationSizeMb: this.options.maxMemoryMb },
        stdout: false,
        stderr: false,
      });
    } catch (error) {
      this.crashed(`cannot start the worker ${url.href}: ${(error as Error).message}`);
      return;
    }
    this.starts++;
    this.worker = worker;
    let why = '';
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'facts') this.restartMs = MIN_RESTART_MS;
      this.options.onMessage(m);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      why = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory (limit ${this.options.maxMemoryMb} MB)` : error.message;
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      if (this.closing) return;
      this.crashed(why || `exited with code ${code}`);
    });
    this.options.onStart?.(worker);
  }

  private crashed(reason: string): void {
    const wait = this.restartMs;
    this.restartMs = Math.min(MAX_RESTART_MS, this.restartMs * 2);
    this.options.onCrash(reason, wait);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, wait);
  }

  send(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  /** The running worker (tests use it to kill one). */
  get current(): Worker | null {
    return this.worker;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    // ask first, so that the worker kills a crm_mon in flight; terminate if it does not end soon
    const exited = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1500);
      w.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    w.postMessage({ type: 'stop' } satisfies ToWorker);
    if (!(await exited)) await w.terminate();
  }
}
