/** CIB `<resources>`: primitives, groups, clones (promotable and legacy `<master>`), bundles. */
import type { XmlElement } from '../xml/parse-xml.ts';
import type { CibBundle, CibClone, CibGroup, CibOp, CibPrimitive, CibResource } from './cib-model.ts';
import { collectSets, parseNvSet } from './cib-nvsets.ts';
import { agentOf, bool, normalizeRole, parseBoolean, parseDuration, parseInteger } from './normalize.ts';
import { type XmlContext, assignOwn, clip, extraAttrs } from './xml-context.ts';

const PRIMITIVE_KNOWN = new Set(['id', 'class', 'provider', 'type', 'description', 'template']);
const OP_KNOWN = new Set(['id', 'name', 'interval', 'timeout', 'role', 'on-fail', 'enabled']);
const CONTAINERS: ReadonlySet<string> = new Set(['docker', 'podman', 'rkt']);

export function parseResourceList(ctx: XmlContext, resources: XmlElement): CibResource[] {
  const out: CibResource[] = [];
  for (const el of resources.children) {
    const r = parseResource(ctx, el, '<resources>');
    if (r) out.push(r);
  }
  return out;
}

function parseResource(ctx: XmlContext, el: XmlElement, where: string): CibResource | null {
  switch (el.name) {
    case 'primitive':
      return primitive(ctx, el);
    case 'group':
      return group(ctx, el);
    case 'clone':
    case 'master':
      return clone(ctx, el);
    case 'bundle':
      return bundle(ctx, el);
    case 'template':
      return null;
    default:
      ctx.unknownElement(el, where);
      return null;
  }
}

function base(ctx: XmlContext, el: XmlElement, known: ReadonlySet<string>) {
  const { sets, merged } = collectSets(ctx, el, 'meta_attributes');
  const targetRoleRaw = merged['target-role'];
  const targetRole = targetRoleRaw === undefined ? null : normalizeRole(targetRoleRaw);
  if (targetRoleRaw !== undefined && targetRole === null) ctx.warn(el, `unknown target-role "${clip(targetRoleRaw)}"`);
  return {
    id: ctx.need(el, 'id'),
    description: el.attrs.description ?? null,
    meta: merged,
    targetRole: targetRoleRaw === undefined ? null : (targetRole ?? 'Unknown'),
    managed: parseBoolean(merged['is-managed']),
    metaSets: sets,
    extra: extraAttrs(el, known),
  };
}

function primitive(ctx: XmlContext, el: XmlElement): CibPrimitive {
  const a = el.attrs;
  const instance = collectSets(ctx, el, 'instance_attributes');
  const util = collectSets(ctx, el, 'utilization');
  const ops: CibOp[] = [];
  for (const child of el.children) {
    if (child.name === 'operations') {
      for (const op of child.children) if (op.name === 'op') ops.push(parseOp(ctx, op));
    } else if (!['meta_attributes', 'instance_attributes', 'utilization'].includes(child.name)) {
      ctx.unknownElement(child, '<primitive>');
    }
  }
  const b = base(ctx, el, PRIMITIVE_KNOWN);
  // One literal with every field (no spread): V8 then keeps all of them inside the object.
  return {
    kind: 'primitive',
    id: b.id,
    description: b.description,
    meta: b.meta,
    targetRole: b.targetRole,
    managed: b.managed,
    metaSets: b.metaSets,
    extra: b.extra,
    agent: agentOf(a.class, a.provider, a.type),
    class: a.class ?? null,
    provider: a.provider ?? null,
    type: a.type ?? null,
    template: a.template ?? null,
    params: instance.merged,
    instanceSets: instance.sets,
    utilization: util.merged,
    ops,
  };
}

function parseOp(ctx: XmlContext, el: XmlElement): CibOp {
  const a = el.attrs;
  const meta: Record<string, string> = {};
  for (const child of el.children) {
    if (child.name === 'meta_attributes' || child.name === 'instance_attributes') assignOwn(meta, parseNvSet(ctx, child).values);
  }
  return {
    id: a.id ?? null,
    name: ctx.need(el, 'name'),
    intervalMs: parseDuration(a.interval) ?? 0,
    timeoutMs: parseDuration(a.timeout),
    role: ctx.role(el, 'role'),
    onFail: a['on-fail'] ?? null,
    enabled: parseBoolean(a.enabled),
    extra: extraAttrs(el, OP_KNOWN),
    meta,
  };
}

function group(ctx: XmlContext, el: XmlElement): CibGroup {
  const children: CibPrimitive[] = [];
  for (const child of el.children) {
    if (child.name === 'primitive') children.push(primitive(ctx, child));
    else if (child.name !== 'meta_attributes' && child.name !== 'instance_attributes') ctx.unknownElement(child, '<group>');
  }
  return { kind: 'group', ...base(ctx, el, new Set(['id', 'description'])), children };
}

function clone(ctx: XmlContext, el: XmlElement): CibClone {
  let child: CibPrimitive | CibGroup | null = null;
  for (const c of el.children) {
    if (c.name === 'primitive') child = primitive(ctx, c);
    else if (c.name === 'group') child = group(ctx, c);
    else if (c.name !== 'meta_attributes' && c.name !== 'instance_attributes') ctx.unknownElement(c, `<${el.name}>`);
  }
  const b = base(ctx, el, new Set(['id', 'description']));
  const legacyMaster = el.name === 'master';
  return { kind: 'clone', ...b, promotable: legacyMaster || bool(b.meta.promotable), legacyMaster, child };
}

function bundle(ctx: XmlContext, el: XmlElement): CibBundle {
  const out: CibBundle = {
    kind: 'bundle',
    ...base(ctx, el, new Set(['id', 'description'])),
    containerType: null,
    container: {},
    image: null,
    replicas: null,
    network: null,
    portMappings: [],
    storageMappings: [],
    primitive: null,
  };
  for (const c of el.children) {
    if (CONTAINERS.has(c.name)) {
      out.containerType = c.name;
      out.container = { ...c.attrs };
      out.image = c.attrs.image ?? null;
      out.replicas = parseInteger(c.attrs.replicas);
    } else if (c.name === 'network') {
      out.network = { ...c.attrs };
      for (const pm of c.children) if (pm.name === 'port-mapping') out.portMappings.push({ ...pm.attrs });
    } else if (c.name === 'storage') {
      for (const sm of c.children) if (sm.name === 'storage-mapping') out.storageMappings.push({ ...sm.attrs });
    } else if (c.name === 'primitive') {
      out.primitive = primitive(ctx, c);
    } else if (c.name !== 'meta_attributes') {
      ctx.unknownElement(c, '<bundle>');
    }
  }
  return out;
}

