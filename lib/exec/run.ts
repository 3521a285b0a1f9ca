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
import { Deadline } from './deadline.ts';
import type { Logger } from '../log/logger.ts';

export interface ExecOptions {
  /** The operation's deadline; the command is killed when it passes. */
  deadline?: Deadline;
  /** A tighter cap for this call alone, in ms. */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string;
  /** Extra environment variables (merged over the current environment). */
  env?: Record<string, string | undefined>;
  /** Replace the environment entirely instead of merging. */
  replaceEnv?: boolean;
  cwd?: string;
  /** Time between SIGTERM and SIGKILL of a timed-out command's process group. */
  killGraceMs?: number;
  /** Cap on captured stdout/stderr bytes each (default 256 MiB: a big CIB fits). */
  maxBuffer?: number;
  log?: Logger;
  /** Log level of the success line (`debug` keeps monitor quiet). */
  logLevel?: 'debug' | 'info';
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

function timeoutFor(options: ExecOptions): number {
  let ms = options.deadline ? options.deadline.remaining() : Number.POSITIVE_INFINITY;
  if (options.timeoutMs !== undefined) ms = Math.min(ms, options.timeoutMs);
  return ms;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid) signalGroup(pid, signal);
}

export const run: Runner = (command, args, options = {}) => {
  const started = Date.now();
  const timeout = timeoutFor(options);
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
        ...partial,
        durationMs: Date.now() - started,
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

    if (timeout <= 0) {
      finish({ timedOut: true });
      return;
    }

    let child;
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
    let killTimer: NodeJS.Timeout | undefined;

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

    const timer = Number.isFinite(timeout)
      ? setTimeout(() => {
          timedOut = true;
          killGroup(child.pid, 'SIGTERM');
          killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 1000);
        }, timeout)
      : undefined;

    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code ?? error.message;
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      // A timed-out command may leave children holding the pipes; make sure the group is gone.
      if (timedOut) killGroup(child.pid, 'SIGKILL');
      finish({
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        spawnError,
      });
    });
  });
};

/** A runner with a logger and deadline bound in, as the OCF context hands it to agents. */
export function bindRunner(defaults: ExecOptions): Runner {
  return (command, args, options = {}) => run(command, args, { ...defaults, ...options });
}
