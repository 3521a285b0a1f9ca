/**
 * The retarget agent's parameters, read into a typed configuration. Pure; every error names
 * the parameter and the element at fault.
 */
import { parseSocketAddress, SocketAddressError, type SocketAddress } from './address.ts';
import { isValidName } from './client.ts';

export type RetargetMode = 'state' | 'addr';

export interface NodeAddress {
  ip: string;
  /** Absent: keep the server's configured port. */
  port: number | undefined;
  text: string;
}

export interface RetargetConfig {
  sockets: SocketAddress[];
  writeBackends: string[];
  readBackends: string[];
  /** node → server, as given in `servers` (other nodes: a server named like the node). */
  servers: Map<string, string>;
  mode: RetargetMode;
  /** node → address (mode=addr). */
  addresses: Map<string, NodeAddress>;
  drainTimeoutMs: number;
  /** One per socket, or null: where to save `show servers state` after each change. */
  stateFiles: (string | null)[];
}

export class ConfigError extends Error {
  readonly parameter: string;

  constructor(parameter: string, message: string) {
    super(`parameter '${parameter}': ${message}`);
    this.name = 'ConfigError';
    this.parameter = parameter;
  }
}

export interface RawRetargetParams {
  socket: string;
  backends: string;
  servers?: string | undefined;
  read_backends?: string | undefined;
  mode?: string | undefined;
  addresses?: string | undefined;
  drain_timeout: number;
  state_file?: string | undefined;
}

const words = (text: string | undefined): string[] => (text ?? '').split(/\s+/).filter(Boolean);

function names(parameter: string, text: string | undefined, what: string): string[] {
  const list = words(text);
  const seen = new Set<string>();
  for (const name of list) {
    if (!isValidName(name)) throw new ConfigError(parameter, `${what} '${name}' is not a valid HAProxy name`);
    if (seen.has(name)) throw new ConfigError(parameter, `${what} '${name}' is listed twice`);
    seen.add(name);
  }
  return list;
}

function pairs(parameter: string, text: string | undefined): [string, string][] {
  return words(text).map((word) => {
    const eq = word.indexOf('=');
    if (eq <= 0 || eq === word.length - 1) throw new ConfigError(parameter, `'${word}' is not node=value`);
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}

export function parseNodeAddress(parameter: string, node: string, text: string): NodeAddress {
  let ip: string;
  let portText: string | undefined;
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(text);
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d+))?$/.exec(text);
  if (v6) [ip, portText] = [v6[1]!, v6[2]];
  else if (v4) {
    [ip, portText] = [v4[1]!, v4[2]];
    if (ip.split('.').some((o) => Number(o) > 255)) throw new ConfigError(parameter, `node '${node}': '${ip}' is not an IPv4 address`);
  } else throw new ConfigError(parameter, `node '${node}': '${text}' is not ip[:port] (IPv6 as [addr]:port)`);
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!(port >= 1 && port <= 65535)) throw new ConfigError(parameter, `node '${node}': port ${portText} is not 1-65535`);
  }
  return { ip, port, text };
}

