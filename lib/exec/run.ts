/**
 * The one command runner. Argument arrays only: no shell ever parses a command line.
 *
 * Every call has a timeout taken from the caller's deadline (and an optional tighter cap),
 * runs in its own process group so a timeout kills the whole tree, never throws, and returns
 * the same result shape whatever happened. Every call is logged with its outcome.
 *
 * node:child_process rather than execa: execa costs ~47 ms per agent process (load + first
 * call) against ~8 ms, and agents start every few seconds (see README, "Start-up").
 */
import { childProcess } from './lazy.ts';
import { signalGroup } from './signal.ts';
import { systemClock, type Deadline } from './deadline.ts';
import type { Logger } from '../log/logger.ts';

export interface ExecOptions {
  /** The operation's deadline; the command is killed when it passes. */
  deadline?: Deadline;
  /** A tighter cap for this call alone, in ms. */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string | Uint8Array;
  /** Extra environment variables (merged over the current environment). */
  env?: Record<string, string | undefined>;
  /** Replace the environment entirely instead of merging. */
  replaceEnv?: boolean;
  cwd?: string;
  /**
   * Time between SIGTERM and SIGKILL of a timed-out command's process group (default 1 s). It
   * is taken out of the deadline, never added to it: SIGKILL comes at the deadline at the latest.
   */
  killGraceMs?: number;
  /** Cap on captured stdout/stderr bytes each (default 256 MiB: a big CIB fits). */
  maxBuffer?: number;
  log?: Logger;
  /** Log level of the success line (`debug` keeps monitor quiet). */
  logLevel?: 'debug' | 'info';
  /**
   * When the command exits, kill what it left in its process group (a check or a stop command
   * that forgot a background child would otherwise leave one per call). Not for commands that
   * start daemons, which may stay in the group.
   */
  reapGroup?: boolean;
  /** Aborting kills the command's process group at once (a closing monitor ends its crm_mon). */
  signal?: AbortSignal;
}

export interface ExecResult {
  command: string;
  args: readonly string[];
  /** Exit status, or null when killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  /** Set when the command could not be started (ENOENT, EACCES, …). */
  spawnError: string | null;
  /** The command's pid, which is also its process group (null when it never started). */
  pid: number | null;
  /** True unless the command ran and exited 0. */
  failed: boolean;
}

