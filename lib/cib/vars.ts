/**
 * The variables of cib-templates/: their type, their validation (every error names the variable,
 * `vip.cidr_netmask`, and the source it came from), and the documented example values.
 * Pure; `loadVars` (load-vars.ts) adds the file.
 */
import { isIP } from 'node:net';
import { parseDuration } from '../pacemaker/values.ts';
import { parseServices, ServiceSpecError } from '../services/spec.ts';
import { CibVarsError } from './errors.ts';
import { windowDateSpecs } from './window.ts';

export { CibVarsError };

/** A service as the services agent takes it (see README, ocf:ocfkit:services): kept as given. */
export type ServiceObject = Record<string, unknown>;

export interface NodeVars {
  /** Pacemaker node name (`crm_node -n`), also HAProxy's server name unless haproxy.servers says otherwise. */
  name: string;
  /** Corosync ring0 address (the totem snippet's nodelist). */
  address: string;
}

export interface RestoreWindowVars {
  /** Cron-style start, `m h dom mon dow` (minute 0; see window.ts). */
  start: string;
  /** Length, whole hours: `2h`, `PT3H`, `120min`. */
  length: string;
  /** Promoted preference of the preferred node inside the window. */
  score: number;
}

export const DRBD_PROVIDERS = ['ocfkit', 'linbit'] as const;
export type DrbdProvider = (typeof DRBD_PROVIDERS)[number];

export interface StackVars {
  cluster_name: string;
  nodes: [NodeVars, NodeVars];
  preferred_node: string;
  fence: {
    agent: string;
    /** Per node name: the fence agent's parameters for the device that fences that node. */
    params: Record<string, Record<string, string>>;
    /** The node whose device waits `delay` (pcmk_delay_base) so that node survives a fencing race; '' for none. */
    delay_node: string;
    delay: string;
  };
  /** provider: whose `drbd` agent runs the clone, `ocfkit` (ocf:ocfkit:drbd) or `linbit` (ocf:linbit:drbd, Debian drbd-utils). */
  drbd: { resource: string; device: string; drbdconf: string; provider: DrbdProvider };
  filesystem: { directory: string; fstype: string; options: string };
  vip: { ip: string; cidr_netmask: number; nic: string };
  haproxy: { socket: string; backends: string; read_backends: string; servers: string; state_file: string; drain_timeout: string };
  services: { active: ServiceObject[] | string; read_only: ServiceObject[] | string; start_timeout: string; stop_timeout: string };
  policy: {
    resource_stickiness: number;
    migration_threshold: number;
    failure_timeout: string;
    /** Small Promoted preference for preferred_node (where the first promotion happens); below stickiness. */
    preference: number;
    recheck_interval: string;
    /** Timeout of the quick monitors (DRBD, VIP, HAProxy, fencing); the filesystem and services monitors get at least 40 s. Raise it on slow machines (emulated VMs). */
    monitor_timeout: string;
  };
  restore_window: RestoreWindowVars | null;
  corosync: { token: number };
  alert: { path: string; log: string; socket: string };
}


/** The documented example values (cib-templates/example.vars.json; a test keeps both equal). */
export const EXAMPLE_VARS: StackVars = deepFreeze({
  cluster_name: 'ocfkit',
  nodes: [
    { name: 'alpha', address: '192.168.10.11' },
    { name: 'beta', address: '192.168.10.12' },
  ],
  preferred_node: 'alpha',
  fence: {
    agent: 'fence_ipmilan',
    params: {
      alpha: { ip: '192.168.99.11', username: 'fence', password_script: '/etc/ocfkit/ipmi-password-alpha', lanplus: '1' },
      beta: { ip: '192.168.99.12', username: 'fence', password_script: '/etc/ocfkit/ipmi-password-beta', lanplus: '1' },
    },
    delay_node: 'alpha',
    delay: '5s',
  },
  drbd: { resource: 'r0', device: '/dev/drbd0', drbdconf: '', provider: 'ocfkit' },
  filesystem: { directory: '/srv/data', fstype: 'ext4', options: 'noatime' },
  vip: { ip: '192.168.10.100', cidr_netmask: 24, nic: 'eth0' },
  haproxy: {
    socket: '/run/haproxy/admin.sock',
    backends: 'be_write',
    read_backends: 'be_read',
    servers: '',
    state_file: '/var/lib/haproxy/server-state',
    drain_timeout: '',
  },
  services: {
    active: [
      { name: 'rabbitmq', unit: 'rabbitmq-server.service' },
      { name: 'scheduler', unit: 'app-scheduler.service' },
      { name: 'database', unit: 'postgresql@15-main.service' },
    ],
    read_only: [{ name: 'database-ro', unit: 'postgresql@15-replica.service' }],
    start_timeout: '180s',
    stop_timeout: '120s',
  },
  policy: { resource_stickiness: 1000, migration_threshold: 3, failure_timeout: '10min', preference: 10, recheck_interval: '5min', monitor_timeout: '20s' },
  restore_window: null,
  corosync: { token: 3000 },
  alert: { path: '/usr/lib/ocf/alerts/ocfkit-alert', log: '/var/lib/ocfkit/events.jsonl', socket: '' },
} satisfies StackVars) as StackVars;

