/**
 * What HAProxy's one-line replies to `set server …` mean. Pure: text in, a typed result or a
 * RuntimeApiError out. HAProxy answers a successful state change with nothing at all, and an
 * address change with a sentence (`IP changed from …`, `no need to change the addr, …`).
 */
import { RuntimeApiError, type RuntimeErrorKind } from './errors.ts';

/** Replies any command can get. */
const COMMON: [RegExp, RuntimeErrorKind][] = [
  [/^No such backend\.?$/, 'no-such-backend'],
  [/^Can't find backend\.?$/, 'no-such-backend'],
  [/^No such server\.?$/, 'no-such-server'],
  [/^Permission denied/, 'permission-denied'],
  [/^Unknown command/, 'unknown-command'],
  [/^Invalid addr/, 'invalid-addr'],
  [/supported only through configuration file|only supported through configuration file/, 'addr-config-only'],
  [/^Require 'backend\/server'/, 'bad-argument'],
  [/expects 'ready', 'drain' and 'maint'/, 'bad-argument'],
  [/problem converting port/, 'bad-argument'],
];

/**
 * What a command is about, named first in messages (Pacemaker keeps 128 bytes of an exit
 * reason: `be_app/node2: No such server.` must come before a long socket path).
 */
export function subjectOf(command: string): string {
  const server = /^(?:set|get|enable|disable) (?:server|weight) (\S+)/.exec(command);
  if (server) return server[1]!;
  const backend = /^show (?:servers state|stat) (\S+)/.exec(command);
  return backend ? `backend ${backend[1]}` : command;
}

function firstLine(reply: string): string {
  return reply.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/** The error a reply carries, if it is one of HAProxy's known refusals. */
export function refusal(socket: string, command: string, reply: string): RuntimeApiError | null {
  const line = firstLine(reply);
  for (const [pattern, kind] of COMMON) {
    if (pattern.test(line) || (kind === 'addr-config-only' && pattern.test(reply))) {
      return new RuntimeApiError(kind, socket, command, `${subjectOf(command)}: ${line} (HAProxy at ${socket}, '${command}')`, reply);
    }
  }
  return null;
}

/** `set server … state|health|agent|weight`: an empty reply is success; anything else is not. */
export function interpretSet(socket: string, command: string, reply: string): void {
  if (reply.trim() === '') return;
  throw refusal(socket, command, reply) ?? new RuntimeApiError('unexpected', socket, command, `${subjectOf(command)}: unexpected answer ${JSON.stringify(firstLine(reply).slice(0, 60))} (HAProxy at ${socket}, '${command}')`, reply);
}

export interface AddrChange {
  addrChanged: boolean;
  portChanged: boolean;
  message: string;
}

/** `set server … addr <ip> [port <p>]`: HAProxy always answers; tell a change from a refusal. */
export function interpretSetAddr(socket: string, command: string, reply: string): AddrChange {
  const known = refusal(socket, command, reply);
  if (known) throw known;
  const line = firstLine(reply);
  const addrChanged = /IP changed from/.test(line);
  const portChanged = /port changed from/.test(line);
  const unchanged = /no need to change the addr/.test(line);
  if (!addrChanged && !portChanged && !unchanged) {
    throw new RuntimeApiError('unexpected', socket, command, `${subjectOf(command)}: unexpected answer ${JSON.stringify(line.slice(0, 60))} (HAProxy at ${socket}, '${command}')`, reply);
  }
  return { addrChanged, portChanged, message: line };
}

/** A `show …` command whose reply is a single refusal line instead of data. */
export function checkShow(socket: string, command: string, reply: string): string {
  const known = refusal(socket, command, reply);
  if (known) throw known;
  return reply;
}
