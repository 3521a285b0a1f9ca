/**
 * The resource lines of `pcs status` (crm_mon's text): primitives, groups, clones, promotable
 * clones (`Clone Set … (promotable)`, pcs 0.9 `Master/Slave Set`), bundles with replicas, and
 * the collapsed `Started: [ a b ]` summaries. Indentation gives nesting.
 */
import { ClusterParseError, MAX_INSTANCES, clip, type WarningList } from './errors.ts';
import type { ResourceCollection, ResourceInstance } from './model.ts';
import { normalizeAgent, normalizeRole, type Role } from './normalize.ts';

export interface TextLine {
  /** 1-based line number in the input. */
  line: number;
  indent: number;
  /** The line without indentation and bullet (`* `, `+ `). */
  text: string;
}

type Member = Pick<ResourceInstance, 'cloneId' | 'groupId' | 'bundleId' | 'replica'>;

interface Frame {
  indent: number;
  kind: 'group' | 'clone' | 'bundle' | 'replica';
  id: string;
  childId: string | null;
  promotable: boolean;
  managed: boolean;
  /** The nearest clone and bundle frames at or above this one, and the membership they give. */
  clone: Frame | null;
  bundle: Frame | null;
  member: Member;
}

const NO_MEMBER: Member = { cloneId: null, groupId: null, bundleId: null, replica: null };

/** A frame on top of `parent`: what it inherits is computed once, not per line below it. */
function frame(parent: Frame | undefined, f: Pick<Frame, 'indent' | 'kind' | 'id' | 'childId' | 'promotable' | 'managed'>): Frame {
  const up = parent?.member ?? NO_MEMBER;
  const member: Member = { cloneId: up.cloneId, groupId: up.groupId, bundleId: up.bundleId, replica: up.replica };
  if (f.kind === 'clone') member.cloneId = f.id;
  else if (f.kind === 'group') member.groupId = f.id;
  else if (f.kind === 'bundle') member.bundleId = f.id;
  else member.replica = Number(f.id);
  const self: Frame = {
    indent: f.indent, kind: f.kind, id: f.id, childId: f.childId, promotable: f.promotable, managed: f.managed,
    clone: parent?.clone ?? null, bundle: parent?.bundle ?? null, member,
  };
  if (f.kind === 'clone') self.clone = self;
  if (f.kind === 'bundle') self.bundle = self;
  return self;
}

const PENDING: Record<string, Role> = Object.assign(Object.create(null), {
  Starting: 'Stopped', Stopping: 'Started', Promoting: 'Unpromoted', Demoting: 'Promoted', Migrating: 'Started',
  Monitoring: 'Started',
});
const SUMMARY_ROLES: Record<string, Role> = Object.assign(Object.create(null), {
  Started: 'Started', Stopped: 'Stopped', Promoted: 'Promoted', Unpromoted: 'Unpromoted', Masters: 'Promoted',
  Slaves: 'Unpromoted', Master: 'Promoted', Slave: 'Unpromoted',
});

const GROUP = /^Resource Group: (\S+?)(?: \(([^)]*)\))?:?$/;
const CLONE = /^(Clone Set|Master\/Slave Set): (\S+) \[(\S+)\](?: \(([^)]*)\))?:?$/;
const BUNDLE = /^(?:Container bundle set|Docker container set|Container bundle): (\S+) \[(\S+)\](?: \(([^)]*)\))?:?$/;
const REPLICA = /^Replica\[(\d+)\]:?$/;
const SUMMARY = /^([A-Za-z]+)(?: \(([^)]*)\))?: \[(.*)\]$/;
const PRIMITIVE = /^(\S+)\s+\(([^)]*)\):\s*(.*)$/;
/** A bundle replica on one line: `web-bundle-0 (192.0.2.131)\t(ocf:heartbeat:apache):\t Started node1`. */
const REPLICA_LINE = /^(\S+) \(([^)]*)\)\s+\(([^)]*)\):\s*(.*)$/;

export interface ResourceText {
  collections: ResourceCollection[];
  instances: ResourceInstance[];
  /** True when some instances came from collapsed summaries (agent unknown). */
  collapsed: boolean;
}

function flagsOf(text: string | undefined): string[] {
  return text ? text.split(',').map((f) => f.trim()).filter(Boolean) : [];
}

