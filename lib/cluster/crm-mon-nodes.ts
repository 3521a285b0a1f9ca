/**
 * crm_mon `<nodes>`, `<node_attributes>`, `<node_history>`, `<failures>`, `<bans>`, `<tickets>`.
 */
import type { XmlElement } from '../xml/parse-xml.ts';
import type { Ban, FailedAction, NodeStatus, NodeType, OperationRecord, ResourceHistory, Ticket } from './model.ts';
import { bool, parseBoolean, parseDuration, parseInteger, parseScore, promotionScoreResource, resourceOfOpKey } from './normalize.ts';
import { type XmlContext, clip, extraAttrs, ownOrNew, setOwn } from './xml-context.ts';

const NODE_KNOWN = new Set([
  'name', 'id', 'online', 'standby', 'standby_onfail', 'maintenance', 'pending', 'unclean', 'shutdown', 'expected_up',
  'is_dc', 'resources_running', 'type', 'health', 'feature_set', 'id_as_resource',
]);
const NODE_TYPES: ReadonlySet<string> = new Set(['member', 'remote', 'guest']);

/**
 * `<nodes>`. Legacy `crm_mon -X --group-by-node` output nests `<resource>` under `<node>`;
 * those are returned as `nested` for the caller to use when there is no `<resources>`.
 */
export function parseNodes(ctx: XmlContext, nodes: XmlElement): { nodes: NodeStatus[]; nested: XmlElement[] } {
  const out: NodeStatus[] = [];
  const nested: XmlElement[] = [];
  for (const el of nodes.children) {
    if (el.name !== 'node') {
      ctx.unknownElement(el, '<nodes>');
      continue;
    }
    const a = el.attrs;
    for (const child of el.children) {
      if (child.name === 'resource') nested.push(child);
      else ctx.unknownElement(child, '<node>');
    }
    let type: NodeType = 'member';
    if (a.type !== undefined) {
      if (NODE_TYPES.has(a.type)) type = a.type as NodeType;
      else {
        ctx.warn(el, `unknown node type "${clip(a.type)}"`);
        type = 'unknown';
      }
    }
    // crm_mon XML says type="remote" for guest nodes (bundle replicas, container guests) too;
    // only guests carry id_as_resource (their container). The text says GuestNode: so do we.
    if (type === 'remote' && a.id_as_resource !== undefined) type = 'guest';
    out.push({
      name: ctx.need(el, 'name'),
      id: a.id ?? null,
      type,
      online: bool(a.online),
      standby: bool(a.standby),
      standbyOnFail: bool(a.standby_onfail),
      maintenance: bool(a.maintenance),
      pending: bool(a.pending),
      unclean: bool(a.unclean),
      shutdown: bool(a.shutdown),
      expectedUp: parseBoolean(a.expected_up),
      isDc: bool(a.is_dc),
      resourcesRunning: parseInteger(a.resources_running),
      health: a.health ?? null,
      featureSet: a.feature_set ?? null,
      idAsResource: a.id_as_resource ?? null,
      extra: extraAttrs(el, NODE_KNOWN),
    });
  }
  return { nodes: out, nested };
}

export interface NodeAttributesResult {
  nodeAttributes: Record<string, Record<string, string>>;
  promotionScores: Record<string, Record<string, number>>;
}

export function parseNodeAttributes(ctx: XmlContext, el: XmlElement, into: NodeAttributesResult): void {
  for (const node of el.children) {
    if (node.name !== 'node') {
      ctx.unknownElement(node, '<node_attributes>');
      continue;
    }
    const name = ctx.need(node, 'name');
    const attrs = ownOrNew(into.nodeAttributes, name, () => ({}));
    for (const attr of node.children) {
      if (attr.name !== 'attribute') {
        ctx.unknownElement(attr, '<node_attributes>/<node>');
        continue;
      }
      const key = ctx.need(attr, 'name');
      const value = attr.attrs.value ?? '';
      setOwn(attrs, key, value);
      const rsc = promotionScoreResource(key);
      if (rsc !== null) {
        const score = parseScore(value);
        if (score === null) ctx.warn(attr, `promotion score ${clip(key)}="${clip(value)}" is not a number`);
        else setOwn(ownOrNew(into.promotionScores, name, () => ({})), rsc, score);
      }
    }
  }
}

