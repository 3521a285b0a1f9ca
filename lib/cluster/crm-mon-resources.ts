/**
 * crm_mon `<resources>`: primitives, groups, clones (promotable), bundles with replicas,
 * flattened to instances; groups, clones and bundles kept as collections.
 */
import type { XmlElement } from '../xml/parse-xml.ts';
import type { ResourceCollection, ResourceInstance } from './model.ts';
import { bool, normalizeAgent, parseBoolean, parseInteger } from './normalize.ts';
import { type XmlContext, extraAttrs } from './xml-context.ts';

const RESOURCE_KNOWN = new Set([
  'id', 'resource_agent', 'role', 'target_role', 'active', 'orphaned', 'blocked', 'managed', 'failed',
  'failure_ignored', 'nodes_running_on', 'pending',
]);
const COLLECTION_KNOWN = new Set([
  'id', 'multi_state', 'unique', 'managed', 'disabled', 'failed', 'failure_ignored', 'target_role', 'type', 'image',
  'number_resources',
]);

interface Membership {
  cloneId: string | null;
  groupId: string | null;
  bundleId: string | null;
  replica: number | null;
  promotable: boolean;
}

const TOP: Membership = { cloneId: null, groupId: null, bundleId: null, replica: null, promotable: false };

export interface ResourcesResult {
  collections: ResourceCollection[];
  instances: ResourceInstance[];
}

/** The result being built, and the ids of the group collections already in it. */
interface Walk extends ResourcesResult {
  groupIds: Set<string>;
}

/**
 * The walk recurses once per nesting level; parseXml refuses documents deeper than MAX_DEPTH,
 * which bounds it.
 */
export function parseResources(ctx: XmlContext, resources: XmlElement): ResourcesResult {
  const out: Walk = { collections: [], instances: [], groupIds: new Set() };
  for (const child of resources.children) walk(ctx, child, TOP, null, out);
  return { collections: out.collections, instances: out.instances };
}

function collection(ctx: XmlContext, el: XmlElement, kind: ResourceCollection['kind'], parentId: string | null): ResourceCollection {
  const a = el.attrs;
  return {
    kind,
    id: ctx.need(el, 'id'),
    promotable: bool(a.multi_state),
    unique: parseBoolean(a.unique),
    managed: parseBoolean(a.managed),
    disabled: parseBoolean(a.disabled),
    failed: parseBoolean(a.failed),
    failureIgnored: parseBoolean(a.failure_ignored),
    targetRole: ctx.role(el, 'target_role'),
    containerType: a.type ?? null,
    image: a.image ?? null,
    parentId,
    extra: extraAttrs(el, COLLECTION_KNOWN),
  };
}

function walk(ctx: XmlContext, el: XmlElement, m: Membership, parentId: string | null, out: Walk): void {
  switch (el.name) {
    case 'resource':
      out.instances.push(instance(ctx, el, m));
      return;
    case 'group': {
      const c = collection(ctx, el, 'group', parentId);
      // A cloned group's instances are named `<group>:<n>`; the group id is the configured one.
      const groupId = m.cloneId ? c.id.replace(/:\d+$/, '') : c.id;
      if (!(m.cloneId && out.groupIds.has(groupId))) {
        out.collections.push({ ...c, id: groupId });
        out.groupIds.add(groupId);
      }
      for (const child of el.children) walk(ctx, child, { ...m, groupId }, groupId, out);
      return;
    }
    case 'clone': {
      const c = collection(ctx, el, 'clone', parentId);
      out.collections.push(c);
      for (const child of el.children) walk(ctx, child, { ...m, cloneId: c.id, promotable: c.promotable }, c.id, out);
      return;
    }
    case 'bundle': {
      const c = collection(ctx, el, 'bundle', parentId);
      out.collections.push(c);
      for (const replica of el.children) {
        if (replica.name !== 'replica') {
          ctx.unknownElement(replica, '<bundle>');
          continue;
        }
        const n = parseInteger(replica.attrs.id);
        for (const child of replica.children) walk(ctx, child, { ...m, bundleId: c.id, replica: n }, c.id, out);
      }
      return;
    }
    default:
      ctx.unknownElement(el, '<resources>');
  }
}

/**
 * Resources nested under legacy `<node>` elements: one instance per appearance, on that node. Clone membership is not in that layout (cloneId stays null).
 */
export function nestedInstances(ctx: XmlContext, nested: XmlElement[]): ResourceInstance[] {
  const out: ResourceInstance[] = [];
  for (const el of nested) {
    const node = el.parent?.attrs.name;
    const inst = instance(ctx, el, TOP);
    if (node !== undefined && inst.nodes.length === 0) inst.nodes.push(node);
    out.push(inst);
  }
  return out;
}

function instance(ctx: XmlContext, el: XmlElement, m: Membership): ResourceInstance {
  const a = el.attrs;
  const nodes: string[] = [];
  for (const child of el.children) {
    if (child.name === 'node') nodes.push(ctx.need(child, 'name'));
    else if (child.name !== 'xml') ctx.unknownElement(child, '<resource>');
  }
  return {
    id: ctx.need(el, 'id'),
    cloneId: m.cloneId,
    groupId: m.groupId,
    bundleId: m.bundleId,
    replica: m.replica,
    agent: a.resource_agent === undefined ? null : normalizeAgent(a.resource_agent),
    role: ctx.role(el, 'role') ?? 'Unknown',
    targetRole: ctx.role(el, 'target_role'),
    nodes,
    active: bool(a.active, nodes.length > 0),
    managed: bool(a.managed, true),
    failed: bool(a.failed),
    failureIgnored: bool(a.failure_ignored),
    blocked: bool(a.blocked),
    orphaned: bool(a.orphaned),
    pending: a.pending ?? null,
    extra: extraAttrs(el, RESOURCE_KNOWN),
  };
}
