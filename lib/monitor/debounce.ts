/**
 * Role changes as the application sees them. The first change after a quiet period is delivered
 * at once (so `active` arrives as fast as the news of it); changes within `holdMs` of the last
 * delivered one are held and only the latest is delivered when the hold ends, if it still differs.
 * A resource flapping active → standby → active within the hold costs the application nothing.
 * The first role after \`unknown\` opens no hold.
 * `unknown` (the monitor cannot tell) must last `unknownAfterMs` before it is delivered: one slow
 * crm_mon does not stop an application that is active.
 */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface DebounceOptions<R> {
  holdMs: number;
  unknownAfterMs: number;
  unknown: R;
  deliver: (role: R, previous: R) => void;
  timers?: Timers;
}

export class RoleDebouncer<R> {
  private delivered: R;
  private latest: R;
  private holdTimer: unknown = null;
  private unknownTimer: unknown = null;
  private readonly timers: Timers;

  constructor(initial: R, private readonly options: DebounceOptions<R>) {
    this.delivered = initial;
    this.latest = initial;
    this.timers = options.timers ?? realTimers;
  }

  get role(): R {
    return this.delivered;
  }

  /** A new observation of the role. */
  observe(role: R): void {
    if (role === this.options.unknown && this.delivered !== this.options.unknown) {
      // not yet: wait until it has lasted long enough (a known role cancels the wait)
      if (this.unknownTimer === null) {
        this.unknownTimer = this.timers.setTimeout(() => {
          this.unknownTimer = null;
          this.offer(this.options.unknown);
        }, this.options.unknownAfterMs);
      }
      return;
    }
    if (this.unknownTimer !== null) {
      this.timers.clearTimeout(this.unknownTimer);
      this.unknownTimer = null;
    }
    this.offer(role);
  }

  private offer(role: R): void {
    this.latest = role;
    if (this.holdTimer !== null) return; // the hold's end delivers the latest
    if (role !== this.delivered) this.deliver(role);
  }

  private endHold(): void {
    this.holdTimer = null;
    if (this.latest !== this.delivered) this.deliver(this.latest);
  }

  private deliver(role: R): void {
    const previous = this.delivered;
    this.delivered = role;
    // every change between known roles opens a hold; an observation during it is delivered when
    // it ends. Changes to or from `unknown` open none: `unknown` already had to last
    // unknownAfterMs, and the news after it (start-up, a worker restarted) must not wait.
    if (previous !== this.options.unknown && role !== this.options.unknown) this.holdTimer = this.timers.setTimeout(() => this.endHold(), this.options.holdMs);
    this.options.deliver(role, previous);
  }

  close(): void {
    if (this.holdTimer !== null) this.timers.clearTimeout(this.holdTimer);
    if (this.unknownTimer !== null) this.timers.clearTimeout(this.unknownTimer);
    this.holdTimer = null;
    this.unknownTimer = null;
  }
}
