/**
 * The event record (contracts-s16 §1): one JSON object, one line of the event log, one line on
 * the push socket. Pure.
 *
 * The `id` is derived from the event's content, so copies of one event (one per recipient, or
 * raised by both nodes' controllers) share it and consumers de-duplicate by it. Which part of
 * Pacemaker's timestamp goes in was measured on the two-node lab (notes/alert.md, "The id"):
 * - resource and attribute events are raised once in the cluster (by the node that ran the
 *   operation, by the attribute writer); their copies differ only by recipient and carry the
 *   same timestamp to the microsecond: the full timestamp goes in;
 * - fencing events are raised by every node's controller, with timestamps 0-36 ms apart for the
 *   same operation (41 operations, 27 with different timestamps): no time resolution makes them
 *   agree, but every copy names Pacemaker's operation (`ref=<uuid>` in the description), which
 *   goes in instead of the time; without a ref, the second;
 * - node events (member/lost) carry no reference: the second (copies a few ms apart fall in the
 *   same second unless they straddle its boundary).
 */
import { MAX_NAME, type Alert, type AlertKind, type AttributeAlert, type FencingAlert, type NodeAlert, type ResourceAlert } from './env.ts';

export type EventKind = AlertKind;

export interface AlertEventBase {
  v: 1;
  id: string;
  time: string;
  kind: EventKind;
  node: string;
  seenBy: string;
  recipient: string | null;
  sequence: number | null;
}

// Each kind's fields are the parsed alert's (env.ts), copied by toRecord.

export interface ResourceEventRecord extends AlertEventBase, Pick<ResourceAlert, 'resource' | 'task' | 'interval' | 'rc' | 'targetRc' | 'status' | 'desc'> {
  kind: 'resource';
}

export interface NodeEventRecord extends AlertEventBase, Pick<NodeAlert, 'nodeId' | 'desc'> {
  kind: 'node';
}

export interface FencingEventRecord extends AlertEventBase, Pick<FencingAlert, 'task' | 'rc' | 'desc'> {
  kind: 'fencing';
  /** The fenced node (= `node`). */
  fenceTarget: string;
}

export interface AttributeEventRecord extends AlertEventBase, Pick<AttributeAlert, 'attribute' | 'value'> {
  kind: 'attribute';
}

export type AlertEventRecord = ResourceEventRecord | NodeEventRecord | FencingEventRecord | AttributeEventRecord;

/** Pacemaker's timestamp as ISO 8601 UTC with microseconds: `2026-11-27T11:22:33.123456Z`. */
export function formatTime(epoch: number, usec: number): string {
  const iso = new Date(epoch * 1000).toISOString(); // …T11:22:33.000Z
  return `${iso.slice(0, 19)}.${String(usec).padStart(6, '0')}Z`;
}

/** The part of an alert that makes it the same event wherever and however often it is seen. */
export function identityKey(alert: Alert): unknown[] {
  const full = `${alert.epoch}.${String(alert.usec).padStart(6, '0')}`;
  switch (alert.kind) {
    case 'resource':
      return ['resource', alert.node, alert.resource, alert.task, alert.interval, alert.rc, alert.targetRc, alert.status, full];
    case 'attribute':
      return ['attribute', alert.node, alert.attribute, alert.value, full];
    case 'node':
      return ['node', alert.node, alert.nodeId, alert.desc, alert.epoch];
    case 'fencing':
      return ['fencing', alert.node, alert.task, alert.rc, alert.ref ? `ref:${alert.ref}` : alert.epoch];
  }
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/**
 * FNV-1a, 64 bits, over UTF-8 text. Not `node:crypto`: loading it (OpenSSL) was the largest
 * part of the agent's start-up beyond Node's own (bench/alert.ts). The id needs no secrecy:
 * whoever can shape alert contents can already edit the CIB.
 */
export function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET;
  for (const byte of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(byte)) * FNV_PRIME) & MASK64;
  return h;
}

/** 16 hex digits: FNV-1a 64 of the identity key (JSON). */
export function eventId(alert: Alert): string {
  return fnv1a64(JSON.stringify(identityKey(alert))).toString(16).padStart(16, '0');
}

/** The record of an alert seen by the node `seenBy`; fields in the contract's order. */
export function toRecord(alert: Alert, seenBy: string): AlertEventRecord {
  const base = {
    v: 1 as const,
    id: eventId(alert),
    time: formatTime(alert.epoch, alert.usec),
    kind: alert.kind,
    node: alert.node,
    seenBy,
    recipient: alert.recipient,
    sequence: alert.sequence,
  };
  switch (alert.kind) {
    case 'resource':
      return { ...base, kind: 'resource', resource: alert.resource, task: alert.task, interval: alert.interval, rc: alert.rc, targetRc: alert.targetRc, status: alert.status, desc: alert.desc };
    case 'node':
      return { ...base, kind: 'node', nodeId: alert.nodeId, desc: alert.desc };
    case 'fencing':
      return { ...base, kind: 'fencing', fenceTarget: alert.node, task: alert.task, rc: alert.rc, desc: alert.desc };
    case 'attribute':
      return { ...base, kind: 'attribute', attribute: alert.attribute, value: alert.value };
  }
}

