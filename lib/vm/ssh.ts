/**
 * ssh into a lab node over its 127.0.0.1 port forward. ssh joins its arguments into one line for
 * the remote shell, so each argument is quoted for sh here (pure) and nothing is ever
 * interpreted twice.
 */
import type { ExecOptions, ExecResult } from '../exec/run.ts';
import type { Exec } from './command.ts';

/** One argument as a single sh word. */
export function shQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
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
    command.map(shQuote).join(' '),
  ];
}

export function ssh(exec: Exec, key: string, port: number, command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return exec('ssh', sshArgs(key, port, command), options);
}