function newCollection(kind: ResourceCollection['kind'], id: string, flags: string[], parentId: string | null): ResourceCollection {
  return {
    kind,
    id,
    promotable: flags.includes('promotable'),
    unique: flags.includes('unique') ? true : null,
    managed: !flags.includes('unmanaged'),
    disabled: flags.includes('disabled') ? true : null,
    failed: null,
    failureIgnored: null,
    targetRole: flags.includes('disabled') ? 'Stopped' : null,
    containerType: null,
    image: null,
    parentId,
    extra: flags.length ? { flags: flags.join(', ') } : {},
  };
}

/** One string per distinct value (agents and node names repeat on every line). */
type Intern = (value: string) => string;

function interner(): Intern {
  const known = new Map<string, string>();
  return (value) => {
    const seen = known.get(value);
    if (seen !== undefined) return seen;
    if (known.size < 100_000) known.set(value, value);
    return value;
  };
}

export function parseResourceLines(lines: Iterable<TextLine>, warnings: WarningList): ResourceText {
  const out: ResourceText = { collections: [], instances: [], collapsed: false };
  const intern = interner();
  const stack: Frame[] = [];
  const find = (kind: 'clone' | 'bundle') => stack[stack.length - 1]?.[kind] ?? undefined;
  const push = (f: Pick<Frame, 'indent' | 'kind' | 'id' | 'childId' | 'promotable' | 'managed'>) => stack.push(frame(stack[stack.length - 1], f));
  const tooMany = (l: TextLine) =>
    new ClusterParseError('pcs-status', `more than ${MAX_INSTANCES} resource instances (the limit: far beyond any cluster)`, { line: l.line });
  for (const l of lines) {
    while (stack.length && stack[stack.length - 1]!.indent >= l.indent) stack.pop();
    const t = l.text;
    if (t === '' || /^No (active )?resources$/.test(t)) continue;
    const parentId = stack.length ? stack[stack.length - 1]!.id : null;
    let m: RegExpExecArray | null;
    if ((m = GROUP.exec(t))) {
      const flags = flagsOf(m[2]);
      const c = newCollection('group', m[1]!, flags, parentId);
      out.collections.push(c);
      push({ indent: l.indent, kind: 'group', id: c.id, childId: null, promotable: false, managed: c.managed !== false });
    } else if ((m = CLONE.exec(t))) {
      const flags = flagsOf(m[4]);
      if (m[1] === 'Master/Slave Set') flags.push('promotable');
      const c = newCollection('clone', m[2]!, flags, parentId);
      out.collections.push(c);
      push({ indent: l.indent, kind: 'clone', id: c.id, childId: m[3]!, promotable: c.promotable, managed: c.managed !== false });
    } else if ((m = BUNDLE.exec(t))) {
      const flags = flagsOf(m[3]);
      const c = newCollection('bundle', m[1]!, flags, parentId);
      c.image = m[2]!;
      out.collections.push(c);
      push({ indent: l.indent, kind: 'bundle', id: c.id, childId: null, promotable: false, managed: c.managed !== false });
    } else if ((m = REPLICA.exec(t)) && find('bundle')) {
      push({ indent: l.indent, kind: 'replica', id: m[1]!, childId: null, promotable: false, managed: true });
    } else if ((m = SUMMARY.exec(t)) && find('clone')) {
      const clone = find('clone')!;
      const role = SUMMARY_ROLES[m[1]!];
      if (!role) {
        warnings.push({ source: 'pcs-status', line: l.line, message: `unknown role "${clip(m[1]!)}" in a clone summary` });
        continue;
      }
      out.collapsed = true;
      const flags = flagsOf(m[2]);
      // Names one at a time (no array of them all first): a summary can be a 10 MB line.
      for (const word of m[3]!.matchAll(/\S+/g)) {
        const node = word[0];
        if (out.instances.length >= MAX_INSTANCES) throw tooMany(l);
        const mem = membership(stack);
        out.instances.push({
          cloneId: mem.cloneId,
          groupId: mem.groupId,
          bundleId: mem.bundleId,
          replica: mem.replica,
          id: clone.childId!,
          agent: null,
          role,
          targetRole: flags.includes('disabled') ? 'Stopped' : null,
          nodes: role === 'Stopped' ? [] : [intern(node)],
          active: role !== 'Stopped',
          managed: clone.managed,
          failed: false,
          failureIgnored: false,
          blocked: false,
          orphaned: false,
          pending: null,
          extra: role === 'Stopped' ? { stoppedOn: node } : {},
        });
      }
    } else if ((m = REPLICA_LINE.exec(t)) && find('bundle')) {
      // The replica line names the replica, not the primitive inside it.
      out.collapsed = true;
      const inst = primitive(m[1]!, m[3]!, m[4]!, stack, l, warnings, intern);
      inst.replica = Number(/-(\d+)$/.exec(m[1]!)?.[1] ?? NaN);
      if (Number.isNaN(inst.replica)) inst.replica = null;
      inst.extra = { ...inst.extra, replicaLine: 'true', ip: m[2]! };
      if (out.instances.length >= MAX_INSTANCES) throw tooMany(l);
      out.instances.push(inst);
    } else if ((m = PRIMITIVE.exec(t))) {
      if (out.instances.length >= MAX_INSTANCES) throw tooMany(l);
      out.instances.push(primitive(m[1]!, m[2]!, m[3]!, stack, l, warnings, intern));
    } else {
      warnings.push({ source: 'pcs-status', line: l.line, message: `unrecognised resource line "${clip(t, 80)}"` });
    }
  }
  return out;
}

