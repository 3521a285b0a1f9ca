/**
 * Commands over HAProxy's runtime API: one connection, the command line and a newline, the
 * whole reply until HAProxy closes the connection (non-interactive mode), all within a deadline.
 * node:net only: no shell, no socat. A connection that does not answer in time is destroyed
 * and reported as a timeout, never left hanging.
 *
 * Framing: HAProxy ends every command's reply with an empty line ("…\n\n"; a command with
 * nothing to say answers "\n"). A reply without it was cut off (a reset, a peer that is not
 * HAProxy, a reload in the middle): it is an error, never taken for the whole state. Several
 * fixed `show` commands may share one connection (`cmd1; cmd2`): one round trip, replies split
 * on those empty lines.
 */
import { createConnection, type Socket } from 'node:net';
import { lstatSync, statSync } from 'node:fs';
import type { Deadline } from '../exec/deadline.ts';
import type { SocketAddress } from './address.ts';
import { RuntimeApiError } from './errors.ts';
import { subjectOf } from './replies.ts';

/** A reply larger than this is refused (`show servers state` of 10 000 servers is ~1.5 MB). */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;
/** Retries of a connection that was closed or reset before a whole reply came (a reload, a restart). */
const RETRIES = 2;
const RETRY_PAUSE_MS = 25;

/** Names and words HAProxy's CLI would read as more than one argument or command. */
export function assertSafeCommand(command: string): void {
  if (/[\n\r;\0\\]/.test(command) || command.trim() === '') {
    throw new Error(`refusing to send ${JSON.stringify(command)}: a command is one line without ';' or '\\'`);
  }
}

/** What is at a unix socket path that refused us or is missing: a precise reason, not "refused". */
function unixDiagnosis(path: string): string | null {
  let what: string;
  try {
    const st = statSync(path);
    if (st.isSocket()) return null;
    what = st.isDirectory() ? 'a directory' : st.isFile() ? 'a regular file' : 'not a socket';
  } catch {
    try {
      if (lstatSync(path).isSymbolicLink()) return `${path} is a symbolic link to nothing`;
    } catch {
      // absent: the caller says so
    }
    return null;
  }
  let link = false;
  try {
    link = lstatSync(path).isSymbolicLink();
  } catch {
    // raced away
  }
  return `${path} is ${link ? `a symbolic link to ${what}` : what}, not a socket`;
}

function failure(address: SocketAddress, command: string, error: NodeJS.ErrnoException): RuntimeApiError {
  const code = error.code ?? '';
  const where = address.text;
  if (address.kind === 'unix' && (code === 'ECONNREFUSED' || code === 'ENOENT')) {
    const wrong = unixDiagnosis(address.path);
    if (wrong) return new RuntimeApiError('not-a-socket', where, command, `HAProxy runtime API socket ${wrong}`);
  }
  if (code === 'ENOENT') return new RuntimeApiError('absent', where, command, `HAProxy runtime API socket ${where} does not exist`);
  if (code === 'ECONNREFUSED') return new RuntimeApiError('refused', where, command, `HAProxy is not answering on ${where} (connection refused)`);
  return new RuntimeApiError('io', where, command, `HAProxy runtime API ${where}: ${code || error.message}`);
}

/**
 * Split a raw answer to `count` commands into their replies (each without its terminating
 * empty line); null when fewer than `count` whole replies came.
 */
export function splitReplies(raw: string, count: number): string[] | null {
  const replies: string[] = [];
  let at = 0;
  while (replies.length < count) {
    if (raw.startsWith('\n', at)) {
      replies.push('');
      at += 1;
      continue;
    }
    const end = raw.indexOf('\n\n', at);
    if (end < 0) return null;
    replies.push(raw.slice(at, end + 1));
    at = end + 2;
  }
  return replies;
}

/** One connection, one command line; resolves with the raw answer or rejects with a typed error. */
function exchange(address: SocketAddress, line: string, label: string, count: number, deadline: Deadline): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const ms = deadline.remaining();
    if (ms <= 0) {
      reject(new RuntimeApiError('timeout', address.text, label, `no time left to ask HAProxy at ${address.text} for '${label}'`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let failed: NodeJS.ErrnoException | null = null;
    let connected = false;
    const socket: Socket =
      address.kind === 'unix' ? createConnection({ path: address.path }) : createConnection({ host: address.host, port: address.port });
    const finish = (error: RuntimeApiError | null, replies?: string[]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(replies!);
    };
    const subject = subjectOf(label);
    const about = subject === label ? '' : `${subject}: `;
    const timer = setTimeout(() => {
      finish(new RuntimeApiError('timeout', address.text, label, `${about}HAProxy at ${address.text} did not answer '${label}' within ${Math.round(ms)} ms`));
    }, ms);
    socket.on('connect', () => {
      connected = true;
      socket.end(`${line}\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REPLY_BYTES) {
        finish(new RuntimeApiError('oversized', address.text, label, `HAProxy at ${address.text}: reply to '${label}' exceeds ${MAX_REPLY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    // HAProxy may answer and close before reading all we wrote (EPIPE, ECONNRESET): a whole
    // reply that came is still the reply; anything less is not
    socket.on('error', (error: NodeJS.ErrnoException) => (failed = error));
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const replies = splitReplies(raw, count);
      if (replies) return finish(null, replies);
      if (size === 0 && failed && !connected) return finish(failure(address, label, failed));
      if (size === 0) {
        const how = failed?.code ? ` (${failed.code})` : '';
        return finish(new RuntimeApiError('closed', address.text, label, `HAProxy at ${address.text} closed the connection without answering '${label}'${how}`));
      }
      finish(
        new RuntimeApiError('truncated', address.text, label, `HAProxy at ${address.text}: the reply to '${label}' was cut off after ${size} bytes${failed?.code ? ` (${failed.code})` : ''}`, raw),
      );
    });
  });
}

/** Send commands on one connection (`a; b`); resolve with one reply per command. */
export async function sendCommands(address: SocketAddress, commands: string[], deadline: Deadline): Promise<string[]> {
  commands.forEach(assertSafeCommand);
  const line = commands.join('; ');
  for (let attempt = 0; ; attempt++) {
    try {
      return await exchange(address, line, line, commands.length, deadline);
    } catch (error) {
      const transient = error instanceof RuntimeApiError && (error.kind === 'closed' || error.kind === 'truncated' || error.kind === 'io');
      // every command this client sends is idempotent: asking again is safe
      if (!transient || attempt >= RETRIES || deadline.remaining() < RETRY_PAUSE_MS * 4) throw error;
      await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
  }
}

/** Send one command; resolve with its reply (without the terminating empty line). */
export async function sendCommand(address: SocketAddress, command: string, deadline: Deadline): Promise<string> {
  return (await sendCommands(address, [command], deadline))[0]!;
}
