/**
 * One command over HAProxy's runtime API: one connection, the command and a newline, the whole
 * reply until HAProxy closes the connection (non-interactive mode), all within a deadline.
 * node:net only: no shell, no socat. A connection that does not answer in time is destroyed
 * and reported as a timeout, never left hanging.
 */
import { createConnection, type Socket } from 'node:net';
import type { Deadline } from '../exec/deadline.ts';
import type { SocketAddress } from './address.ts';
import { RuntimeApiError } from './errors.ts';

/** A reply larger than this is refused (a `show stat` of 10 000 servers is ~4 MB). */
const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** Names and words HAProxy's CLI would read as more than one argument or command. */
export function assertSafeCommand(command: string): void {
  if (/[\n\r;\0]/.test(command) || command.trim() === '') {
    throw new Error(`refusing to send ${JSON.stringify(command)}: a command is one line without ';'`);
  }
}

function failure(address: SocketAddress, command: string, error: NodeJS.ErrnoException): RuntimeApiError {
  const code = error.code ?? '';
  const where = address.text;
  if (code === 'ENOENT') return new RuntimeApiError('absent', where, command, `HAProxy runtime API socket ${where} does not exist`);
  if (code === 'ECONNREFUSED') return new RuntimeApiError('refused', where, command, `HAProxy is not answering on ${where} (connection refused)`);
  return new RuntimeApiError('io', where, command, `HAProxy runtime API ${where}: ${code || error.message}`);
}

/** Send one command; resolve with the reply text (trailing blank line removed). */
export function sendCommand(address: SocketAddress, command: string, deadline: Deadline): Promise<string> {
  assertSafeCommand(command);
  return new Promise((resolve, reject) => {
    const ms = deadline.remaining();
    if (ms <= 0) {
      reject(new RuntimeApiError('timeout', address.text, command, `no time left to ask HAProxy at ${address.text} for '${command}'`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket: Socket =
      address.kind === 'unix' ? createConnection({ path: address.path }) : createConnection({ host: address.host, port: address.port });
    const finish = (error: RuntimeApiError | null, text?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(text!);
    };
    const timer = setTimeout(() => {
      finish(new RuntimeApiError('timeout', address.text, command, `HAProxy at ${address.text} did not answer '${command}' within ${Math.round(ms)} ms`));
    }, ms);
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REPLY_BYTES) {
        finish(new RuntimeApiError('io', address.text, command, `HAProxy at ${address.text}: reply to '${command}' exceeds ${MAX_REPLY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    const text = (): string => Buffer.concat(chunks).toString('utf8').replace(/\n+$/, '\n').replace(/^\n$/, '');
    let failed: NodeJS.ErrnoException | null = null;
    socket.on('end', () => finish(null, text()));
    // HAProxy may answer and close before reading all we wrote (EPIPE, ECONNRESET): a reply
    // that came is still the reply; an error with nothing received is a failure
    socket.on('error', (error: NodeJS.ErrnoException) => (failed = error));
    socket.on('close', () => (chunks.length > 0 || !failed ? finish(null, text()) : finish(failure(address, command, failed))));
  });
}
