/**
 * Start a long-running program in its own session (so it leads its own process group and
 * survives us), with its output on given file descriptors. Resolves once it runs.
 */
import { childProcess } from './lazy.ts';

export interface DetachedOptions {
  /** stdin, stdout, stderr: 'ignore' or an open file descriptor. */
  stdio?: ['ignore' | number, 'ignore' | number, 'ignore' | number];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export type Detached = { pid: number } | { error: string };

export function spawnDetached(program: string, args: readonly string[], options: DetachedOptions = {}): Promise<Detached> {
  return new Promise((resolve) => {
    let child;
    try {
      child = childProcess().spawn(program, args as string[], {
        detached: true,
        stdio: options.stdio ?? ['ignore', 'ignore', 'ignore'],
        cwd: options.cwd,
        env: options.env ?? process.env,
      });
    } catch (error) {
      resolve({ error: (error as NodeJS.ErrnoException).code ?? String(error) });
      return;
    }
    child.once('spawn', () => {
      child.unref();
      resolve({ pid: child.pid! });
    });
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}