/** The namespace lab's values for the default lab `ocfkit-lab` (net 10.229.31; cib-templates/lab.vars.json). */
export const LAB_VARS: StackVars = deepFreeze({
  cluster_name: 'ocfkit-lab',
  nodes: [
    { name: 'node1', address: '10.229.31.1' },
    { name: 'node2', address: '10.229.31.2' },
  ],
  preferred_node: 'node1',
  fence: { agent: 'fence_ocfkit_lab', params: { node1: {}, node2: {} }, delay_node: 'node2', delay: '5000ms' },
  drbd: { resource: 'r0', device: '/dev/drbd0', drbdconf: '', provider: 'ocfkit' },
  filesystem: { directory: '/srv/data', fstype: 'ext4', options: '' },
  vip: { ip: '10.229.31.100', cidr_netmask: 24, nic: 'lab0' },
  haproxy: {
    socket: '/run/haproxy/admin.sock',
    backends: 'be_write',
    read_backends: 'be_read',
    servers: '',
    state_file: '/var/lib/haproxy/server-state',
    drain_timeout: '',
  },
  services: {
    active: [
      { name: 'mq', command: ['/usr/local/bin/ocfkit-lab-service', 'mq', '--dir', '/srv/data'] },
      { name: 'sched', command: ['/usr/local/bin/ocfkit-lab-service', 'sched', '--dir', '/srv/data'] },
      {
        name: 'db',
        command: ['/usr/local/bin/ocfkit-lab-service', 'db', '--dir', '/srv/data', '--http', '8080'],
        check: ['/usr/local/bin/ocfkit-lab-service', '--check-http', '8080'],
      },
    ],
    read_only: [
      {
        name: 'db-ro',
        command: ['/usr/local/bin/ocfkit-lab-service', 'db', '--dir', '/srv/data', '--http', '8080', '--read-only'],
        check: ['/usr/local/bin/ocfkit-lab-service', '--check-http', '8080'],
      },
    ],
    start_timeout: '60s',
    stop_timeout: '60s',
  },
  policy: { resource_stickiness: 1000, migration_threshold: 3, failure_timeout: '10min', preference: 10, recheck_interval: '1min', monitor_timeout: '20s' },
  restore_window: null,
  corosync: { token: 1000 },
  alert: { path: '/usr/lib/ocf/alerts/ocfkit-alert', log: '/var/lib/ocfkit/events.jsonl', socket: '' },
} satisfies StackVars) as StackVars;

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Validation: raw JSON → StackVars. Unknown keys are errors (a typo must not fall back silently).

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const PARAM_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const BACKEND = /^[A-Za-z0-9_.:-]+$/;
/** C0 controls but tab, newline and carriage return cannot appear in XML at all, escaped or not. */
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

class Reader {
  constructor(readonly source: string) {}

  fail(key: string, problem: string): never {
    throw new CibVarsError(this.source, key, problem);
  }

