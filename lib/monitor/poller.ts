/**
 * The poll loop (runs in the worker thread): `crm_mon --output-as=xml` through lib/cluster's
 * readCrmMon with a deadline, reduced to MonitorFacts here, so that only a few hundred bytes
 * cross to the application's thread. Every `pollIntervalMs`; after a failure the interval
 * doubles up to `maxBackoffMs` (the cluster is down: no point asking every second); a request
 * (`pollNow`, after a pushed event) runs one at once, or right after the one in flight.
 */
import { readCrmMon, type LiveResult } from '../cluster/live.ts';
import type { ClusterStatus } from '../cluster/model.ts';
import { Deadline } from '../exec/deadline.ts';
import { run, type Runner } from '../exec/run.ts';
import { deriveFacts } from './role.ts';
import { monotonicMs, type FromWorker, type WorkerConfig } from './types.ts';

export interface PollerDeps {
  post(message: FromWorker): void;
  /** Injected in tests; default lib/exec's run. */
  runner?: Runner;
}

/** `crm_node -n`: this node's name as Pacemaker knows it, or null. */
export async function localNodeName(runner: Runner, env: Record<string, string> | null, timeoutMs: number): Promise<string | null> {
  const r = await runner('crm_node', ['-n'], { deadline: Deadline.after(timeoutMs), env: env ?? undefined });
  const name = r.stdout.trim();
  return !r.failed && /^[^\s]{1,255}$/.test(name) ? name : null;
}

export class Poller {
  private node: string | null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private again = false;
  private stopped = false;
  private polls = 0;
  private intervalMs: number;
  private readonly runner: Runner;
  private readonly abort = new AbortController();

  constructor(private readonly config: WorkerConfig, private readonly deps: PollerDeps) {
    this.node = config.node;
    this.intervalMs = config.pollIntervalMs;
    const base = deps.runner ?? run;
    this.runner = (command, args, options) => base(command, args, { ...options, maxBuffer: config.maxOutputBytes, signal: this.abort.signal });
  }

  start(): void {
    this.pollNow();
  }

  /** Poll as soon as possible (coalesced with one in flight). */
  pollNow(): void {
    if (this.stopped) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.once();
  }

  /** Stops polling; a crm_mon in flight is killed. */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pollNow();
    }, ms);
  }

  private async once(): Promise<void> {
    this.inFlight = true;
    const poll = ++this.polls;
    const startedAt = monotonicMs();
    const t0 = performance.now();
    const { config } = this;
    try {
      if (this.node === null) this.node = await localNodeName(this.runner, config.env, Math.min(5000, config.pollTimeoutMs));
      const result: LiveResult<ClusterStatus> = await readCrmMon({
        deadline: Deadline.after(config.pollTimeoutMs),
        runner: this.runner,
        env: config.env ?? undefined,
      });
      const durationMs = Math.round(performance.now() - t0);
      if (result.kind === 'ok' && this.node !== null) {
        this.intervalMs = config.pollIntervalMs;
        this.deps.post({ type: 'facts', facts: deriveFacts(result.value, config.resource, this.node), startedAt, durationMs, poll });
      } else {
        this.intervalMs = Math.min(config.maxBackoffMs, Math.max(config.pollIntervalMs, this.intervalMs * 2));
        const failure = result.kind === 'ok' ? 'node-unknown' : result.kind;
        const message =
          result.kind === 'ok' ? 'crm_node -n did not name this node' : result.kind === 'parse-error' ? result.error.message : result.message;
        this.deps.post({ type: 'failed', failure, message: message.slice(0, 600), startedAt, durationMs, poll, nextPollMs: this.intervalMs });
      }
    } catch (error) {
      this.intervalMs = Math.min(config.maxBackoffMs, this.intervalMs * 2);
      this.deps.post({ type: 'failed', failure: 'command-failed', message: `poll failed: ${(error as Error).message}`.slice(0, 600), startedAt, durationMs: Math.round(performance.now() - t0), poll, nextPollMs: this.intervalMs });
    } finally {
      this.inFlight = false;
    }
    if (this.again) {
      this.again = false;
      this.pollNow();
    } else this.schedule(this.intervalMs);
  }
}
