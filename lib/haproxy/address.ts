/**
 * Where HAProxy's runtime API listens, as users write it in `stats socket`: a unix socket path
 * (`/run/haproxy/admin.sock`, `unix@/run/…`) or a TCP address (`ipv4@127.0.0.1:9999`,
 * `127.0.0.1:9999`, `ipv6@[::1]:9999`, `[::1]:9999`). Pure.
 */

export type SocketAddress =
  | { kind: 'unix'; path: string; text: string }
  | { kind: 'tcp'; host: string; port: number; text: string };

export class SocketAddressError extends Error {
  constructor(text: string, why: string) {
    super(`'${text}' is not a runtime API socket: ${why}`);
    this.name = 'SocketAddressError';
  }
}

function port(text: string, raw: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) throw new SocketAddressError(text, `port '${raw}' is not 1-65535`);
  return Number(raw);
}

export function parseSocketAddress(text: string): SocketAddress {
  if (text === '') throw new SocketAddressError(text, 'empty');
  if (/[\s\0]/.test(text)) throw new SocketAddressError(text, 'it contains white space or NUL');
  let rest = text;
  let family: 'unix' | 'ipv4' | 'ipv6' | undefined;
  const prefixed = /^(unix|ipv4|ipv6)@(.*)$/.exec(text);
  if (prefixed) {
    family = prefixed[1] as 'unix' | 'ipv4' | 'ipv6';
    rest = prefixed[2]!;
  } else if (/^[a-z0-9]+@/.test(text)) {
    throw new SocketAddressError(text, `unsupported prefix '${text.slice(0, text.indexOf('@') + 1)}' (use unix@, ipv4@ or ipv6@)`);
  }
  if (family === 'unix' || (family === undefined && rest.startsWith('/'))) {
    if (!rest.startsWith('/')) throw new SocketAddressError(text, 'a unix socket path must be absolute');
    return { kind: 'unix', path: rest, text };
  }
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(rest);
  if (v6) {
    if (family === 'ipv4') throw new SocketAddressError(text, 'ipv4@ with an IPv6 address');
    return { kind: 'tcp', host: v6[1]!, port: port(text, v6[2]!), text };
  }
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z0-9][A-Za-z0-9.-]*):(\d+)$/.exec(rest);
  if (v4 && family !== 'ipv6') {
    const host = v4[1]!;
    if (/^\d+(\.\d+){3}$/.test(host) && host.split('.').some((o) => Number(o) > 255)) throw new SocketAddressError(text, `'${host}' is not an IPv4 address`);
    return { kind: 'tcp', host, port: port(text, v4[2]!), text };
  }
  throw new SocketAddressError(text, 'expected an absolute unix socket path or host:port');
}