  object(value: unknown, key: string, known: readonly string[] | null): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(key, `must be an object, got ${describe(value)}`);
    const o = value as Record<string, unknown>;
    if (known) {
      for (const k of Object.keys(o)) if (!known.includes(k)) this.fail(join(key, k), `unknown variable (known here: ${known.join(', ')})`);
    }
    return o;
  }

  /** A string without control characters; quotes and XML/shell metacharacters are fine (escaped on output). */
  string(value: unknown, key: string, opts: { optional?: boolean; pattern?: RegExp; what?: string; max?: number } = {}): string {
    if (value === undefined && opts.optional) return '';
    if (value === undefined) this.fail(key, 'is required');
    if (typeof value !== 'string') this.fail(key, `must be a string, got ${describe(value)}`);
    const s = value as string;
    if (s === '' && opts.optional) return '';
    if (s === '') this.fail(key, 'must not be empty');
    if (s.length > (opts.max ?? 4096)) this.fail(key, `is ${s.length} characters long; at most ${opts.max ?? 4096}`);
    if (XML_FORBIDDEN.test(s)) this.fail(key, 'contains a control character that XML cannot carry');
    // pcs writes a newline in a value as the two characters \n: the two renders would differ.
    if (CONTROL.test(s)) this.fail(key, 'contains a control character (newline, tab…), which the pcs script cannot carry');
    if (opts.pattern && !opts.pattern.test(s)) this.fail(key, `${JSON.stringify(clip(s))} is not ${opts.what ?? `of the form ${opts.pattern}`}`);
    return s;
  }

  path(value: unknown, key: string, optional = false): string {
    const s = this.string(value, key, { optional });
    if (s !== '' && (!s.startsWith('/') || /\s/.test(s))) this.fail(key, `${JSON.stringify(clip(s))} must be an absolute path without spaces`);
    return s;
  }

  integer(value: unknown, key: string, min: number, max: number): number {
    if (value === undefined) this.fail(key, 'is required');
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(key, `must be an integer, got ${describe(value)}`);
    const n = value as number;
    if (n < min || n > max) this.fail(key, `must be between ${min} and ${max}, got ${n}`);
    return n;
  }

  duration(value: unknown, key: string, optional = false): string {
    const s = this.string(value, key, { optional });
    if (s === '') return s;
    if (!/^(\d+(ms|s|sec|m|min|h|hr)?|P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$/.test(s) || parseDuration(s) === null) {
      this.fail(key, `${JSON.stringify(clip(s))} is not a Pacemaker duration (e.g. 30s, 10min, 1h, 500ms, PT1M)`);
    }
    return s;
  }
}

const join = (key: string, k: string | number): string => (typeof k === 'number' ? `${key}[${k}]` : key ? `${key}.${k}` : k);
const clip = (s: string): string => (s.length > 80 ? `${s.slice(0, 80)}…` : s);
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(clip(v));
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function serviceList(r: Reader, value: unknown, key: string, required: boolean): ServiceObject[] | string {
  if (value === undefined || (typeof value === 'string' && value.trim() === '' && !required) || (Array.isArray(value) && value.length === 0 && !required)) {
    if (required) r.fail(key, 'is required');
    return Array.isArray(value) ? [] : '';
  }
  if (required && Array.isArray(value) && value.length === 0) r.fail(key, 'is required (at least one service)');
  let text: string;
  if (typeof value === 'string') text = r.string(value, key);
  else if (Array.isArray(value)) text = JSON.stringify(value);
  else r.fail(key, `must be a list of service objects or a space-separated string of systemd units, got ${describe(value)}`);
  if (XML_FORBIDDEN.test(text!)) r.fail(key, 'contains a control character that XML cannot carry');
  try {
    parseServices(text!);
  } catch (error) {
    if (error instanceof ServiceSpecError) r.fail(`${key}${error.path.replace(/^services/, '')}`, error.message.slice(error.path.length + 2));
    throw error;
  }
  return typeof value === 'string' ? value : (value as ServiceObject[]);
}

export function serviceNames(list: ServiceObject[] | string): string[] {
  if (typeof list === 'string' ? list.trim() === '' : list.length === 0) return [];
  return parseServices(typeof list === 'string' ? list : JSON.stringify(list)).map((s) => s.name);
}

/** The text of the services agent's `services` parameter. */
export function servicesParam(list: ServiceObject[] | string): string {
  return typeof list === 'string' ? list.trim().split(/\s+/).join(' ') : JSON.stringify(list);
}

