/** CIB `<status>`: node_state, lrm_resource operation history, transient attributes. */
import type { XmlElement } from '../xml/parse-xml.ts';
import type { LrmOp, LrmResource, NodeState } from './cib-model.ts';
import { parseNvSet } from './cib-nvsets.ts';
import { agentOf, parseBoolean, parseDuration, parseInteger } from './normalize.ts';
import { type XmlContext, assignOwn, extraAttrs } from './xml-context.ts';

const NODE_STATE_KNOWN = new Set(['id', 'uname', 'in_ccm', 'crmd', 'join', 'expected', 'remote_node']);
const OP_KNOWN = new Set([
  'id', 'operation_key', 'operation', 'call-id', 'rc-code', 'op-status', 'interval', 'last-rc-change', 'exec-time',
  'queue-time', 'exit-reason', 'on_node', 'transition-key',
]);

/** `true`, or a join timestamp (Pacemaker 2.1.7+), count as true. */
function trueOrTimestamp(value: string | undefined): boolean {
  if (value === undefined) return false;
  return parseBoolean(value) ?? /^[1-9]\d*$/.test(value);
}

export function parseStatus(ctx: XmlContext, el: XmlElement): NodeState[] {
  const out: NodeState[] = [];
  for (const ns of el.children) {
    if (ns.name !== 'node_state') {
      ctx.unknownElement(ns, '<status>');
      continue;
    }
    const a = ns.attrs;
    const state: NodeState = {
      id: ctx.need(ns, 'id'),
      uname: a.uname ?? null,
      inCcm: trueOrTimestamp(a.in_ccm),
      crmdOnline: a.crmd === 'online' || /^[1-9]\d*$/.test(a.crmd ?? ''),
      join: a.join ?? null,
      expected: a.expected ?? null,
      remoteNode: parseBoolean(a.remote_node) ?? false,
      transientAttributes: {},
      resources: [],
      extra: extraAttrs(ns, NODE_STATE_KNOWN),
    };
    for (const c of ns.children) {
      if (c.name === 'transient_attributes') {
        for (const set of c.children) {
          if (set.name === 'instance_attributes') assignOwn(state.transientAttributes, parseNvSet(ctx, set).values);
        }
      } else if (c.name === 'lrm') {
        for (const list of c.children) {
          if (list.name !== 'lrm_resources') continue;
          for (const r of list.children) if (r.name === 'lrm_resource') state.resources.push(lrmResource(ctx, r));
        }
      } else {
        ctx.unknownElement(c, '<node_state>');
      }
    }
    out.push(state);
  }
  return out;
}

function lrmResource(ctx: XmlContext, el: XmlElement): LrmResource {
  const a = el.attrs;
  const ops: LrmOp[] = [];
  for (const op of el.children) {
    if (op.name !== 'lrm_rsc_op') continue;
    const o = op.attrs;
    ops.push({
      id: ctx.need(op, 'id'),
      operationKey: o.operation_key ?? null,
      operation: ctx.need(op, 'operation'),
      callId: parseInteger(o['call-id']),
      rcCode: parseInteger(o['rc-code']),
      opStatus: parseInteger(o['op-status']),
      intervalMs: parseDuration(o.interval, 'ms') ?? 0,
      lastRcChange: parseInteger(o['last-rc-change']),
      execTimeMs: parseDuration(o['exec-time'], 'ms'),
      queueTimeMs: parseDuration(o['queue-time'], 'ms'),
      exitReason: o['exit-reason'] ? o['exit-reason'] : null,
      onNode: o.on_node ?? null,
      transitionKey: o['transition-key'] ?? null,
      extra: extraAttrs(op, OP_KNOWN),
    });
  }
  return { id: ctx.need(el, 'id'), agent: agentOf(a.class, a.provider, a.type), ops };
}
