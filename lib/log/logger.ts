/**
 * The one logger interface of ocfkit.
 *
 * Agents are short processes whose stderr Pacemaker copies into its own log, so the default
 * sink writes each line synchronously to fd 2: nothing is buffered, nothing is lost when the
 * agent exits. stdout is never touched (it belongs to meta-data).
 */
import { writeSync } from 'node:fs';

export type Level = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** A logger whose lines also carry these bindings. */
  child(bindings: Fields): Logger;
}

/** Where formatted lines go. Tests inject one that collects them. */
export type Sink = (line: string) => void;

export const stderrSink: Sink = (line) => {
  try {
    writeSync(2, line + '\n');
  } catch {
    // stderr closed: nothing sensible left to do with a log line
  }
};

export interface LoggerOptions {
  /** Printed first on every line, e.g. `ocfkit:services`. */
  name: string;
  level?: Level;
  bindings?: Fields;
  sink?: Sink;
  /** Where warnings and errors also go (syslog, as resource-agents' ocf_log does). */
  syslog?: (level: 'warn' | 'error', line: string) => void;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[\w./:@+-]*$/.test(value) && value !== '' ? value : JSON.stringify(value);
  if (value instanceof Error) return JSON.stringify(value.message);
  return JSON.stringify(value) ?? String(value);
}

function formatFields(fields: Fields): string {
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out += ` ${key}=${formatValue(value)}`;
  }
  return out;
}

/**
 * A log line stays one line of printable text whatever a message quotes (a service's output,
 * a file's content): line breaks, terminal escapes and other control or format characters
 * are written as escapes.
 */
export function oneLine(line: string): string {
  return line.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`;
  });
}

/** Level from OCF conventions: HA_debug=1 or OCF_TRACE_RA turns on debug lines. */
export function levelFromEnv(env: NodeJS.ProcessEnv): Level {
  const wanted = env.OCFKIT_LOG_LEVEL;
  if (wanted && wanted in ORDER) return wanted as Level;
  if (env.HA_debug === '1' || env.OCF_TRACE_RA === '1') return 'debug';
  return 'info';
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const sink = options.sink ?? stderrSink;
  const bound = options.bindings ?? {};
  const prefix = `${options.name}${formatFields(bound)}`;

  const write = (level: Level, msg: string, fields?: Fields): void => {
    if (ORDER[level] < threshold) return;
    const line = oneLine(`${prefix} ${level}: ${msg}${fields ? formatFields(fields) : ''}`);
    sink(line);
    if (options.syslog && (level === 'warn' || level === 'error')) options.syslog(level, line);
  };

  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (bindings) => createLogger({ ...options, bindings: { ...bound, ...bindings } }),
  };
}