const OP_KNOWN = new Set(['call', 'task', 'rc', 'rc_text', 'interval', 'last-rc-change', 'exec-time', 'queue-time']);

export function parseNodeHistory(ctx: XmlContext, el: XmlElement): ResourceHistory[] {
  const out: ResourceHistory[] = [];
  for (const node of el.children) {
    if (node.name !== 'node') {
      ctx.unknownElement(node, '<node_history>');
      continue;
    }
    const nodeName = ctx.need(node, 'name');
    for (const rh of node.children) {
      if (rh.name !== 'resource_history') {
        ctx.unknownElement(rh, '<node_history>/<node>');
        continue;
      }
      const resource = ctx.need(rh, 'id');
      const operations: OperationRecord[] = [];
      for (const op of rh.children) {
        if (op.name !== 'operation_history') {
          ctx.unknownElement(op, '<resource_history>');
          continue;
        }
        const a = op.attrs;
        operations.push({
          node: nodeName,
          resource,
          call: parseInteger(a.call),
          task: ctx.need(op, 'task'),
          rc: parseInteger(a.rc),
          rcText: a.rc_text ?? null,
          intervalMs: parseDuration(a.interval, 'ms') ?? 0,
          lastRcChange: a['last-rc-change'] ?? null,
          execTimeMs: parseDuration(a['exec-time'], 'ms'),
          queueTimeMs: parseDuration(a['queue-time'], 'ms'),
          extra: extraAttrs(op, OP_KNOWN),
        });
      }
      out.push({
        node: nodeName,
        resource,
        orphan: bool(rh.attrs.orphan),
        migrationThreshold: parseScore(rh.attrs['migration-threshold']),
        failCount: parseScore(rh.attrs['fail-count']),
        lastFailure: rh.attrs['last-failure'] ?? null,
        operations,
      });
    }
  }
  return out;
}

const FAILURE_KNOWN = new Set([
  'op_key', 'id', 'node', 'exitstatus', 'exitreason', 'exitcode', 'call', 'status', 'last-rc-change', 'queued', 'exec',
  'interval', 'task',
]);

export function parseFailures(ctx: XmlContext, el: XmlElement): FailedAction[] {
  const out: FailedAction[] = [];
  for (const f of el.children) {
    if (f.name !== 'failure') {
      ctx.unknownElement(f, '<failures>');
      continue;
    }
    const a = f.attrs;
    const opKey = a.op_key ?? a.id;
    if (opKey === undefined) throw ctx.error(f, '<failure> has neither op_key nor id');
    const task = a.task ?? null;
    out.push({
      opKey,
      resource: resourceOfOpKey(opKey, task ?? undefined),
      node: ctx.need(f, 'node'),
      task,
      intervalMs: parseDuration(a.interval, 'ms'),
      exitCode: parseInteger(a.exitcode),
      exitStatus: a.exitstatus ?? null,
      exitReason: a.exitreason === undefined || a.exitreason === '' || a.exitreason === 'none' ? null : a.exitreason,
      call: parseInteger(a.call),
      status: a.status ?? null,
      lastRcChange: a['last-rc-change'] ?? null,
      queuedMs: parseDuration(a.queued, 'ms'),
      execMs: parseDuration(a.exec, 'ms'),
      extra: extraAttrs(f, FAILURE_KNOWN),
    });
  }
  return out;
}

export function parseBans(ctx: XmlContext, el: XmlElement): Ban[] {
  const out: Ban[] = [];
  for (const b of el.children) {
    if (b.name !== 'ban') {
      ctx.unknownElement(b, '<bans>');
      continue;
    }
    out.push({
      id: ctx.need(b, 'id'),
      resource: ctx.need(b, 'resource'),
      node: ctx.need(b, 'node'),
      weight: parseScore(b.attrs.weight),
      promotedOnly: bool(b.attrs['promoted-only'] ?? b.attrs.master_only),
    });
  }
  return out;
}

export function parseTickets(ctx: XmlContext, el: XmlElement): Ticket[] {
  const out: Ticket[] = [];
  for (const t of el.children) {
    if (t.name !== 'ticket') {
      ctx.unknownElement(t, '<tickets>');
      continue;
    }
    out.push({
      id: ctx.need(t, 'id'),
      status: t.attrs.status ?? null,
      standby: parseBoolean(t.attrs.standby),
      lastGranted: t.attrs['last-granted'] ?? null,
    });
  }
  return out;
}
