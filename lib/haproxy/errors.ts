/**
 * Typed failures of HAProxy's runtime API. Every error names the socket and the command, so an
 * exit reason can say which HAProxy refused what. `kind` is what callers branch on.
 */

export type RuntimeErrorKind =
  /** Nothing listens: a unix socket path that does not exist. */
  | 'absent'
  /** The socket exists but nobody accepts (HAProxy killed: its socket file stays behind). */
  | 'refused'
  /** The path exists but is no socket (a regular file, a directory, a link to one): nothing listens there. */
  | 'not-a-socket'
  /** The connection was made but no complete answer came within the deadline. */
  | 'timeout'
  /** Accepted, then closed without a byte: not HAProxy, or HAProxy going away. */
  | 'closed'
  /** A reply without HAProxy's terminating empty line: cut off, never taken for the whole. */
  | 'truncated'
  /** A reply larger than any HAProxy sends for these commands. */
  | 'oversized'
  /** Any other connection failure (EACCES on the socket file, a reset, …): HAProxy may be there. */
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

  /**
   * Certainly no HAProxy behind this address (as opposed to one refusing a command, or one we
   * could not talk to: EACCES, a reset, a cut reply say nothing about what HAProxy does).
   */
  get unreachable(): boolean {
    return this.kind === 'absent' || this.kind === 'refused' || this.kind === 'not-a-socket';
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