export type Runner = (command: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

const DEFAULT_MAX_BUFFER = 256 * 1024 * 1024;

export function describe(result: Pick<ExecResult, 'command' | 'args'>): string {
  return [result.command, ...result.args].map((a) => (/^[\w./:=@+,-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** One line saying how a command ended, for logs and exit reasons. */
export function outcome(result: ExecResult): string {
  if (result.spawnError) return `could not start (${result.spawnError})`;
  if (result.timedOut) return `timed out after ${result.durationMs} ms`;
  if (result.signal) return `killed by ${result.signal}`;
  const err = result.stderr.trim().split('\n').pop();
  return `exit ${result.exitCode}${result.exitCode !== 0 && err ? `: ${err}` : ''}`;
}

/** After the command exits, how long its pipes may still deliver what it wrote. */
const DRAIN_MS = 50;
/** After SIGKILL, how long to wait for the exit before giving up on the process. */
const REAP_MS = 500;

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * When to send SIGTERM and SIGKILL, in ms from now: SIGTERM at the call's own cap or, with a
 * deadline, early enough that the grace before SIGKILL ends at the deadline.
 */
export function killSchedule(options: Pick<ExecOptions, 'deadline' | 'timeoutMs' | 'killGraceMs'>): { termMs: number; killMs: number } {
  const left = options.deadline ? options.deadline.remaining() : Number.POSITIVE_INFINITY;
  const cap = options.timeoutMs ?? Number.POSITIVE_INFINITY;
  const grace = Math.min(options.killGraceMs ?? 1000, left / 4);
  const termMs = Math.min(cap, left - grace);
  return { termMs, killMs: Math.min(termMs + grace, left) };
}

/**
 * Run one command. The result comes when the command exits, not when its output pipes close:
 * a daemon it leaves behind may hold them for ever (`pg_ctl start` without `-l`). What the
 * pipes deliver within a short drain after the exit is kept; then they are let go.
 */
export const run: Runner = (command, args, options = {}) => {
  const clock = systemClock;
  const started = clock();
  const { termMs, killMs } = killSchedule(options);
  const maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
  const log = options.log;

  return new Promise<ExecResult>((resolve) => {
    const finish = (partial: Partial<ExecResult>): void => {
      const result: ExecResult = {
        command,
        args,
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: '',
        timedOut: false,
        spawnError: null,
        pid: null,
        ...partial,
        durationMs: Math.round(clock() - started),
        failed: true,
      };
      if (result.spawnError) result.exitCode = null;
      result.failed = !(result.exitCode === 0 && !result.timedOut && !result.spawnError);
      if (log) {
        const fields = { cmd: describe(result), rc: result.exitCode, ms: result.durationMs };
        if (result.failed) log.info(`command ${outcome(result)}`, { ...fields, stderr: result.stderr.trim().slice(0, 2000) || undefined });
        else log[options.logLevel ?? 'debug']('command done', fields);
      }
      resolve(result);
    };

    if (termMs <= 0) {
      finish({ timedOut: true });
      return;
    }

    let child: import('node:child_process').ChildProcess;
    try {
      child = childProcess().spawn(command, args as string[], {
        cwd: options.cwd,
        env: options.replaceEnv ? (options.env as NodeJS.ProcessEnv) : options.env ? { ...process.env, ...options.env } : process.env,
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true,
        windowsHide: true,
      });
    } catch (error) {
      finish({ spawnError: (error as NodeJS.ErrnoException).code ?? String(error) });
      return;
    }

    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let spawnError: string | null = null;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let done = false;
    const timers: NodeJS.Timeout[] = [];

    child.stdout!.on('data', (chunk: Buffer) => {
      if (outBytes < maxBuffer) out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (errBytes < maxBuffer) err.push(chunk);
      errBytes += chunk.length;
    });
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }

    const settle = (): void => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      // a timed-out command's group dies whole, whatever its leader did; so does what a
      // command that must leave nothing behind left
      if ((timedOut || options.reapGroup) && child.pid) signalGroup(child.pid, 'SIGKILL');
      child.stdout!.destroy();
      child.stderr!.destroy();
      child.stdin?.destroy();
      child.unref();
      finish({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        spawnError,
        pid: spawnError ? null : (child.pid ?? null),
      });
    };

    // A timer takes at most 2^31-1 ms (24.8 days); beyond that Node fires it at once. Longer caps
    // are no cap at all in practice.
    if (Number.isFinite(termMs) && termMs <= MAX_TIMER_MS) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          if (child.pid) signalGroup(child.pid, 'SIGTERM');
        }, termMs),
        setTimeout(() => {
          timedOut = true;
          if (child.pid) signalGroup(child.pid, 'SIGKILL');
          // a process that does not die even now (uninterruptible sleep): stop waiting for it
          timers.push(setTimeout(settle, REAP_MS));
        }, Math.min(killMs, MAX_TIMER_MS)),
      );
    }

    if (options.signal) {
      const abort = (): void => {
        timedOut = true;
        if (child.pid) signalGroup(child.pid, 'SIGKILL');
        timers.push(setTimeout(settle, REAP_MS));
      };
      if (options.signal.aborted) abort();
      else options.signal.addEventListener('abort', abort, { once: true });
      child.once('close', () => options.signal!.removeEventListener('abort', abort));
    }

    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code ?? error.message;
      if (child.pid === undefined) settle();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      timers.push(setTimeout(settle, DRAIN_MS));
    });
    child.on('close', settle);
  });
};

/** A runner with a logger and deadline bound in, as the OCF context hands it to agents. */
export function bindRunner(defaults: ExecOptions): Runner {
  return (command, args, options = {}) => run(command, args, { ...defaults, ...options });
}
