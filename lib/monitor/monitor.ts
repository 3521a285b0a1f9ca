/**
 * ClusterMonitor: tells an application, as soon as Pacemaker knows, whether its node is active
 * for one resource. Push first (the alert agent writes events to our socket), poll as the safety
 * net (crm_mon in a worker thread), so a missed push is corrected by the next poll. See
 * /work/notes/monitor.md (README material) for the API and the rules.
 */
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { RoleDebouncer } from './debounce.ts';
import { RecentIds } from './dedup.ts';
import { parseEventLine, type PushedEvent } from './event.ts';
import { childOf, createPinoLogger, type PinoLike } from './logger.ts';
import { listenPushSocket, type PushSocket, type PushSocketLimits, type Refusal } from './push-socket.ts';
import { checkOptions, MonitorClosedError, timings, type ClusterMonitorOptions, type MonitorEvents, type RoleChange } from './options.ts';
import { clusterEdges, INITIAL, type ClusterState, type Edge } from './edges.ts';
import { roleFromEvent, wantsPoll } from './push-role.ts';
import { defaultSocketPath } from './socket-path.ts';
import { monotonicMs, type FromWorker, type MonitorFacts, type MonitorRole, type ResourceKind } from './types.ts';
import { WorkerHost } from './worker-host.ts';

export class ClusterMonitor extends EventEmitter<MonitorEvents> {
  readonly resource: string;
  /** Resolves once the socket listens (or push is known unavailable) and the worker started. */
  readonly ready: Promise<void>;
  private readonly log: PinoLike;
  private readonly debouncer: RoleDebouncer<MonitorRole>;
  private readonly seen = new RecentIds(4096);
  private readonly host: WorkerHost;
  private socket: PushSocket | null = null;
  private closed = false;
  private node: string | null;
  private kind: ResourceKind | null = null;
  private primitives: string[] = [];
  private cluster: ClusterState = INITIAL;
  /**
   * Monotonic ms of the newest observation applied to the role: a poll's start, or a push's
   * receipt. A poll that started before it may show the state before it.
   */
  private observedAt = 0;
  /** Pacemaker's time of the newest pushed event applied (older ones change nothing). */
  private lastEventAt = 0;
  private pushed: { role: MonitorRole; until: number; eventAt: number } | null = null;
  private recheck: NodeJS.Timeout | null = null;
  private next: { source: RoleChange['source']; reason: string; eventAt?: number } = { source: 'monitor', reason: 'starting' };
  private lastFacts: MonitorFacts | null = null;
  private readonly opts: ReturnType<typeof timings>;
  private readonly refusals = new Map<Refusal, number>();
  private readonly onClosed = new Set<() => void>();
  private malformed = 0;

  constructor(options: ClusterMonitorOptions) {
    super();
    checkOptions(options);
    this.resource = options.resource;
    this.node = options.node ?? null;
    this.log = childOf(options.logger ?? createPinoLogger(), { component: 'ocfkit-monitor', resource: options.resource });
    this.opts = timings(options);
    this.debouncer = new RoleDebouncer<MonitorRole>('unknown', {
      holdMs: this.opts.debounceMs,
      unknownAfterMs: this.opts.unknownAfterMs,
      unknown: 'unknown',
      deliver: (role, previous) => this.deliver(role, previous),
    });
    this.host = new WorkerHost({
      config: {
        resource: options.resource,
        node: options.node ?? null,
        pollIntervalMs: options.pollIntervalMs,
        pollTimeoutMs: this.opts.pollTimeoutMs,
        maxBackoffMs: this.opts.maxBackoffMs,
        env: options.env ?? null,
        maxOutputBytes: this.opts.maxOutputBytes,
      },
      workerUrl: options.workerUrl,
      maxMemoryMb: this.opts.workerMaxMemoryMb,
      onMessage: (m) => this.fromWorker(m),
      onCrash: (reason, restartInMs) => {
        this.log.error({ reason, restartInMs }, 'poll worker died; restarting it');
        this.observe('unknown', 'monitor', `poll worker died: ${reason}`);
      },
    });
    const socketPath = options.socketPath === undefined ? defaultSocketPath() : options.socketPath;
    this.ready = this.startSocket(socketPath, options.socketLimits).then(() => {
      if (!this.closed) this.host.start();
    });
  }

