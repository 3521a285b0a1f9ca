/**
 * The optional webhook: an HTTPS POST of the event line, signed
 * `X-Ocfkit-Signature: sha256=<hex HMAC-SHA256 of the body>` with a secret read from a file
 * only its owner can read. Retries a few times inside the time it is given; never follows a
 * redirect; a receiver that drip-feeds its answer is cut off at the attempt's deadline.
 * The secret never appears in a message (errors name the secret's file, never its content).
 *
 * `node:https` is loaded only when a webhook is configured (~5 ms of start-up).
 */
import type * as Https from 'node:https';
import { constants } from 'node:fs';
import * as fsa from './fsa.ts';
import type * as Crypto from 'node:crypto';

export class WebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookError';
  }
}

/** The secret in `path`: a regular file, no symbolic link, not readable by group or others, not empty. */
export async function readSecret(path: string): Promise<Buffer> {
  let fd: number;
  try {
    fd = await fsa.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WebhookError(`secret file ${path}: ${code === 'ELOOP' ? 'is a symbolic link: refused' : `cannot open (${code ?? 'error'})`}`);
  }
  try {
    const st = await fsa.fstat(fd);
    if (!st.isFile()) throw new WebhookError(`secret file ${path}: not a regular file: refused`);
    if (st.mode & 0o077) throw new WebhookError(`secret file ${path}: readable or writable by group or others (mode ${(st.mode & 0o777).toString(8)}): refused, make it 0600`);
    if (st.size > 4096) throw new WebhookError(`secret file ${path}: larger than 4096 bytes: refused`);
    const buf = await fsa.readAll(fd, 4096);
    let end = buf.length;
    while (end > 0 && (buf[end - 1] === 0x0a || buf[end - 1] === 0x0d)) end--;
    if (end === 0) throw new WebhookError(`secret file ${path}: empty`);
    return buf.subarray(0, end);
  } finally {
    await fsa.close(fd).catch(() => undefined);
  }
}

/** A CA bundle: a regular file (no FIFO to wait on), at most 1 MiB. */
export async function readCaFile(path: string): Promise<Buffer> {
  let fd: number;
  try {
    fd = await fsa.open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new WebhookError(`webhook_ca ${path}: cannot open (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const st = await fsa.fstat(fd);
    if (!st.isFile()) throw new WebhookError(`webhook_ca ${path}: not a regular file: refused`);
    if (st.size > 1024 * 1024) throw new WebhookError(`webhook_ca ${path}: larger than 1 MiB: refused`);
    return await fsa.readAll(fd, 1024 * 1024);
  } finally {
    await fsa.close(fd).catch(() => undefined);
  }
}

let crypto: typeof Crypto | undefined;

/** `sha256=<hex HMAC-SHA256>`; node:crypto is loaded only here (OpenSSL costs start-up). */
export function signature(secret: Uint8Array, body: string | Uint8Array): string {
  crypto ??= process.getBuiltinModule('node:crypto');
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookOptions {
  url: URL;
  secret: Uint8Array;
  /** Extra CA certificates (PEM) to trust, e.g. a private CA of the receiver. */
  ca?: string | Buffer;
  /** Absolute time (Date.now() ms) by which every attempt is over. */
  deadline: number;
  attempts?: number;
  attemptTimeoutMs?: number;
  /** Headers added (an event id, say). */
  headers?: Record<string, string>;
  sleep?: (ms: number) => Promise<void>;
}

export interface AttemptResult {
  status: number | null;
  error: string | null;
  ms: number;
}

export interface WebhookResult {
  ok: boolean;
  attempts: AttemptResult[];
}

let https: typeof Https | undefined;

/** Where the webhook goes, for messages: scheme, host, port and path, never a query string. */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function attempt(o: WebhookOptions, body: Buffer, timeoutMs: number): Promise<AttemptResult> {
  https ??= process.getBuiltinModule('node:https');
  const started = Date.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (status: number | null, error: string | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ status, error, ms: Date.now() - started });
    };
    const req = https!.request(o.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        'user-agent': 'ocfkit-alert',
        'x-ocfkit-signature': signature(o.secret, body),
        ...o.headers,
      },
      ca: o.ca,
      // no keep-alive agent: one request per process
      agent: false,
    });
    const timer = setTimeout(() => finish(null, `no answer within ${timeoutMs} ms`), timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => finish(null, error.code ?? error.message));
    req.on('response', (res) => {
      // The status is all we need; the body is drained (bounded) only so the socket can close.
      let seen = 0;
      res.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > 64 * 1024) finish(res.statusCode ?? null, null);
      });
      res.on('end', () => finish(res.statusCode ?? null, null));
      res.on('error', () => finish(res.statusCode ?? null, null));
    });
    req.end(body);
  });
}

/** Permanent answers: retrying cannot help (a redirect is never followed). */
function permanent(status: number): boolean {
  return status >= 300 && status < 500 && status !== 408 && status !== 429;
}

/** POSTs `body`, retrying transient failures with a short back-off, all before `deadline`. */
export async function postWebhook(body: string, o: WebhookOptions): Promise<WebhookResult> {
  const attempts: AttemptResult[] = [];
  const max = o.attempts ?? 3;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const buf = Buffer.from(body, 'utf8');
  for (let i = 0; i < max; i++) {
    const left = o.deadline - Date.now();
    if (left < 100) break;
    const result = await attempt(o, buf, Math.min(o.attemptTimeoutMs ?? 2000, left));
    attempts.push(result);
    if (result.status !== null && result.status >= 200 && result.status < 300) return { ok: true, attempts };
    if (result.status !== null && permanent(result.status)) break;
    const backoff = 200 * 3 ** i;
    if (i + 1 < max && o.deadline - Date.now() > backoff + 100) await sleep(backoff);
  }
  return { ok: false, attempts };
}