export function parseRetargetConfig(raw: RawRetargetParams): RetargetConfig {
  const sockets = words(raw.socket).map((text) => {
    try {
      return parseSocketAddress(text);
    } catch (error) {
      if (error instanceof SocketAddressError) throw new ConfigError('socket', error.message);
      throw error;
    }
  });
  if (sockets.length === 0) throw new ConfigError('socket', 'no socket given');
  // the same HAProxy twice would be claimed by two concurrent writers, and its record kept once
  const seenSocket = new Map<string, string>();
  for (const a of sockets) {
    const key = a.kind === 'unix' ? `unix:${a.path.replace(/\/+/g, '/')}` : `tcp:${a.host.toLowerCase()}:${a.port}`;
    if (seenSocket.has(key)) throw new ConfigError('socket', `'${a.text}' is the same socket as '${seenSocket.get(key)}'`);
    seenSocket.set(key, a.text);
  }
  const writeBackends = names('backends', raw.backends, 'backend');
  if (writeBackends.length === 0) throw new ConfigError('backends', 'no backend given');
  const readBackends = names('read_backends', raw.read_backends, 'backend');
  for (const b of readBackends) {
    if (writeBackends.includes(b)) throw new ConfigError('read_backends', `backend '${b}' is also in 'backends': a backend is either written (active node only) or read (every healthy node)`);
  }
  const mode = (raw.mode ?? 'state') as RetargetMode;
  if (mode !== 'state' && mode !== 'addr') throw new ConfigError('mode', `'${raw.mode}' is neither 'state' nor 'addr'`);

  const servers = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const [node, server] of pairs('servers', raw.servers)) {
    if (!isValidName(server)) throw new ConfigError('servers', `server '${server}' of node '${node}' is not a valid HAProxy name`);
    if (servers.has(node)) throw new ConfigError('servers', `node '${node}' is listed twice`);
    if (taken.has(server)) throw new ConfigError('servers', `server '${server}' is given to both '${taken.get(server)}' and '${node}'`);
    servers.set(node, server);
    taken.set(server, node);
  }

  const addresses = new Map<string, NodeAddress>();
  for (const [node, text] of pairs('addresses', raw.addresses)) {
    if (addresses.has(node)) throw new ConfigError('addresses', `node '${node}' is listed twice`);
    const a = parseNodeAddress('addresses', node, text);
    // two nodes at one address: the claim of one would be the claim of both
    for (const [other, b] of addresses) {
      if (a.ip === b.ip && (a.port === b.port || a.port === undefined || b.port === undefined)) {
        throw new ConfigError('addresses', `nodes '${other}' and '${node}' have the same address ${a.ip}${a.port !== undefined && a.port === b.port ? `:${a.port}` : ''}`);
      }
    }
    addresses.set(node, a);
  }
  if (mode === 'addr' && addresses.size === 0) throw new ConfigError('addresses', "mode=addr needs the nodes' addresses (node=ip[:port] …)");
  if (mode === 'addr' && readBackends.length > 0) throw new ConfigError('read_backends', 'mode=addr rewrites one server per backend; read backends need mode=state');

  const files = words(raw.state_file);
  if (files.length > 0 && files.length !== sockets.length) {
    throw new ConfigError('state_file', `${files.length} file(s) for ${sockets.length} socket(s): give one per socket, in the same order ('-' for none)`);
  }
  const stateFiles = sockets.map((_, i) => {
    const f = files[i];
    if (f === undefined || f === '-') return null;
    if (!f.startsWith('/')) throw new ConfigError('state_file', `'${f}' is not an absolute path`);
    return f;
  });
  const files2 = stateFiles.filter((f): f is string => f !== null);
  const twice = files2.find((f, i) => files2.indexOf(f) !== i);
  if (twice) throw new ConfigError('state_file', `'${twice}' is given for two sockets`);
  if (!(raw.drain_timeout >= 0)) throw new ConfigError('drain_timeout', 'must not be negative');
  return { sockets, writeBackends, readBackends, servers, mode, addresses, drainTimeoutMs: raw.drain_timeout, stateFiles };
}

/** The server that stands for `node` (explicit in `servers`, else named like the node). */
export function serverOf(config: RetargetConfig, node: string): string {
  return config.servers.get(node) ?? node;
}

/**
 * Check that `node` (this node, as Pacemaker names it) has a server of its own: a node not in
 * `servers` has a server named like it, which must be a valid HAProxy name and must not be
 * another node's server (servers='node1=node2' would make node2 claim node1's server).
 */
export function checkNode(config: RetargetConfig, node: string): void {
  if (config.mode === 'addr' || config.servers.has(node)) return;
  const other = [...config.servers].find(([, server]) => server === node)?.[0];
  if (other !== undefined) throw new ConfigError('servers', `node '${node}' is not listed, and its default server '${node}' is node '${other}'s: give '${node}=<server>'`);
  if (!isValidName(node)) throw new ConfigError('servers', `node name ${JSON.stringify(node)} is not a valid HAProxy server name: give '<node>=<server>' for it`);
}

/** The node a server stands for, when known. */
export function nodeOf(config: RetargetConfig, server: string): string | undefined {
  for (const [node, s] of config.servers) if (s === server) return node;
  return config.servers.size === 0 || !config.servers.has(server) ? server : undefined;
}