  /** The role as delivered to 'role' listeners. */
  get role(): MonitorRole {
    return this.debouncer.role;
  }

  /** The socket's path while push is on, else null. */
  get socketPath(): string | null {
    return this.socket?.path ?? null;
  }

  /** The last poll's facts (null before the first). */
  get facts(): MonitorFacts | null {
    return this.lastFacts;
  }

  /** The running worker (tests). */
  get worker(): Worker | null {
    return this.host.current;
  }

  get workerStarts(): number {
    return this.host.starts;
  }

  /** Resolves when the role is (or becomes) active; rejects on abort or close. */
  waitUntilActive(signal?: AbortSignal): Promise<void> {
    if (this.role === 'active') return Promise.resolve();
    if (this.closed) return Promise.reject(new MonitorClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    return new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        this.off('role', onRole);
        this.onClosed.delete(onClose);
        signal?.removeEventListener('abort', onAbort);
      };
      const onRole = (change: RoleChange): void => {
        if (change.role !== 'active') return;
        cleanup();
        resolve();
      };
      const onClose = (): void => {
        cleanup();
        reject(new MonitorClosedError());
      };
      const onAbort = (): void => {
        cleanup();
        reject(signal!.reason ?? new Error('aborted'));
      };
      this.on('role', onRole);
      this.onClosed.add(onClose);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Stops the worker and the socket (unlinked). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.recheck) clearTimeout(this.recheck);
    this.debouncer.close();
    await this.ready.catch(() => {});
    await Promise.all([this.host.close(), this.socket?.close()]);
    this.socket = null;
    for (const f of [...this.onClosed]) f();
    this.log.debug({}, 'monitor closed');
  }

  private async startSocket(path: string | null, limits: Partial<PushSocketLimits> | undefined): Promise<void> {
    if (path === null) {
      this.log.info({}, 'push disabled: poll only');
      return;
    }
    try {
      const socket = await listenPushSocket({
        path,
        limits,
        onLine: (text) => this.fromSocket(text),
        onRefused: (why, detail) => this.refused(why, detail),
        onWarning: (message) => this.log.warn({ socket: path }, message),
      });
      if (this.closed) await socket.close();
      else this.socket = socket;
      this.log.info({ socket: path }, 'listening for pushed events');
    } catch (error) {
      this.log.error({ socket: path, error: (error as Error).message }, 'push unavailable: polling only');
    }
  }

  private refused(why: Refusal, detail: number): void {
    // per kind, the first and then one line per 100: a flood must not become a flood of log lines
    const n = (this.refusals.get(why) ?? 0) + 1;
    this.refusals.set(why, n);
    if (n % 100 === 1) this.log.warn({ why, detail, total: n }, 'push connection or line refused');
  }

  private fromSocket(text: string): void {
    if (this.closed) return;
    const parsed = parseEventLine(text);
    if (!parsed.ok) {
      if (++this.malformed % 100 === 1) this.log.warn({ reason: parsed.reason, total: this.malformed }, 'malformed pushed line dropped');
      return;
    }
    const event = parsed.event;
    if (!this.seen.add(event.id)) return;
    this.safeEmit('event', event.record);
    this.applyPush(event);
    if (wantsPoll(event)) this.host.send({ type: 'poll-now', reason: `${event.kind} ${event.task ?? ''}`.trim() });
  }

  private applyPush(event: PushedEvent): void {
    if (this.node === null) return;
    const role = roleFromEvent(event, { resource: this.resource, node: this.node, kind: this.kind, primitives: this.primitives });
    if (role === null) return;
    const now = Date.now();
    if (event.at < now - this.opts.maxEventAgeMs || event.at > now + 5000 || event.at <= this.lastEventAt) {
      this.log.debug({ id: event.id, time: event.time }, 'pushed event too old to change the role');
      return;
    }
    this.lastEventAt = event.at;
    this.observedAt = monotonicMs();
    this.pushed = { role, until: this.observedAt + this.opts.confirmWindowMs, eventAt: event.at };
    this.observe(role, 'push', `${event.task} of ${event.resource} on ${event.node}`, event.at);
  }

  private fromWorker(m: FromWorker): void {
    if (this.closed) return;
    if (m.type === 'log') {
      this.log[m.level](m.fields ?? {}, m.msg);
      return;
    }
    if (m.type === 'failed') {
      this.log.debug({ failure: m.failure, message: m.message, nextPollMs: m.nextPollMs }, 'poll failed');
      if (m.failure === 'cluster-not-running') this.edges({ down: m.message });
      else this.log.warn({ failure: m.failure, message: m.message }, 'poll failed');
      if (m.startedAt >= this.observedAt) this.observe('unknown', 'poll', `${m.failure}: ${m.message}`);
      return;
    }
    this.applyFacts(m.facts, m.startedAt);
  }

  private applyFacts(facts: MonitorFacts, startedAt: number): void {
    this.lastFacts = facts;
    this.node = facts.node;
    this.kind = facts.kind;
    this.primitives = facts.primitives;
    this.edges(facts);
    // A poll that started before the newest pushed event may show the state before it.
    if (startedAt < this.observedAt) return this.askAgain(250);
    const pushed = this.pushed;
    if (pushed && facts.role !== pushed.role && monotonicMs() < pushed.until) {
      // Pacemaker's CIB may lag its alert by a few ms: ask again before the poll overrules the push
      return this.askAgain(200);
    }
    this.pushed = null;
    this.observedAt = startedAt;
    this.observe(facts.role, 'poll', facts.reason);
  }

  private edges(seen: MonitorFacts | { down: string }): void {
    const { state, edges } = clusterEdges(this.cluster, seen);
    this.cluster = state;
    for (const e of edges) this.emitEdge(e);
  }

  private emitEdge(e: Edge): void {
    if (e.name === 'cluster-down') {
      this.log.warn({ message: e.message }, 'cluster down on this node');
      this.safeEmit('cluster-down', { message: e.message });
    } else if (e.name === 'maintenance') {
      this.log.info({ on: e.on }, `maintenance ${e.on ? 'on' : 'off'}`);
      this.safeEmit('maintenance', { on: e.on });
    } else {
      this.log.info({}, e.name);
      this.safeEmit(e.name);
    }
  }

  private askAgain(ms: number): void {
    if (this.recheck) return;
    this.recheck = setTimeout(() => {
      this.recheck = null;
      this.host.send({ type: 'poll-now', reason: 'confirm' });
    }, ms);
  }

  private observe(role: MonitorRole, source: RoleChange['source'], reason: string, eventAt?: number): void {
    if (this.closed) return;
    this.next = { source, reason, eventAt };
    this.debouncer.observe(role);
  }

  private deliver(role: MonitorRole, previous: MonitorRole): void {
    const change: RoleChange = { role, previous, source: this.next.source, reason: this.next.reason, at: Date.now() };
    if (this.next.eventAt !== undefined && this.next.source === 'push') change.eventAt = this.next.eventAt;
    this.log.info({ role, previous, source: change.source, reason: change.reason }, `role ${previous} → ${role}`);
    this.safeEmit('role', change);
  }

  /** A listener that throws is logged, never allowed to break the monitor. */
  private safeEmit<K extends keyof MonitorEvents>(name: K, ...args: MonitorEvents[K]): void {
    for (const listener of this.listeners(name) as ((...a: unknown[]) => void)[]) {
      try {
        listener(...args);
      } catch (error) {
        this.log.error({ event: name, error: (error as Error)?.message ?? String(error) }, 'a monitor listener threw');
      }
    }
  }
}
