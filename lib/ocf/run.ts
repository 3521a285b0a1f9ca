/**
 * The OCF runtime: one invocation of an agent, from argv and environment to an exit code.
 *
 * meta-data first and cheapest (no environment parsing); then the action is looked up
 * (unknown: OCF_ERR_UNIMPLEMENTED), parameters typed and validated (OCF_ERR_CONFIGURED naming
 * the parameter), the agent's own validation run, and the handler called. Every failure
 * becomes a code plus one `ocf-exit-reason:` line on stderr; nothing but meta-data is written
 * to stdout.
 */
import { mkdirSync } from 'node:fs';
import { writeAllSync } from '../fs/atomic.ts';
import { join } from 'node:path';
import { systemClock, type Clock } from '../exec/deadline.ts';
import { createLogger, levelFromEnv, stderrSink, type Logger, type Sink } from '../log/logger.ts';
import { syslogWriter, type SyslogWriter } from '../log/syslog.ts';
import { acquireLock, describeHolder } from '../fs/lock.ts';
import type { ActionName, AgentSpec, Outcome, ParameterSpecs, Params } from './agent.ts';
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
  /** When the process started, on `clock`'s scale; the deadline counts from here (default: now). */
  startedAt?: number;
  /** Where warnings and errors also go (default: syslog through /dev/log, when it exists); null: nowhere. */
  syslog?: SyslogWriter | null;
}

/** Pacemaker keeps 128 bytes of an exit reason: the important part comes first. */
const MAX_REASON_BYTES = 128;

/**
 * One line of printable text, at most 128 bytes of UTF-8, cut at a character boundary with an
 * ellipsis. A reason may quote a service's own output: control characters (NUL, which ends the
 * string in Pacemaker's C, terminal escapes, DEL, C1) and invisible format characters become '?'.
 */
export function exitReasonLine(reason: string): string {
  const flat = reason.replace(/\s+/g, ' ').replace(/[\p{Cc}\p{Cf}]/gu, '?').trim();
  if (Buffer.byteLength(flat) <= MAX_REASON_BYTES) return flat;
  const room = MAX_REASON_BYTES - Buffer.byteLength('…');
  let out = '';
  let used = 0;
  for (const ch of flat) {
    const n = Buffer.byteLength(ch);
    if (used + n > room) break;
    out += ch;
    used += n;
  }
  return out + '…';
}

const stdoutWriter = (text: string): void => writeAllSync(1, Buffer.from(text));

function usage<S extends ParameterSpecs>(spec: AgentSpec<S>): string {
  const names = [...Object.keys(spec.actions), 'meta-data', 'validate-all'];
  return `usage: ${spec.name} {${names.join('|')}}`;
}

function normalize(outcome: Outcome): { code: OcfCode; reason?: string } {
  if (typeof outcome === 'number') return { code: outcome };
  return outcome;
}

/**
 * Software missing on this node (OCF_ERR_INSTALLED) means "not running here" only when nothing
 * of ours runs here, and only the action itself can tell: so a stop or a probe goes on to its
 * handler after such a validation failure (a stop must stop whatever runs), and a probe that
 * then answers OCF_ERR_INSTALLED says OCF_NOT_RUNNING. The one place this is decided.
 */
export function goesOnDespite(action: string, probe: boolean, code: OcfCode): boolean {
  return code === OCF.ERR_INSTALLED && (action === 'stop' || probe);
}

export function probeAnswer(probe: boolean, code: OcfCode): OcfCode {
  return probe && code === OCF.ERR_INSTALLED ? OCF.NOT_RUNNING : code;
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
    syslog: options.syslog === undefined ? syslogWriter(`ocfkit:${spec.name}`) : (options.syslog ?? undefined),
  });
  const finish = (code: OcfCode, reason?: string): number => {
    if (reason && code !== OCF.SUCCESS && code !== OCF.RUNNING_PROMOTED) {
      sink(`ocf-exit-reason:${exitReasonLine(reason)}`);
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
    if (!goesOnDespite(action, probe, code)) return finish(code, reason);
    log.info(`validation: ${reason}; the ${probe ? 'probe' : action} goes on to see what of ours runs`);
  }

  if (action === 'validate-all') return finish(OCF.SUCCESS);

  let release = (): void => {};
  if (spec.exclusive?.includes(action as ActionName)) {
    const path = join(ctx.paths.rscTmp, `ocfkit-${spec.name}-${ctx.instance}.lock`);
    // a stop must not fail for want of the lock: after half its time it goes on without it
    const waitUntil = action === 'stop' ? ctx.deadline.within(ctx.deadline.remaining() / 2) : ctx.deadline;
    let why: string;
    try {
      const got = await acquireLock(path, action, waitUntil, (holder) => log.info(`waiting for another operation on this resource: ${describeHolder(holder)}`));
      if ('release' in got) release = got.release;
      why = 'busy' in got ? `another operation on this resource: ${describeHolder(got.busy)}` : '';
    } catch (error) {
      // no lock to be had at all (no flock, a read-only folder): say so, not "another operation"
      why = (error as Error).message;
    }
    if (why) {
      if (action !== 'stop') return finish(OCF.ERR_GENERIC, why);
      log.warn(`${why}; stopping anyway`);
    }
  }

  try {
    const { code, reason } = normalize(await handler!.run(ctx));
    if (action === 'notify' && code !== OCF.SUCCESS) return finish(OCF.SUCCESS, reason);
    const answer = probeAnswer(probe, code);
    return finish(answer, answer === code ? reason : undefined);
  } catch (error) {
    const { code, reason } = fromError(error);
    if (action === 'notify') return finish(OCF.SUCCESS, reason);
    const answer = probeAnswer(probe, code);
    return finish(answer, answer === code ? reason : undefined);
  } finally {
    release();
  }
}

function fromError(error: unknown): { code: OcfCode; reason: string } {
  if (error instanceof OcfError) return { code: error.code, reason: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: OCF.ERR_GENERIC, reason: `internal error: ${message}` };
}

export { isOcfCode };
