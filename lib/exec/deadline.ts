/**
 * A deadline: a point in time an operation must finish by.
 *
 * Agents derive theirs from `OCF_RESKEY_CRM_meta_timeout` less a safety margin, so that the
 * agent itself reports a timeout (with an exit reason) before Pacemaker kills it silently.
 *
 * Time is read from a monotonic clock (`process.uptime()`: since this process started, on
 * libuv's monotonic hrtime; `performance.now()` reads the same kind of clock, but its first use
 * loads node:perf_hooks, ~1 ms of an agent's monitor), never from the wall clock: a clock step
 * at failover time (NTP, an operator's `date -s`) must not make a deadline fire early or never.
 */
export type Clock = () => number;

/** Monotonic milliseconds since the process started. */
export const systemClock: Clock = () => process.uptime() * 1000;

export class Deadline {
  /** The instant, on `clock`'s scale. */
  readonly at: number;
  private readonly clock: Clock;

  constructor(at: number, clock: Clock = systemClock) {
    this.at = at;
    this.clock = clock;
  }

  static after(ms: number, clock: Clock = systemClock): Deadline {
    return new Deadline(clock() + ms, clock);
  }

  static never(clock: Clock = systemClock): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY, clock);
  }

  /** Milliseconds left, never negative. */
  remaining(): number {
    return Math.max(0, this.at - this.clock());
  }

  expired(): boolean {
    return this.remaining() === 0;
  }

  /** The earlier of this deadline and `ms` from now. */
  within(ms: number): Deadline {
    return new Deadline(Math.min(this.at, this.clock() + ms), this.clock);
  }

  /** This deadline brought `ms` earlier: time kept back for what must still follow. */
  less(ms: number): Deadline {
    return new Deadline(this.at - ms, this.clock);
  }
}

/**
 * The margin kept back from Pacemaker's operation timeout: 5 %, at least 500 ms and at most
 * 10 s, never more than a quarter of the timeout itself.
 */
export function safetyMargin(timeoutMs: number): number {
  const margin = Math.min(10_000, Math.max(500, timeoutMs * 0.05));
  return Math.min(margin, timeoutMs / 4);
}

/** The deadline for an operation that started at `startedAt` (on `clock`'s scale) with Pacemaker's timeout. */
export function operationDeadline(timeoutMs: number, startedAt: number, clock: Clock = systemClock): Deadline {
  return new Deadline(startedAt + timeoutMs - safetyMargin(timeoutMs), clock);
}
