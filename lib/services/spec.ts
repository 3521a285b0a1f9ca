/**
 * The `services` parameter: the ordered list of services and how each is run. Pure.
 *
 * Two spellings:
 *   - a space-separated list of systemd units: `rabbitmq-server postgresql@15-main my-sched`
 *   - a JSON array of service objects, for machines without systemd or finer control:
 *     [{"name":"mq","command":["/usr/sbin/rabbitmq-server"],"check":["/usr/sbin/rabbitmqctl","status"]}]
 *
 * Every error names the offending element (`services[1].command`).
 */
import { parseDuration } from '../pacemaker/values.ts';

export type ServiceKind = 'systemd' | 'foreground' | 'forking';

export interface ServiceDef {
  name: string;
  kind: ServiceKind;
  /** systemd: the unit. */
  unit?: string;
  /** foreground: the process we start and supervise; forking: the command that daemonizes. */
  command?: string[];
  /** forking: where the daemon writes its pid. */
  pidfile?: string;
  /** Readiness and health: exit 0 means the service works. */
  check?: string[];
  /** A stop command to use instead of SIGTERM to the process group. */
  stop?: string[];
  /** Extra environment for command, check and stop. */
  env?: Record<string, string>;
  cwd?: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export class ServiceSpecError extends Error {
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'ServiceSpecError';
    this.path = path;
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@:-]*$/;
/** A name becomes file names (`<name>.pid`, `<name>.log`, and temporaries beside them). */
const NAME_MAX = 100;
const KNOWN = new Set(['name', 'unit', 'command', 'pidfile', 'check', 'stop', 'env', 'cwd', 'start_timeout', 'stop_timeout']);

function argv(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((a) => typeof a === 'string')) {
    throw new ServiceSpecError(path, 'must be a non-empty array of strings (an argument vector, no shell)');
  }
  if (value[0] === '') throw new ServiceSpecError(path, 'the program name is empty');
  return value as string[];
}

function duration(value: unknown, path: string): number {
  const ms = typeof value === 'number' && value >= 0 ? value * 1000 : typeof value === 'string' ? parseDuration(value) : null;
  if (ms === null) throw new ServiceSpecError(path, `must be a duration such as "30s" or a number of seconds, got ${JSON.stringify(value)}`);
  return ms;
}

function serviceFrom(raw: unknown, path: string): ServiceDef {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ServiceSpecError(path, 'must be an object');
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new ServiceSpecError(`${path}.${key}`, `unknown field (known: ${[...KNOWN].join(', ')})`);
  }
  if (typeof o.name !== 'string' || !NAME.test(o.name)) {
    throw new ServiceSpecError(`${path}.name`, 'must be a name of letters, digits and _.@:- ');
  }
  if (o.name.length > NAME_MAX) throw new ServiceSpecError(`${path}.name`, `is ${o.name.length} characters long; at most ${NAME_MAX}, as it names files`);
  const def: ServiceDef = { name: o.name, kind: 'foreground' };
  const backends = ['unit', 'command'].filter((k) => o[k] !== undefined);
  if (backends.length !== 1) throw new ServiceSpecError(path, "needs exactly one of 'unit' (systemd) or 'command'");
  if (o.unit !== undefined) {
    if (typeof o.unit !== 'string' || !/^[^\s/]+$/.test(o.unit)) throw new ServiceSpecError(`${path}.unit`, 'must be a systemd unit name');
    def.kind = 'systemd';
    def.unit = o.unit;
    for (const k of ['pidfile', 'stop', 'env', 'cwd']) {
      if (o[k] !== undefined) throw new ServiceSpecError(`${path}.${k}`, 'does not apply to a systemd unit');
    }
  } else {
    def.command = argv(o.command, `${path}.command`);
    if (o.pidfile !== undefined) {
      if (typeof o.pidfile !== 'string' || !o.pidfile.startsWith('/')) throw new ServiceSpecError(`${path}.pidfile`, 'must be an absolute path');
      def.kind = 'forking';
      def.pidfile = o.pidfile;
    }
  }
  if (o.check !== undefined) def.check = argv(o.check, `${path}.check`);
  if (o.stop !== undefined) def.stop = argv(o.stop, `${path}.stop`);
  if (o.cwd !== undefined) {
    if (typeof o.cwd !== 'string' || !o.cwd.startsWith('/')) throw new ServiceSpecError(`${path}.cwd`, 'must be an absolute path');
    def.cwd = o.cwd;
  }
  if (o.env !== undefined) {
    if (typeof o.env !== 'object' || o.env === null || Array.isArray(o.env) || !Object.values(o.env).every((v) => typeof v === 'string')) {
      throw new ServiceSpecError(`${path}.env`, 'must be an object of string values');
    }
    def.env = o.env as Record<string, string>;
  }
  if (o.start_timeout !== undefined) def.startTimeoutMs = duration(o.start_timeout, `${path}.start_timeout`);
  if (o.stop_timeout !== undefined) def.stopTimeoutMs = duration(o.stop_timeout, `${path}.stop_timeout`);
  return def;
}

/** Parse the parameter's text. Throws ServiceSpecError. */
export function parseServices(text: string): ServiceDef[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new ServiceSpecError('services', 'is empty');
  let defs: ServiceDef[];
  if (trimmed.startsWith('[')) {
    let raw: unknown;
    try {
      raw = JSON.parse(trimmed);
    } catch (error) {
      throw new ServiceSpecError('services', `is not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(raw) || raw.length === 0) throw new ServiceSpecError('services', 'must be a non-empty JSON array');
    defs = raw.map((item, i) => serviceFrom(item, `services[${i}]`));
  } else {
    defs = trimmed.split(/\s+/).map((unit, i) => {
      if (unit.includes('/') || unit.startsWith('{')) throw new ServiceSpecError(`services[${i}]`, `'${unit}' is not a systemd unit name`);
      const name = unit.replace(/\.service$/, '');
      if (name.length > NAME_MAX) throw new ServiceSpecError(`services[${i}]`, `'${name.slice(0, 40)}…' is ${name.length} characters long; at most ${NAME_MAX}, as it names files`);
      return { name, kind: 'systemd' as const, unit };
    });
  }
  const seen = new Set<string>();
  defs.forEach((d, i) => {
    if (seen.has(d.name)) throw new ServiceSpecError(`services[${i}].name`, `'${d.name}' appears twice`);
    seen.add(d.name);
  });
  return defs;
}
