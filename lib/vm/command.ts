/**
 * The VM lab's command runner: lib/exec's `run` (argument arrays, deadlines), and a variant that
 * turns a failure into a VmError naming the command and how it ended.
 */
import { describe, outcome, run, type ExecOptions, type ExecResult } from '../exec/run.ts';
import { VmError } from './errors.ts';

export type Exec = (command: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

export async function mustRun(exec: Exec, command: string, args: readonly string[], options: ExecOptions & { timeoutMs: number }): Promise<ExecResult> {
  const r = await exec(command, args, options);
  if (r.failed) {
    const tail = `${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-3).join(' | ');
    throw new VmError(`${describe(r).slice(0, 200)}: ${outcome(r)}${tail && !outcome(r).includes(tail) ? ` (${tail.slice(0, 400)})` : ''}`);
  }
  return r;
}

export const defaultExec: Exec = run;
