/**
 * Thin live adapters: run the tool with a deadline (lib/exec's one runner), then hand the text
 * to the pure parser. "Cluster not running" is a typed result, not an error: crm_mon exit 102
 * (CRM_EX_NOT_CONNECTED), and cibadmin/pcs failing to connect.
 *
 * Agents should not call these on their monitor path: ask narrow questions instead
 * (`crm_attribute`, `crm_resource`, `cibadmin --query --xpath`).
 */
import { run as defaultRun, type ExecResult, type Runner } from '../exec/run.ts';
import type { Deadline } from '../exec/deadline.ts';
import type { Logger } from '../log/logger.ts';
import { ClusterParseError } from './errors.ts';
import { parseCrmMonXml } from './crm-mon.ts';
import { parseCibXml } from './cib.ts';
import { parsePcsStatus } from './pcs-status.ts';
import type { ClusterStatus } from './model.ts';
import type { Cib } from './cib-model.ts';
import type { PcsStatus } from './pcs-model.ts';

export const CRM_EX_NOT_CONNECTED = 102;

export type LiveResult<T> =
  | { kind: 'ok'; value: T; exec: ExecResult }
  | { kind: 'cluster-not-running'; message: string; exec: ExecResult }
  | { kind: 'command-failed'; message: string; exec: ExecResult }
  | { kind: 'parse-error'; error: ClusterParseError; exec: ExecResult };

export interface LiveOptions {
  deadline: Deadline;
  log?: Logger;
  /** Injected runner (tests); defaults to lib/exec's run. */
  runner?: Runner;
  /** Extra environment, e.g. `{ CIB_file: '/path/cib.xml' }` to read a file instead of the cluster. */
  env?: Record<string, string>;
}

const NOT_CONNECTED = /Transport endpoint is not connected|Connection refused|Could not connect to the CIB|is pacemaker running|cluster is not currently running|Not connected|No such file or directory.*cib/i;

function failure(exec: ExecResult): { kind: 'cluster-not-running' | 'command-failed'; message: string } {
  const text = `${exec.stderr}\n${exec.stdout}`;
  const lastLine = exec.stderr.trim().split('\n').pop() ?? '';
  if (exec.exitCode === CRM_EX_NOT_CONNECTED || (!exec.timedOut && !exec.spawnError && NOT_CONNECTED.test(text))) {
    return { kind: 'cluster-not-running', message: lastLine || 'cluster is not running (not connected)' };
  }
  if (exec.spawnError) return { kind: 'command-failed', message: `${exec.command}: could not start (${exec.spawnError})` };
  if (exec.timedOut) return { kind: 'command-failed', message: `${exec.command}: timed out after ${exec.durationMs} ms` };
  return { kind: 'command-failed', message: `${exec.command}: exit ${exec.exitCode}${lastLine ? `: ${lastLine}` : ''}` };
}

async function live<T>(command: string, args: string[], parse: (text: string) => T, options: LiveOptions, okExit: readonly number[] = []): Promise<LiveResult<T>> {
  const runner = options.runner ?? defaultRun;
  const exec = await runner(command, args, { deadline: options.deadline, log: options.log, env: options.env });
  const answered = exec.exitCode !== null && okExit.includes(exec.exitCode) && !exec.timedOut && exec.stdout.trim() !== '';
  if (exec.failed && !answered) return { ...failure(exec), exec };
  try {
    return { kind: 'ok', value: parse(exec.stdout), exec };
  } catch (error) {
    if (error instanceof ClusterParseError) return { kind: 'parse-error', error, exec };
    throw error;
  }
}

/** `crm_mon --one-shot --inactive --output-as=xml`. */
export function readCrmMon(options: LiveOptions): Promise<LiveResult<ClusterStatus>> {
  return live('crm_mon', ['--one-shot', '--inactive', '--output-as=xml'], parseCrmMonXml, options);
}

/** `cibadmin --query` (whole CIB, or one `--scope` section). */
export function readCib(options: LiveOptions & { scope?: 'configuration' | 'status' | 'resources' | 'constraints' }): Promise<LiveResult<Cib>> {
  const args = ['--query'];
  if (options.scope) args.push('--scope', options.scope);
  return live('cibadmin', args, parseCibXml, options);
}

/** The `pcs status` forms readPcsStatus runs (`status` is plain `pcs status`). */
export type PcsStatusForm =
  | 'status' | 'resources' | 'nodes' | 'nodes both' | 'nodes corosync' | 'nodes config' | 'cluster' | 'corosync' | 'quorum' | 'pcsd';

/**
 * `pcs status [<form>]` (`--full` when asked, plain status only). `pcs status pcsd` exits 2 when
 * some node's pcsd is not Online: with output, that is an answer, not a failure.
 */
export function readPcsStatus(options: LiveOptions & { full?: boolean; form?: PcsStatusForm }): Promise<LiveResult<PcsStatus>> {
  const form = options.form ?? 'status';
  const args = form === 'status' ? ['status'] : ['status', ...form.split(' ')];
  if (options.full && form === 'status') args.push('--full');
  return live('pcs', args, parsePcsStatus, options, form === 'pcsd' ? [2] : []);
}
