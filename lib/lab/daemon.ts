/**
 * Starting a long-running daemon (corosync -f, pacemakerd -f) inside a lab node so that it
 * outlives the process that started it.
 *
 * It spawns through lib/exec's `spawnDetached`, not `run`: `run` waits for the
 * command to end and kills it at its deadline, which is the opposite of what a daemon needs.
 * The daemon is spawned detached (its own session, so no terminal signal reaches it), with
 * stdin from /dev/null and stdout/stderr appended to a log file, and unref'd so the caller can
 * exit. nsenter execs the daemon in place, so the returned PID is the daemon's own. When the
 * caller exits first, PID 1 adopts the daemon; the lab finds it again by namespace, never by
 * its name or by this PID alone.
 */
import { closeSync, openSync } from 'node:fs';
import { spawnDetached } from '../exec/spawn.ts';
import type { Logger } from '../log/logger.ts';

export interface DaemonOptions {
  /** The full command line (usually nsenter … -- daemon -f). */
  command: string;
  args: readonly string[];
  /** Appended to with the daemon's stdout and stderr. */
  logFile: string;
  /** The daemon's whole environment (nothing is inherited). */
  env: Record<string, string>;
  log?: Logger;
}

export async function spawnDaemon(options: DaemonOptions): Promise<number> {
  const fd = openSync(options.logFile, 'a', 0o640);
  let started;
  try {
    started = await spawnDetached(options.command, options.args, { stdio: ['ignore', fd, fd], env: options.env, cwd: '/' });
  } finally {
    closeSync(fd);
  }
  if ('error' in started) throw new Error(`cannot start ${options.command}: ${started.error}`);
  options.log?.debug('daemon started', { cmd: [options.command, ...options.args].join(' '), pid: started.pid, logFile: options.logFile });
  return started.pid;
}
