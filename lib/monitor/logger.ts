/**
 * Logging of long-running processes (the monitor, `ocfkit watch`, the example application): pino,
 * JSON lines with levels, written asynchronously so that logging never blocks the application's
 * event loop, with secrets redacted. Short-lived agents keep lib/log's synchronous stderr logger:
 * an agent's last lines must reach Pacemaker's log before it exits, and pino's start-up cost
 * would land on every monitor run.
 *
 * Any pino-compatible logger is accepted: `info(obj, msg)` / `info(msg)` and friends, `child`
 * optional.
 */
import { pino, type Logger as PinoLogger } from 'pino';

type LogFn = { (obj: object, msg?: string): void; (msg: string): void };

export interface PinoLike {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child?(bindings: Record<string, unknown>): PinoLike;
}

/** Paths never written in clear: webhook secrets, passwords, tokens, authorization headers. */
export const REDACT_PATHS = [
  'secret', '*.secret', 'secretFile', '*.secretFile', 'password', '*.password', 'token', '*.token',
  'authorization', '*.authorization', 'headers.authorization', 'headers["x-ocfkit-signature"]', 'env.*',
];

export interface DefaultLoggerOptions {
  name?: string;
  level?: string;
  /** File descriptor to write to (default 2: stderr; stdout may be the program's output). */
  fd?: number;
}

export function createPinoLogger(options: DefaultLoggerOptions = {}): PinoLogger {
  return pino(
    {
      name: options.name ?? 'ocfkit-monitor',
      level: options.level ?? process.env.OCFKIT_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    pino.destination({ fd: options.fd ?? 2, sync: false }),
  );
}

export function childOf(logger: PinoLike, bindings: Record<string, unknown>): PinoLike {
  return typeof logger.child === 'function' ? logger.child(bindings) : logger;
}