function membership(stack: Frame[]): Member {
  return stack[stack.length - 1]?.member ?? NO_MEMBER;
}

function primitive(id: string, agent: string, state: string, stack: Frame[], l: TextLine, warnings: WarningList, intern: Intern): ResourceInstance {
  const flags: string[] = [];
  // A match starts only where white space starts: `\s*\(` alone rescans a long run per character.
  let rest = state.replace(/(?<!\s)\s*\(([^()]*)\)/g, (_all, f: string) => {
    for (const flag of flagsOf(f)) flags.push(flag);
    return '';
  }).trim();
  let orphaned = false;
  let failed = false;
  if (rest.startsWith('ORPHANED')) {
    orphaned = true;
    rest = rest.slice(8).trim();
  }
  if (rest.startsWith('FAILED')) {
    failed = true;
    rest = rest.slice(6).trim();
  }
  const [word = '', ...others] = rest.split(/\s+/);
  let role: Role | null = normalizeRole(word);
  let pending: string | null = null;
  let nodeText = others.join(' ');
  if (role === null && word in PENDING) {
    pending = word;
    role = PENDING[word]!;
  } else if (role === null) {
    const clone = stack[stack.length - 1]?.clone;
    if (failed && word !== '') {
      // `FAILED node1`: the text drops the role of a failed instance that is not promoted.
      role = clone?.promotable ? 'Unpromoted' : 'Started';
      nodeText = rest;
    } else {
      if (word !== '') warnings.push({ source: 'pcs-status', line: l.line, message: `unknown role "${clip(word)}" of ${clip(id)}` });
      role = 'Unknown';
    }
  }
  let list = nodeText;
  if (list.startsWith('[')) list = list.slice(1);
  if (list.endsWith(']')) list = list.slice(0, -1);
  const nodes = list.split(/\s+/).filter(Boolean).map(intern);
  let targetRole: Role | null = null;
  const extraFlags: string[] = [];
  for (const f of flags) {
    const tr = /^target-role:(\w+)$/.exec(f);
    if (f === 'disabled') targetRole = 'Stopped';
    else if (tr) targetRole = normalizeRole(tr[1]) ?? 'Unknown';
    else if (!['unmanaged', 'blocked', 'failure ignored', 'UNCLEAN'].includes(f)) extraFlags.push(f);
  }
  // One literal with every field (no spread): V8 then keeps all of them inside the object.
  const m = membership(stack);
  return {
    cloneId: m.cloneId,
    groupId: m.groupId,
    bundleId: m.bundleId,
    replica: m.replica,
    id,
    agent: intern(normalizeAgent(agent)),
    role,
    targetRole,
    nodes,
    active: nodes.length > 0,
    managed: !flags.includes('unmanaged'),
    failed,
    failureIgnored: flags.includes('failure ignored'),
    blocked: flags.includes('blocked'),
    orphaned,
    pending,
    extra: extraFlags.length ? { flags: extraFlags.join(', ') } : {},
  };
}
