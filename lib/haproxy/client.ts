/**
 * A client for HAProxy's runtime API (`stats socket … level admin`): each method is one
 * command on one connection, bounded by the caller's deadline, its reply parsed into a typed
 * result or a RuntimeApiError. No shell, no socat.
 */
import type { Deadline } from '../exec/deadline.ts';
import type { SocketAddress } from './address.ts';
import { ReplyParseError, RuntimeApiError } from './errors.ts';
import { checkShow, interpretSet, interpretSetAddr, type AddrChange } from './replies.ts';
import { parseServersState, type AdminMode, type ServerState } from './servers-state.ts';
import { parseBackends, parseInfo, parseStat, processInfo, type ProcessInfo, type StatRow } from './stat.ts';
import { sendCommand, sendCommands } from './transport.ts';

/** HAProxy's own rule for proxy and server names. */
const NAME = /^[A-Za-z0-9_.:-]+$/;

export function isValidName(name: string): boolean {
  return NAME.test(name);
}

function checkName(what: string, name: string): void {
  if (!NAME.test(name)) throw new Error(`invalid ${what} name ${JSON.stringify(name)}: HAProxy names use letters, digits, '-', '_', '.' and ':'`);
}

export type HealthState = 'up' | 'stopping' | 'down';

/** One round trip's worth of facts: the servers' state, and on request the CLI level and the process. */
export interface Reading {
  servers: ServerState[];
  /** The raw `show servers state` reply (what a server-state-file holds). */
  text: string;
  level?: string;
  info?: ProcessInfo;
}

export class RuntimeClient {
  readonly address: SocketAddress;

  constructor(address: SocketAddress) {
    this.address = address;
  }

  /** Send a raw command and return HAProxy's reply (for tools and benchmarks). */
  raw(command: string, deadline: Deadline): Promise<string> {
    return sendCommand(this.address, command, deadline);
  }

  private async show<T>(command: string, deadline: Deadline, parse: (text: string) => T): Promise<T> {
    const reply = checkShow(this.address.text, command, await sendCommand(this.address, command, deadline));
    try {
      return parse(reply);
    } catch (error) {
      if (error instanceof ReplyParseError) {
        throw new RuntimeApiError('unexpected', this.address.text, command, `${error.message} (HAProxy at ${this.address.text})`, reply);
      }
      throw error;
    }
  }

  showServersState(deadline: Deadline, backend?: string): Promise<ServerState[]> {
    if (backend !== undefined) checkName('backend', backend);
    const command = backend === undefined ? 'show servers state' : `show servers state ${backend}`;
    return this.show(command, deadline, (text) => parseServersState(text, `${this.address.text}: ${command}`));
  }

  /**
   * `show servers state`, and in the same connection (one round trip, `a; b; c`) `show cli level`
   * and `show info` when asked: the facts one operation needs, read at one instant.
   */
  async read(deadline: Deadline, opts: { level?: boolean; info?: boolean } = {}): Promise<Reading> {
    const commands = [...(opts.level ? ['show cli level'] : []), 'show servers state', ...(opts.info ? ['show info'] : [])];
    const replies = await sendCommands(this.address, commands, deadline);
    const parsed = <T>(command: string, reply: string, parse: (text: string) => T): T => {
      const text = checkShow(this.address.text, command, reply);
      try {
        return parse(text);
      } catch (error) {
        if (error instanceof ReplyParseError) throw new RuntimeApiError('unexpected', this.address.text, command, `${error.message} (HAProxy at ${this.address.text})`, reply);
        throw error;
      }
    };
    let k = 0;
    const reading: Reading = { servers: [], text: '' };
    if (opts.level) {
      reading.level = parsed('show cli level', replies[k++]!, (t) => t.trim());
      // below admin the other replies may be refusals: the level is the answer
      if (reading.level !== 'admin') return reading;
    }
    reading.text = replies[k]!;
    reading.servers = parsed('show servers state', replies[k++]!, (t) => parseServersState(t, 'show servers state'));
    if (opts.info) reading.info = parsed('show info', replies[k++]!, (t) => processInfo(parseInfo(t, 'show info'), 'show info'));
    return reading;
  }

  /** `show stat`, or only the servers of one backend (`show stat <backend> 4 -1`). */
  showStat(deadline: Deadline, backend?: string): Promise<StatRow[]> {
    if (backend !== undefined) checkName('backend', backend);
    const command = backend === undefined ? 'show stat' : `show stat ${backend} 4 -1`;
    return this.show(command, deadline, (text) => parseStat(text, `${this.address.text}: ${command}`));
  }

  showBackends(deadline: Deadline): Promise<string[]> {
    return this.show('show backend', deadline, (text) => parseBackends(text, `${this.address.text}: show backend`));
  }

  showInfo(deadline: Deadline): Promise<ProcessInfo> {
    return this.show('show info', deadline, (text) => processInfo(parseInfo(text, `${this.address.text}: show info`), `${this.address.text}: show info`));
  }

  /** `show cli level`: user, operator or admin. */
  cliLevel(deadline: Deadline): Promise<string> {
    return this.show('show cli level', deadline, (text) => text.trim());
  }

  async setState(backend: string, server: string, state: AdminMode, deadline: Deadline): Promise<void> {
    checkName('backend', backend);
    checkName('server', server);
    const command = `set server ${backend}/${server} state ${state}`;
    interpretSet(this.address.text, command, await sendCommand(this.address, command, deadline));
  }

  async setHealth(backend: string, server: string, health: HealthState, deadline: Deadline): Promise<void> {
    checkName('backend', backend);
    checkName('server', server);
    const command = `set server ${backend}/${server} health ${health}`;
    interpretSet(this.address.text, command, await sendCommand(this.address, command, deadline));
  }

  async setAddr(backend: string, server: string, ip: string, port: number | undefined, deadline: Deadline): Promise<AddrChange> {
    checkName('backend', backend);
    checkName('server', server);
    if (!/^[0-9A-Fa-f.:]+$/.test(ip)) throw new Error(`invalid address ${JSON.stringify(ip)}`);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`invalid port ${port}`);
    const command = `set server ${backend}/${server} addr ${ip}${port === undefined ? '' : ` port ${port}`}`;
    return interpretSetAddr(this.address.text, command, await sendCommand(this.address, command, deadline));
  }
}