const TOP = ['cluster_name', 'nodes', 'preferred_node', 'fence', 'drbd', 'filesystem', 'vip', 'haproxy', 'services', 'policy', 'restore_window', 'corosync', 'alert'] as const;
/** Words pcs 0.11's rule parser reads as syntax (a node name appears bare in `'#uname' eq NODE`). */
const PCS_RULE_WORDS = new Set(['and', 'or', 'not', 'defined', 'not_defined', 'eq', 'ne', 'lt', 'gt', 'lte', 'gte', 'in_range', 'date', 'date-spec', 'duration', 'string', 'integer', 'number', 'version', 'to', 'operation', 'resource', 'op', 'expression']);
const RESERVED_FENCE = new Set(['pcmk_host_list', 'pcmk_delay_base', 'action']);

/** Validates raw vars (parsed JSON) into StackVars; throws CibVarsError naming `source` and the variable. */
export function validateVars(raw: unknown, source = 'vars'): StackVars {
  const r = new Reader(source);
  const top = r.object(raw, '', TOP);
  for (const k of TOP) if (top[k] === undefined && k !== 'restore_window') r.fail(k, 'is required');

  const cluster_name = r.string(top.cluster_name, 'cluster_name', { pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, what: 'a cluster name (letters, digits, _ . -)' });

  if (!Array.isArray(top.nodes)) r.fail('nodes', `must be a list of two nodes, got ${describe(top.nodes)}`);
  const rawNodes = top.nodes as unknown[];
  if (rawNodes.length !== 2) r.fail('nodes', `must list exactly two nodes, got ${rawNodes.length}`);
  const nodes = rawNodes.map((n, i) => {
    const key = join('nodes', i);
    const o = r.object(n, key, ['name', 'address']);
    const name = r.string(o.name, `${key}.name`, { pattern: NODE_NAME, what: 'a node name (letters, digits, . _ -, at most 63)' });
    const address = r.string(o.address, `${key}.address`);
    if (!isIP(address)) r.fail(`${key}.address`, `${JSON.stringify(clip(address))} is not an IPv4 or IPv6 address`);
    return { name, address };
  }) as [NodeVars, NodeVars];
  nodes.forEach((n, i) => {
    if (PCS_RULE_WORDS.has(n.name.toLowerCase())) {
      r.fail(`nodes[${i}].name`, `'${n.name}' is a word of pcs's rule language; the pcs script's rules could not name this node`);
    }
  });
  if (nodes[0].name === nodes[1].name) r.fail('nodes[1].name', `'${nodes[1].name}' is also nodes[0].name: the two nodes need different names`);
  if (nodes[0].address === nodes[1].address) r.fail('nodes[1].address', `'${nodes[1].address}' is also nodes[0].address`);
  const names = nodes.map((n) => n.name);
  const nodeName = (v: unknown, key: string, optional = false): string => {
    const s = r.string(v, key, { optional });
    if (s !== '' && !names.includes(s)) r.fail(key, `'${clip(s)}' is not one of the nodes (${names.join(', ')})`);
    return s;
  };
  const preferred_node = nodeName(top.preferred_node, 'preferred_node');

  const f = r.object(top.fence, 'fence', ['agent', 'params', 'delay_node', 'delay']);
  const agent = r.string(f.agent, 'fence.agent', { pattern: /^fence_[A-Za-z0-9_]+$/, what: 'a fence agent name (fence_…)' });
  const rawParams = r.object(f.params ?? {}, 'fence.params', names);
  const params: Record<string, Record<string, string>> = {};
  for (const n of names) {
    const key = `fence.params.${n}`;
    if (rawParams[n] === undefined) r.fail(key, 'is required (the parameters of the device that fences this node; {} for none)');
    const p = r.object(rawParams[n], key, null);
    params[n] = {};
    for (const [k, v] of Object.entries(p)) {
      if (!PARAM_NAME.test(k)) r.fail(`${key}.${k}`, 'is not a fence agent parameter name (lower-case letters, digits, _)');
      if (RESERVED_FENCE.has(k)) r.fail(`${key}.${k}`, `is set by the template (pcmk_host_list = the node, pcmk_delay_base from fence.delay)`);
      params[n]![k] = r.string(typeof v === 'number' || typeof v === 'boolean' ? String(v) : v, `${key}.${k}`);
    }
  }
  const delay_node = nodeName(f.delay_node, 'fence.delay_node', true);
  const delay = r.duration(f.delay, 'fence.delay', true);
  if (delay_node !== '' && delay === '') r.fail('fence.delay', 'is required when fence.delay_node is set');

  const d = r.object(top.drbd, 'drbd', ['resource', 'device', 'drbdconf', 'provider']);
  const provider = r.string(d.provider, 'drbd.provider', { optional: true }) || 'ocfkit';
  if (!(DRBD_PROVIDERS as readonly string[]).includes(provider)) r.fail('drbd.provider', `'${clip(provider)}' is not one of ${DRBD_PROVIDERS.join(', ')} (ocf:<provider>:drbd)`);
  const drbd = {
    resource: r.string(d.resource, 'drbd.resource', { pattern: /^[A-Za-z0-9_.+:@%=][A-Za-z0-9_.+:@%=-]{0,63}$/, what: "a DRBD resource name (letters, digits, _.+:@%=-, not starting with '-')" }),
    device: r.string(d.device, 'drbd.device', { pattern: /^\/dev\/drbd(\d+|\/by-res\/[A-Za-z0-9_.+:@%=-]+(\/\d+)?)$/, what: 'a DRBD device (/dev/drbdN or /dev/drbd/by-res/RES/N)' }),
    drbdconf: r.path(d.drbdconf, 'drbd.drbdconf', true),
    provider: provider as DrbdProvider,
  };

  const fs = r.object(top.filesystem, 'filesystem', ['directory', 'fstype', 'options']);
  const filesystem = {
    directory: r.path(fs.directory, 'filesystem.directory'),
    fstype: r.string(fs.fstype, 'filesystem.fstype', { pattern: /^[a-z0-9][a-z0-9._]*$/, what: 'a filesystem type (ext4, xfs…)' }),
    options: r.string(fs.options, 'filesystem.options', { optional: true }),
  };
  if (filesystem.directory === '/') r.fail('filesystem.directory', 'must not be /');

  const v = r.object(top.vip, 'vip', ['ip', 'cidr_netmask', 'nic']);
  const ip = r.string(v.ip, 'vip.ip');
  const family = isIP(ip);
  if (!family) r.fail('vip.ip', `${JSON.stringify(clip(ip))} is not an IPv4 or IPv6 address`);
  if (nodes.some((n) => n.address === ip)) r.fail('vip.ip', `${ip} is a node's own address; the VIP must be an address of its own`);
  const vip = {
    ip,
    cidr_netmask: r.integer(v.cidr_netmask, 'vip.cidr_netmask', 1, family === 6 ? 128 : 32),
    nic: r.string(v.nic, 'vip.nic', { optional: true, pattern: /^[A-Za-z0-9_.:@-]{1,15}$/, what: 'an interface name (at most 15 characters)' }),
  };

  const h = r.object(top.haproxy, 'haproxy', ['socket', 'backends', 'read_backends', 'servers', 'state_file', 'drain_timeout']);
  const backendList = (value: unknown, key: string, optional: boolean): string => {
    const s = r.string(value, key, { optional });
    const list = s.trim() === '' ? [] : s.trim().split(/\s+/);
    if (!optional && list.length === 0) r.fail(key, 'must name at least one backend');
    for (const b of list) if (!BACKEND.test(b)) r.fail(key, `'${clip(b)}' is not a backend name HAProxy's runtime API can take (letters, digits, _ . : -)`);
    const seen = new Set<string>();
    for (const b of list) {
      if (seen.has(b)) r.fail(key, `'${b}' appears twice`);
      seen.add(b);
    }
    return list.join(' ');
  };
  const haproxy = {
    socket: r.string(h.socket, 'haproxy.socket'),
    backends: backendList(h.backends, 'haproxy.backends', false),
    read_backends: backendList(h.read_backends, 'haproxy.read_backends', true),
    servers: r.string(h.servers, 'haproxy.servers', { optional: true }),
    state_file: r.string(h.state_file, 'haproxy.state_file', { optional: true }),
    drain_timeout: r.duration(h.drain_timeout, 'haproxy.drain_timeout', true),
  };
  for (const b of haproxy.read_backends.split(' ')) {
    if (b && haproxy.backends.split(' ').includes(b)) r.fail('haproxy.read_backends', `'${b}' is also in haproxy.backends: a backend is either written (active only) or read (every node)`);
  }
  if (haproxy.servers !== '') {
    for (const pair of haproxy.servers.trim().split(/\s+/)) {
      const m = /^([^=]+)=([A-Za-z0-9_.:-]+)$/.exec(pair);
      if (!m || !names.includes(m[1]!)) r.fail('haproxy.servers', `'${clip(pair)}' is not node=server with a node of nodes (${names.join(', ')})`);
    }
  }

  const s = r.object(top.services, 'services', ['active', 'read_only', 'start_timeout', 'stop_timeout']);
  const services = {
    active: serviceList(r, s.active, 'services.active', true),
    read_only: serviceList(r, s.read_only, 'services.read_only', false),
    start_timeout: r.duration(s.start_timeout, 'services.start_timeout'),
    stop_timeout: r.duration(s.stop_timeout, 'services.stop_timeout'),
  };
  const activeNames = new Set(serviceNames(services.active));
  serviceNames(services.read_only).forEach((n, i) => {
    if (activeNames.has(n)) r.fail(`services.read_only[${i}].name`, `'${n}' is also a name in services.active: names are files (logs, records), give the read-only one its own`);
  });

  const p = r.object(top.policy, 'policy', ['resource_stickiness', 'migration_threshold', 'failure_timeout', 'preference', 'recheck_interval', 'monitor_timeout']);
  const policy = {
    resource_stickiness: r.integer(p.resource_stickiness, 'policy.resource_stickiness', 1, 100000),
    migration_threshold: r.integer(p.migration_threshold, 'policy.migration_threshold', 1, 1000000),
    failure_timeout: r.duration(p.failure_timeout, 'policy.failure_timeout'),
    preference: r.integer(p.preference, 'policy.preference', 0, 100000),
    recheck_interval: r.duration(p.recheck_interval, 'policy.recheck_interval'),
    monitor_timeout: r.duration(p.monitor_timeout, 'policy.monitor_timeout', true) || '20s',
  };
  const monitorMs = parseDuration(policy.monitor_timeout) ?? 0;
  if (monitorMs < 1000) r.fail('policy.monitor_timeout', `(${policy.monitor_timeout}) must be at least 1s`);
  if (policy.preference >= policy.resource_stickiness) {
    r.fail('policy.preference', `(${policy.preference}) must be below policy.resource_stickiness (${policy.resource_stickiness}): otherwise the preferred node takes the role back whenever it returns, and the side in control does not keep it`);
  }

  const restore_window = top.restore_window === undefined || top.restore_window === null ? null : restoreWindowVars(r, top.restore_window, policy.resource_stickiness);

  const c = r.object(top.corosync, 'corosync', ['token']);
  const corosync = { token: r.integer(c.token, 'corosync.token', 100, 600000) };

  const a = r.object(top.alert, 'alert', ['path', 'log', 'socket']);
  const alert = { path: r.path(a.path, 'alert.path'), log: r.path(a.log, 'alert.log'), socket: r.path(a.socket, 'alert.socket', true) };

  return { cluster_name, nodes, preferred_node, fence: { agent, params, delay_node, delay }, drbd, filesystem, vip, haproxy, services, policy, restore_window, corosync, alert };
}

/** Lowest restore-window score accepted, as a multiple of resource-stickiness (see window.ts). */
export const WINDOW_SCORE_FACTOR = 20;

export function restoreWindowVars(r: Reader | string, raw: unknown, stickiness: number): RestoreWindowVars {
  const reader = typeof r === 'string' ? new Reader(r) : r;
  const o = reader.object(raw, 'restore_window', ['start', 'length', 'score']);
  const start = reader.string(o.start, 'restore_window.start');
  const length = reader.string(o.length, 'restore_window.length');
  const min = stickiness * WINDOW_SCORE_FACTOR;
  const score = o.score === undefined ? Math.min(1000000, Math.max(min, 100000)) : reader.integer(o.score, 'restore_window.score', 1, 1000000);
  windowDateSpecs(start, length, reader.source);
  if (score < min) reader.fail('restore_window.score', `(${score}) must be at least ${WINDOW_SCORE_FACTOR} × policy.resource_stickiness = ${min}, or stickiness keeps the role on the other side inside the window too`);
  return { start, length, score };
}
