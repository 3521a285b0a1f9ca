/**
 * The few facts the lab reads from `crm_mon --output-as=xml`: the DC, the nodes, where each
 * resource runs and in which role. Pure. crm_mon's XML is machine-written with one element per
 * tag and no nesting of <resource> elements (bundles aside), which these patterns rely on.
 */

export interface MonNode {
  name: string;
  online: boolean;
  standby: boolean;
  unclean: boolean;
  shutdown: boolean;
  /** The node runs the DC. */
  isDc: boolean;
}

export interface MonResource {
  id: string;
  agent: string;
  /** Normalised: Started, Stopped, Promoted, Unpromoted, Starting, … */
  role: string;
  active: boolean;
  failed: boolean;
  /** The clone (or group) it belongs to, if any. */
  parent: string | null;
  nodes: string[];
}

export interface MonState {
  dc: string | null;
  /** A DC is elected and this node is connected to it. */
  hasDc: boolean;
  quorum: boolean;
  nodes: MonNode[];
  resources: MonResource[];
}

function attrs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w-]+)="([^"]*)"/g)) out[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return out;
}

function normaliseRole(role: string | undefined): string {
  if (role === 'Master') return 'Promoted';
  if (role === 'Slave') return 'Unpromoted';
  return role ?? 'Unknown';
}

function section(xml: string, tag: string): string {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? m[1]! : '';
}

export function parseCrmMon(xml: string): MonState {
  if (!/<pacemaker-result\b/.test(xml)) throw new Error('crm_mon output: no <pacemaker-result> element');
  const summary = section(xml, 'summary');
  const dcAttrs = /<current_dc\b([^>]*)\/?>/.exec(summary);
  const dc = dcAttrs ? attrs(dcAttrs[1]!) : {};
  const hasDc = dc.present === 'true';
  const nodes: MonNode[] = [];
  for (const m of section(xml, 'nodes').matchAll(/<node\b([^>]*?)\/?>/g)) {
    const a = attrs(m[1]!);
    nodes.push({
      name: a.name ?? '',
      online: a.online === 'true',
      standby: a.standby === 'true',
      unclean: a.unclean === 'true',
      shutdown: a.shutdown === 'true',
      isDc: a.is_dc === 'true',
    });
  }
  const resources: MonResource[] = [];
  const body = section(xml, 'resources');
  // Walk opening tags in order to know each resource's parent clone or group.
  const stack: string[] = [];
  const re = /<(\/?)(clone|group|bundle|resource)\b([^>]*?)(\/?)>|<node\b([^>]*?)\/>/g;
  let current: MonResource | null = null;
  for (const m of body.matchAll(re)) {
    if (m[5] !== undefined) {
      if (current) current.nodes.push(attrs(m[5]).name ?? '');
      continue;
    }
    const [, closing, tag, attrText, selfClosing] = m;
    if (tag === 'resource') {
      if (closing) {
        current = null;
        continue;
      }
      const a = attrs(attrText!);
      const parent = stack.length > 0 ? stack[stack.length - 1]! : null;
      current = {
        id: a.id ?? '',
        agent: (a.resource_agent ?? '').replace('::', ':'),
        role: normaliseRole(a.role),
        active: a.active === 'true',
        failed: a.failed === 'true',
        parent,
        nodes: [],
      };
      resources.push(current);
      if (selfClosing) current = null;
    } else if (closing) {
      stack.pop();
    } else if (!selfClosing) {
      stack.push(attrs(attrText!).id ?? '');
    }
  }
  return {
    dc: hasDc ? (dc.name ?? null) : null,
    hasDc,
    quorum: dc.with_quorum === 'true',
    nodes,
    resources,
  };
}

/** The nodes where a resource (or any instance of a clone) runs in the given role. */
export function nodesWithRole(state: MonState, idOrParent: string, role: string): string[] {
  return state.resources
    .filter((r) => (r.id === idOrParent || r.parent === idOrParent) && r.role === role && r.active)
    .flatMap((r) => r.nodes);
}

export function onlineNodes(state: MonState): string[] {
  return state.nodes.filter((n) => n.online && !n.unclean).map((n) => n.name);
}
