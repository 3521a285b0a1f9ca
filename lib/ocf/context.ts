/**
 * The environment of one agent invocation, read once into a typed context: parameters,
 * Pacemaker's meta attributes, probe detection, notify sets and the deadline. Handlers read
 * only this; nothing else in an agent touches process.env.
 */
import { Deadline, operationDeadline, type Clock } from '../exec/deadline.ts';
import { bindRunner, type Runner } from '../exec/run.ts';
import type { Logger } from '../log/logger.ts';
import { readNotify, type NotifyInfo } from './notify.ts';
import { parseBoolean, parseInteger } from '../pacemaker/values.ts';

export interface MetaInfo {
  /** Recurring interval in ms; 0 for one-shot actions and probes; undefined when not given. */
  intervalMs: number | undefined;
  /** Pacemaker's timeout for this operation in ms, when given. */
  timeoutMs: number | undefined;
  onNode: string | undefined;
  clone: number | undefined;
  cloneMax: number | undefined;
  cloneNodeMax: number | undefined;
  promotable: boolean;
  promotedMax: number | undefined;
  promotedNodeMax: number | undefined;
  notify: boolean;
  /** Every CRM_meta_* value, keyed without the prefix. */
  raw: Record<string, string>;
}

export interface OcfPaths {
  ocfRoot: string;
  /** Per-node scratch space that does not survive a reboot (HA_RSCTMP). */
  rscTmp: string;
  /** PATH as Pacemaker gave it, for finding programs. */
  searchPath: string;
}

export interface OcfContext<P> {
  agent: string;
  action: string;
  /** OCF_RESOURCE_INSTANCE (e.g. `svc` or `drbd:0`). */
  instance: string;
  params: P;
  /** The parameters as given (OCF_RESKEY_* without meta), keyed by name. */
  rawParams: Record<string, string>;
  meta: MetaInfo;
  /** A monitor with interval 0: Pacemaker asking whether the resource runs here at all. */
  isProbe: boolean;
  /** OCF_CHECK_LEVEL (0 when unset). */
  checkLevel: number;
  deadline: Deadline;
  notify: NotifyInfo | null;
  paths: OcfPaths;
  log: Logger;
  /** The command runner, bound to this action's deadline and logger. */
  exec: Runner;
  clock: Clock;
}

export interface EnvReading {
  rawParams: Record<string, string>;
  meta: MetaInfo;
  instance: string;
  checkLevel: number;
  paths: OcfPaths;
}

const PARAM_PREFIX = 'OCF_RESKEY_';
const META_PREFIX = 'OCF_RESKEY_CRM_meta_';

function int(value: string | undefined): number | undefined {
  return parseInteger(value) ?? undefined;
}

/** Split the environment into parameters and meta attributes. Pure. */
export function readEnv(env: Record<string, string | undefined>, agentName: string): EnvReading {
  const rawParams: Record<string, string> = {};
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (key.startsWith(META_PREFIX)) raw[key.slice(META_PREFIX.length)] = value;
    else if (key.startsWith(PARAM_PREFIX)) rawParams[key.slice(PARAM_PREFIX.length)] = value;
  }
  const meta: MetaInfo = {
    intervalMs: int(raw.interval),
    timeoutMs: int(raw.timeout),
    onNode: raw.on_node,
    clone: int(raw.clone),
    cloneMax: int(raw.clone_max),
    cloneNodeMax: int(raw.clone_node_max),
    promotable: parseBoolean(raw.promotable ?? '') ?? false,
    promotedMax: int(raw.promoted_max ?? raw.master_max),
    promotedNodeMax: int(raw.promoted_node_max ?? raw.master_node_max),
    notify: parseBoolean(raw.notify ?? '') ?? false,
    raw,
  };
  return {
    rawParams,
    meta,
    instance: env.OCF_RESOURCE_INSTANCE || agentName,
    checkLevel: int(env.OCF_CHECK_LEVEL) ?? 0,
    paths: {
      ocfRoot: env.OCF_ROOT || '/usr/lib/ocf',
      rscTmp: env.HA_RSCTMP || '/run/resource-agents',
      searchPath: env.PATH || '/usr/sbin:/usr/bin:/sbin:/bin',
    },
  };
}

export function isProbe(action: string, meta: MetaInfo): boolean {
  return action === 'monitor' && meta.intervalMs === 0;
}

export interface ContextInput<P> {
  agent: string;
  action: string;
  reading: EnvReading;
  params: P;
  /** The advertised timeout of the action in ms, used when Pacemaker gave none. */
  defaultTimeoutMs: number;
  /** When the process started, on `clock`'s scale: the deadline counts from there. */
  startedAt: number;
  log: Logger;
  clock: Clock;
}

export function buildContext<P>(input: ContextInput<P>): OcfContext<P> {
  const { reading } = input;
  const timeoutMs = reading.meta.timeoutMs && reading.meta.timeoutMs > 0 ? reading.meta.timeoutMs : input.defaultTimeoutMs;
  const deadline = operationDeadline(timeoutMs, input.startedAt, input.clock);
  return {
    agent: input.agent,
    action: input.action,
    instance: reading.instance,
    params: input.params,
    rawParams: reading.rawParams,
    meta: reading.meta,
    isProbe: isProbe(input.action, reading.meta),
    checkLevel: reading.checkLevel,
    deadline,
    notify: input.action === 'notify' ? readNotify(reading.meta.raw) : null,
    paths: reading.paths,
    log: input.log,
    exec: bindRunner({ deadline, log: input.log }),
    clock: input.clock,
  };
}
