/**
 * The environment Pacemaker gives an alert agent → a typed alert. Pure: reads only the object it
 * is given. `CRM_alert_*` only: the `CRM_notify_*` aliases are gone in Pacemaker 3.0.
 *
 * Identity fields (kind, node, resource, task, attribute name, numbers) must be well formed or
 * the alert is refused with an AlertEnvError naming the variable; free text (desc, attribute
 * value, recipient) is kept, cut to a bound, so one line of the event log stays well under the
 * 64 KiB a subscriber accepts.
 */
export type AlertKind = 'node' | 'fencing' | 'resource' | 'attribute';

export interface AlertCommon {
  kind: AlertKind;
  node: string;
  recipient: string | null;
  sequence: number | null;
  /** CRM_alert_timestamp_epoch (s) and CRM_alert_timestamp_usec. */
  epoch: number;
  usec: number;
  version: string | null;
  desc: string | null;
}

export interface ResourceAlert extends AlertCommon {
  kind: 'resource';
  resource: string;
  task: string;
  /** ms */
  interval: number;
  rc: number;
  targetRc: number;
  status: number;
  desc: string;
}

export interface NodeAlert extends AlertCommon {
  kind: 'node';
  nodeId: string;
  desc: string;
}

export interface FencingAlert extends AlertCommon {
  kind: 'fencing';
  /** The fencing action (reboot, off, on) read from the description, else CRM_alert_task. */
  task: string;
  rc: number;
  desc: string;
  /** Pacemaker's fencing operation reference (`ref=<uuid>` in the description), the same on every node. */
  ref: string | null;
}

export interface AttributeAlert extends AlertCommon {
  kind: 'attribute';
  attribute: string;
  value: string | null;
}

export type Alert = ResourceAlert | NodeAlert | FencingAlert | AttributeAlert;

/** Bad or missing alert variables; `variable` names the one at fault. */
export class AlertEnvError extends Error {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'AlertEnvError';
    this.variable = variable;
  }
}

const KINDS: readonly AlertKind[] = ['node', 'fencing', 'resource', 'attribute'];
/** Longest identity field (node, resource, task, attribute name), in characters. */
export const MAX_NAME = 256;
/** Longest free-text field kept (desc, recipient), in characters; longer is cut with '…'. */
export const MAX_TEXT = 2048;
/** Longest attribute value kept. */
export const MAX_VALUE = 8192;

// Control characters (C0, DEL, C1) and the line/paragraph separators never belong in a name.
// eslint-disable-next-line no-control-regex
const BAD_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A short, printable rendering of a bad value for an error message. */
export function preview(value: string): string {
  const cut = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(cut);
}

function get(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return env[`CRM_alert_${name}`];
}

function required(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = get(env, name);
  if (value === undefined || value === '') throw new AlertEnvError(`CRM_alert_${name}`, 'missing');
  return value;
}

function name(env: Readonly<Record<string, string | undefined>>, variable: string): string {
  const value = required(env, variable);
  if (value.length > MAX_NAME) throw new AlertEnvError(`CRM_alert_${variable}`, `longer than ${MAX_NAME} characters (${value.length})`);
  if (BAD_NAME_CHARS.test(value)) throw new AlertEnvError(`CRM_alert_${variable}`, `control character in ${preview(value)}`);
  return value;
}

function integer(env: Readonly<Record<string, string | undefined>>, variable: string, min = -(2 ** 31), max = 2 ** 31 - 1): number {
  const value = required(env, variable);
  // 10 digits, or as many as the largest allowed value has (the epoch up to year 9999: 12)
  if (!new RegExp(`^-?\\d{1,${Math.max(10, String(max).length)}}$`).test(value)) throw new AlertEnvError(`CRM_alert_${variable}`, `not a whole number: ${preview(value)}`);
  const n = Number(value);
  if (n < min || n > max) throw new AlertEnvError(`CRM_alert_${variable}`, `out of range: ${value}`);
  return n;
}

function text(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

const REF = /\(ref=([0-9A-Za-z-]{8,64})\)\s*$/;
const FENCE_ACTION = /^Operation (\w{1,32}) of /;

/** The typed alert of a Pacemaker alert environment; throws AlertEnvError. */
export function parseAlertEnv(env: Readonly<Record<string, string | undefined>>): Alert {
  const kindText = required(env, 'kind');
  if (!(KINDS as readonly string[]).includes(kindText)) throw new AlertEnvError('CRM_alert_kind', `unknown kind ${preview(kindText)} (node, fencing, resource or attribute)`);
  const kind = kindText as AlertKind;
  const sequenceText = get(env, 'node_sequence');
  const common: AlertCommon = {
    kind,
    node: name(env, 'node'),
    recipient: text(get(env, 'recipient') || undefined, MAX_TEXT),
    sequence: sequenceText === undefined || sequenceText === '' ? null : integer(env, 'node_sequence', 0, Number.MAX_SAFE_INTEGER),
    // seconds since 1970 up to year 9999
    epoch: integer(env, 'timestamp_epoch', 0, 253402300799),
    usec: get(env, 'timestamp_usec') === undefined ? 0 : integer(env, 'timestamp_usec', 0, 999_999),
    version: text(get(env, 'version'), 64),
    desc: text(get(env, 'desc'), MAX_TEXT),
  };
  switch (kind) {
    case 'resource':
      return {
        ...common,
        kind,
        resource: name(env, 'rsc'),
        task: name(env, 'task'),
        interval: integer(env, 'interval', 0),
        rc: integer(env, 'rc'),
        targetRc: integer(env, 'target_rc'),
        status: integer(env, 'status'),
        desc: common.desc ?? '',
      };
    case 'node':
      return { ...common, kind, nodeId: name(env, 'nodeid'), desc: common.desc ?? '' };
    case 'fencing': {
      const desc = common.desc ?? '';
      const task = FENCE_ACTION.exec(desc)?.[1] ?? name(env, 'task');
      return { ...common, kind, task, rc: integer(env, 'rc'), desc, ref: REF.exec(desc)?.[1] ?? null };
    }
    case 'attribute': {
      const value = get(env, 'attribute_value');
      return { ...common, kind, attribute: name(env, 'attribute_name'), value: value === undefined || value === '' ? null : text(value, MAX_VALUE) };
    }
  }
}

/**
 * Reads `KEY=VALUE` lines (an `env` dump, as the fixtures are) into an environment object; `#`
 * lines are comments. Pure.
 */
export function parseEnvDump(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}