/** The line written for a record: JSON (control characters escaped) and "\n". */
export function recordLine(record: AlertEventRecord): string {
  // JSON.stringify escapes C0 controls and lone surrogates; U+2028/9 are valid JSON but break
  // line-oriented readers in some languages: escape them too.
  return `${JSON.stringify(record).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}\n`;
}

/** Longest line a reader accepts (the subscribers' limit, contract §3). */
export const MAX_LINE = 64 * 1024;

const KINDS = new Set(['node', 'fencing', 'resource', 'attribute']);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
/** An identity field as the agent writes it: 1 to MAX_NAME characters (env.ts). */
const isName = (x: unknown): x is string => isStr(x) && x.length > 0 && x.length <= MAX_NAME;

/** What a record of each kind needs beyond the common fields (for the refusal's reason). */
const NEEDS: Record<EventKind, string> = {
  resource: 'resource, task, interval, rc, targetRc, status, desc',
  node: 'nodeId, desc',
  fencing: 'fenceTarget, task, rc, desc',
  attribute: 'attribute, value',
};

export type EventLineCheck = { ok: true; record: AlertEventRecord } | { ok: false; reason: string };

/**
 * One line (without its newline) → the record, or a short reason why it is not one (too long,
 * not JSON, another version, no 16-hex id, unknown kind, node not a 1-256 character name, time
 * not ISO 8601 UTC, a common or a kind's field missing or of the wrong type). Never throws.
 * Unknown extra fields are kept and ignored. The one validation of contract 1: the alert's
 * reader, `ocfkit status` and the monitor all decide here.
 */
export function checkEventLine(line: string): EventLineCheck {
  const no = (reason: string): EventLineCheck => ({ ok: false, reason });
  if (line.length === 0) return no('empty line');
  if (line.length > MAX_LINE) return no(`line longer than ${MAX_LINE} bytes`);
  let o: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return no('not a JSON object');
    o = parsed as Record<string, unknown>;
  } catch {
    return no('not JSON');
  }
  if (o.v !== 1) return no(`version ${String(JSON.stringify(o.v)).slice(0, 20)} (expected 1)`);
  if (!isStr(o.id) || !/^[0-9a-f]{16}$/.test(o.id)) return no('no 16-hex id');
  if (!isStr(o.kind) || !KINDS.has(o.kind)) return no(`unknown kind ${String(JSON.stringify(o.kind)).slice(0, 40)}`);
  if (!isName(o.node)) return no(`node missing or longer than ${MAX_NAME} characters`);
  if (!isStr(o.time) || parseTime(o.time) === null) return no('no valid time (ISO 8601 UTC expected)');
  if (!isStr(o.seenBy) || !(o.recipient === null || isStr(o.recipient)) || !(o.sequence === null || isInt(o.sequence))) return no('seenBy, recipient or sequence missing');
  let complete: boolean;
  switch (o.kind as EventKind) {
    case 'resource':
      complete = isName(o.resource) && isName(o.task) && isInt(o.interval) && isInt(o.rc) && isInt(o.targetRc) && isInt(o.status) && isStr(o.desc);
      break;
    case 'node':
      complete = isStr(o.nodeId) && isStr(o.desc);
      break;
    case 'fencing':
      complete = isStr(o.fenceTarget) && isStr(o.task) && isInt(o.rc) && isStr(o.desc);
      break;
    case 'attribute':
      complete = isStr(o.attribute) && (o.value === null || isStr(o.value));
      break;
  }
  if (!complete) return no(`not a complete ${o.kind} record (a ${o.kind} event needs ${NEEDS[o.kind as EventKind]})`);
  return { ok: true, record: o as unknown as AlertEventRecord };
}

/**
 * One line of the event log → a record, or null when the line is not one (truncated, garbage,
 * another version, too long): `checkEventLine` without the reason.
 */
export function parseEventLine(line: string): AlertEventRecord | null {
  const r = checkEventLine(line);
  return r.ok ? r.record : null;
}

/**
 * `2026-11-27T11:22:33.123456Z` → ms since the epoch, keeping the µs as a fraction; null for
 * anything but ISO 8601 UTC (`Z`, 1-9 fraction digits or none, at most 40 characters).
 */
export function parseTime(text: string): number | null {
  if (text.length > 40) return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!m) return null;
  const whole = Date.parse(`${m[1]}Z`);
  if (!Number.isFinite(whole)) return null;
  return whole + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}

/** Microseconds since 1970 of a record's time (for ordering; µs precision kept). */
export function timeMicros(record: Pick<AlertEventBase, 'time'>): number {
  const m = /\.(\d{1,6})Z$/.exec(record.time);
  const ms = Date.parse(record.time);
  const whole = Math.floor(ms / 1000) * 1_000_000;
  return m ? whole + Number(m[1]!.padEnd(6, '0')) : ms * 1000;
}
