/**
 * Starting a long-running daemon (corosync -f, pacemakerd -f) inside a lab node so that it
 * outlives the process that started it.
 *
 * This is the one place in ocfkit that spawns without lib/exec's `run`: `run` waits for the
 * command to end and kills it at its deadline, which is the opposite of what a daemon needs.
 * The daemon is spawned detached (its own session, so no terminal signal reaches it), with
 * stdin from /dev/null and stdout/stderr appended to a log file, and unref'd so the caller can
 * exit. nsenter execs the daemon in place, so the returned PID is the daemon's own. When the
 * caller exits first, PID 1 adopts the daemon; the lab finds it again by namespace, never by
 * its name or by this PID alone.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
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

export function spawnDaemon(options: DaemonOptions): Promise<number> {
  const fd = openSync(options.logFile, 'a', 0o640);
  return new Promise<number>((resolve, reject) => {
    let child;
    try {
      child = spawn(options.command, options.args as string[], {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: options.env,
        cwd: '/',
      });
    } catch (error) {
      closeSync(fd);
      reject(error);
      return;
    }
    child.once('error', (error) => {
      closeSync(fd);
      reject(error);
    });
    child.once('spawn', () => {
      closeSync(fd);
      child.unref();
      options.log?.debug('daemon started', { cmd: [options.command, ...options.args].join(' '), pid: child.pid, logFile: options.logFile });
      resolve(child.pid!);
    });
  });
}
