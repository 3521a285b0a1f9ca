/**
 * child_process loaded on first use: it costs ~3 ms of a ~38 ms agent start (measured with
 * bench/startup.ts), and many monitors (pid files, /proc) never run a command.
 * process.getBuiltinModule (Node >= 20.16) works the same in ES modules and in the bundles.
 */
import type * as ChildProcess from 'node:child_process';

let loaded: typeof ChildProcess | undefined;

export function childProcess(): typeof ChildProcess {
  loaded ??= process.getBuiltinModule('node:child_process');
  return loaded;
}
