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
import type { Alert } from './env.ts';

export type EventKind = 'node' | 'fencing' | 'resource' | 'attribute';

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

export interface ResourceEventRecord extends AlertEventBase {
  kind: 'resource';
  resource: string;
  task: string;
  interval: number;
  rc: number;
  targetRc: number;
  status: number;
  desc: string;
}

export interface NodeEventRecord extends AlertEventBase {
  kind: 'node';
  nodeId: string;
  desc: string;
}

export interface FencingEventRecord extends AlertEventBase {
  kind: 'fencing';
  fenceTarget: string;
  task: string;
  rc: number;
  desc: string;
}

export interface AttributeEventRecord extends AlertEventBase {
  kind: 'attribute';
  attribute: string;
  value: string | null;
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

/**
 * One line of the event log → a record, or null when the line is not one (truncated, garbage,
 * another version, too long). Never throws. Unknown extra fields are kept and ignored.
 */
export function parseEventLine(line: string): AlertEventRecord | null {
  if (line.length === 0 || line.length > MAX_LINE) return null;
  let o: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    o = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  if (o.v !== 1 || !isStr(o.id) || !/^[0-9a-f]{16}$/.test(o.id) || !isStr(o.kind) || !KINDS.has(o.kind)) return null;
  if (!isStr(o.time) || Number.isNaN(Date.parse(o.time)) || !isStr(o.node) || !isStr(o.seenBy)) return null;
  if (!(o.recipient === null || isStr(o.recipient)) || !(o.sequence === null || isInt(o.sequence))) return null;
  switch (o.kind) {
    case 'resource':
      if (!isStr(o.resource) || !isStr(o.task) || !isInt(o.interval) || !isInt(o.rc) || !isInt(o.targetRc) || !isInt(o.status) || !isStr(o.desc)) return null;
      break;
    case 'node':
      if (!isStr(o.nodeId) || !isStr(o.desc)) return null;
      break;
    case 'fencing':
      if (!isStr(o.fenceTarget) || !isStr(o.task) || !isInt(o.rc) || !isStr(o.desc)) return null;
      break;
    case 'attribute':
      if (!isStr(o.attribute) || !(o.value === null || isStr(o.value))) return null;
      break;
  }
  return o as unknown as AlertEventRecord;
}

/** Microseconds since 1970 of a record's time (for ordering; µs precision kept). */
export function timeMicros(record: Pick<AlertEventBase, 'time'>): number {
  const m = /\.(\d{1,6})Z$/.exec(record.time);
  const ms = Date.parse(record.time);
  const whole = Math.floor(ms / 1000) * 1_000_000;
  return m ? whole + Number(m[1]!.padEnd(6, '0')) : ms * 1000;
}
