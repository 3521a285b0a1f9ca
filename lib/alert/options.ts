/**
 * The alert's options (contracts-s16 §4): instance attributes of the `<alert>`, which Pacemaker
 * passes as environment variables of the same name. Pure.
 */
import { isAbsolute } from 'node:path';
import { preview } from './env.ts';

export const DEFAULT_LOG = '/var/lib/ocfkit/events.jsonl';
export const DEFAULT_SOCKET = '/run/ocfkit/events.sock';
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_KEEP = 5;
/**
 * The agent is done (or gives up) this long after its process started: a third of Pacemaker's
 * 30 s default alert timeout. Keep the alert's `timeout` meta attribute above it.
 */
export const DEFAULT_BUDGET_MS = 10_000;

export interface AlertOptions {
  log: string;
  maxBytes: number;
  keep: number;
  socket: string;
  webhook: { url: URL; secretFile: string; caFile: string | null } | null;
}

/** A bad alert option; `option` names the instance attribute. */
export class AlertOptionError extends Error {
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`option ${option}: ${problem}`);
    this.name = 'AlertOptionError';
    this.option = option;
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function path(env: Readonly<Record<string, string | undefined>>, option: string, fallback: string): string;
function path(env: Readonly<Record<string, string | undefined>>, option: string, fallback: null): string | null;
function path(env: Readonly<Record<string, string | undefined>>, option: string, fallback: string | null): string | null {
  const value = env[option];
  if (value === undefined || value === '') return fallback;
  if (!isAbsolute(value)) throw new AlertOptionError(option, `not an absolute path: ${preview(value)}`);
  if (value.length > 1024 || CONTROL.test(value)) throw new AlertOptionError(option, `not a usable path: ${preview(value)}`);
  return value;
}

function integer(env: Readonly<Record<string, string | undefined>>, option: string, fallback: number, min: number, max: number): number {
  const value = env[option];
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,15}$/.test(value.trim())) throw new AlertOptionError(option, `expected a whole number from ${min} to ${max}, got ${preview(value)}`);
  const n = Number(value.trim());
  if (n < min || n > max) throw new AlertOptionError(option, `expected a whole number from ${min} to ${max}, got ${n}`);
  return n;
}

export function parseAlertOptions(env: Readonly<Record<string, string | undefined>>): AlertOptions {
  const options: AlertOptions = {
    log: path(env, 'log', DEFAULT_LOG),
    maxBytes: integer(env, 'max_bytes', DEFAULT_MAX_BYTES, 64 * 1024, 2 ** 40),
    keep: integer(env, 'keep', DEFAULT_KEEP, 0, 100),
    socket: path(env, 'socket', DEFAULT_SOCKET),
    webhook: null,
  };
  const url = env.webhook_url;
  if (url !== undefined && url !== '') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new AlertOptionError('webhook_url', `not a URL: ${preview(url)}`);
    }
    if (parsed.protocol !== 'https:') throw new AlertOptionError('webhook_url', `only https:// is allowed, got ${preview(parsed.protocol)}`);
    if (parsed.username || parsed.password) throw new AlertOptionError('webhook_url', 'credentials in the URL are refused (the secret file signs the body)');
    const secretFile = path(env, 'secret_file', null);
    if (!secretFile) throw new AlertOptionError('secret_file', 'required with webhook_url');
    options.webhook = { url: parsed, secretFile, caFile: path(env, 'webhook_ca', null) };
  }
  return options;
}
