/**
 * The OCF runtime: one invocation of an agent, from argv and environment to an exit code.
 *
 * meta-data first and cheapest (no environment parsing); then the action is looked up
 * (unknown: OCF_ERR_UNIMPLEMENTED), parameters typed and validated (OCF_ERR_CONFIGURED naming
 * the parameter), the agent's own validation run, and the handler called. Every failure
 * becomes a code plus one `ocf-exit-reason:` line on stderr; nothing but meta-data is written
 * to stdout.
 */
import { writeSync } from 'node:fs';
import { systemClock, type Clock } from '../exec/deadline.ts';
import { createLogger, levelFromEnv, stderrSink, type Logger, type Sink } from '../log/logger.ts';
import type { AgentSpec, Outcome, ParameterSpecs, Params } from './agent.ts';
import { OCF, codeName, isOcfCode, type OcfCode } from './codes.ts';
import { buildContext, isProbe, readEnv, type OcfContext } from './context.ts';
import { OcfError } from './errors.ts';
import { renderMetadata } from './metadata.ts';
import { readParameters } from './params.ts';

export interface RunOptions {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  /** Where meta-data goes (default: fd 1, synchronously). */
  stdout?: (text: string) => void;
  /** Where log lines and the exit reason go (default: fd 2, synchronously). */
  stderr?: Sink;
  clock?: Clock;
  /** When the process started; the deadline counts from here (default: now). */
  startedAt?: number;
}

const MAX_REASON = 255;

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

export const stdoutWriter = (text: string): void => writeAll(1, text);

function usage<S extends ParameterSpecs>(spec: AgentSpec<S>): string {
  const names = [...Object.keys(spec.actions), 'meta-data', 'validate-all'];
  return `usage: ${spec.name} {${names.join('|')}}`;
}

function normalize(outcome: Outcome): { code: OcfCode; reason?: string } {
  if (typeof outcome === 'number') return { code: outcome };
  return outcome;
}

/**
 * Validation failures mean different things per action: a probe on a node without the
 * software says "not running here"; a stop there says "nothing of ours can run here".
 */
export function adjustValidationFailure(action: string, probe: boolean, code: OcfCode): OcfCode {
  if (code === OCF.ERR_INSTALLED && probe) return OCF.NOT_RUNNING;
  if (code === OCF.ERR_INSTALLED && action === 'stop') return OCF.SUCCESS;
  return code;
}

export async function runAgent<S extends ParameterSpecs>(spec: AgentSpec<S>, options: RunOptions): Promise<number> {
  const sink = options.stderr ?? stderrSink;
  const out = options.stdout ?? stdoutWriter;
  const action = options.argv[0];

  if (action === 'meta-data') {
    out(renderMetadata(spec));
    return OCF.SUCCESS;
  }

  const clock = options.clock ?? systemClock;
  const reading = readEnv(options.env, spec.name);
  const log: Logger = createLogger({
    name: `ocfkit:${spec.name}`,
    level: levelFromEnv(options.env as NodeJS.ProcessEnv),
    bindings: { rsc: reading.instance, op: action ?? '-' },
    sink,
  });
  const finish = (code: OcfCode, reason?: string): number => {
    if (reason && code !== OCF.SUCCESS && code !== OCF.RUNNING_PROMOTED) {
      sink(`ocf-exit-reason:${reason.replace(/\s+/g, ' ').slice(0, MAX_REASON)}`);
    }
    const quiet = action === 'monitor' && (code === OCF.SUCCESS || code === OCF.RUNNING_PROMOTED || code === OCF.NOT_RUNNING);
    log[quiet ? 'debug' : 'info'](`${action} returned ${codeName(code)}`, { rc: code, reason });
    return code;
  };

  if (action === undefined || action === 'usage' || action === 'help') {
    sink(usage(spec));
    return action === undefined ? finish(OCF.ERR_ARGS, 'no action given') : OCF.SUCCESS;
  }
  const handler = action === 'validate-all' ? undefined : spec.actions[action as keyof typeof spec.actions];
  if (action !== 'validate-all' && !handler) {
    sink(usage(spec));
    return finish(OCF.ERR_UNIMPLEMENTED, `action '${action}' is not implemented by ${spec.name}`);
  }

  const advertised = action === 'validate-all' ? (spec.validateTimeout ?? 20) : handler!.timeout;
  const { values, errors } = readParameters(spec.parameters, reading.rawParams);
  const ctx: OcfContext<Params<S>> = buildContext({
    agent: spec.name,
    action,
    reading,
    params: values as Params<S>,
    defaultTimeoutMs: advertised * 1000,
    startedAt: options.startedAt ?? clock(),
    log,
    clock,
  });
  const probe = isProbe(action, reading.meta);

  try {
    if (errors.length > 0) {
      for (const e of errors.slice(1)) log.error(e.message);
      throw errors[0];
    }
    if (spec.validate) await spec.validate(ctx);
  } catch (error) {
    const { code, reason } = fromError(error);
    if (action === 'notify') return finish(OCF.SUCCESS, reason);
    const adjusted = adjustValidationFailure(action, probe, code);
    if (adjusted !== code) log.info(`validation failed (${codeName(code)}): ${reason}; ${action} reports ${codeName(adjusted)}`);
    return finish(adjusted, adjusted === code ? reason : undefined);
  }

  if (action === 'validate-all') return finish(OCF.SUCCESS);

  try {
    const { code, reason } = normalize(await handler!.run(ctx));
    if (action === 'notify' && code !== OCF.SUCCESS) return finish(OCF.SUCCESS, reason);
    return finish(code, reason);
  } catch (error) {
    const { code, reason } = fromError(error);
    if (action === 'notify') return finish(OCF.SUCCESS, reason);
    return finish(code, reason);
  }
}

function fromError(error: unknown): { code: OcfCode; reason: string } {
  if (error instanceof OcfError) return { code: error.code, reason: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: OCF.ERR_GENERIC, reason: `internal error: ${message}` };
}

export { isOcfCode };
