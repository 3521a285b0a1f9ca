/**
 * Typed failures of HAProxy's runtime API. Every error names the socket and the command, so an
 * exit reason can say which HAProxy refused what. `kind` is what callers branch on.
 */

export type RuntimeErrorKind =
  /** Nothing listens: a unix socket path that does not exist. */
  | 'absent'
  /** The socket exists but nobody accepts (HAProxy killed: its socket file stays behind). */
  | 'refused'
  /** The connection was made but no complete answer came within the deadline. */
  | 'timeout'
  /** Any other connection failure (EACCES on the socket file, a reset, …). */
  | 'io'
  | 'no-such-backend'
  | 'no-such-server'
  /** `Permission denied`: the socket is not `level admin`. */
  | 'permission-denied'
  | 'invalid-addr'
  /** `set server addr` on a server whose address family cannot change at run time. */
  | 'addr-config-only'
  | 'bad-argument'
  | 'unknown-command'
  /** A reply this client does not recognise for the command. */
  | 'unexpected';

export class RuntimeApiError extends Error {
  readonly kind: RuntimeErrorKind;
  readonly socket: string;
  readonly command: string;
  /** HAProxy's own words, when it answered. */
  readonly reply: string | undefined;

  constructor(kind: RuntimeErrorKind, socket: string, command: string, message: string, reply?: string) {
    super(message);
    this.name = 'RuntimeApiError';
    this.kind = kind;
    this.socket = socket;
    this.command = command;
    this.reply = reply;
  }

  /** HAProxy itself is not there to ask (as opposed to refusing a command). */
  get unreachable(): boolean {
    return this.kind === 'absent' || this.kind === 'refused' || this.kind === 'io';
  }
}

/** A reply that does not have the shape its parser expects; names the source and line. */
export class ReplyParseError extends Error {
  readonly source: string;
  readonly line: number;

  constructor(source: string, line: number, message: string) {
    super(`${source}, line ${line}: ${message}`);
    this.name = 'ReplyParseError';
    this.source = source;
    this.line = line;
  }
}
