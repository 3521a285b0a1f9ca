/**
 * ssh into a lab node over its 127.0.0.1 port forward. ssh joins its arguments into one line for
 * the remote shell, so each argument is quoted for sh here (pure) and nothing is ever
 * interpreted twice.
 */
import type { ExecOptions, ExecResult } from '../exec/run.ts';
import type { Exec } from './command.ts';

const quoted = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/** One argument as a single sh word. */
export function shQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : quoted(arg);
}

/** Words a shell (bash is root's shell in the guest) reads as its own syntax in command position. */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', 'function', 'select', 'time', 'coproc']);

/**
 * The command line for the remote shell. A first word sh would not take for the command to run
 * is quoted too: `A=1` (an assignment), `if` (syntax).
 */
export function shCommand(command: readonly string[]): string {
  return command
    .map((a, i) => (i === 0 && (RESERVED.has(a) || a.includes('=')) ? quoted(a) : shQuote(a)))
    .join(' ');
}

export function sshArgs(key: string, port: number, command: readonly string[]): string[] {
  return [
    '-i', key,
    '-p', String(port),
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=10',
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=3',
    'root@127.0.0.1',
    '--',
    shCommand(command),
  ];
}

export function ssh(exec: Exec, key: string, port: number, command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return exec('ssh', sshArgs(key, port, command), options);
}
