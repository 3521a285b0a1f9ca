/**
 * `pcs status nodes [both|corosync|config]` (pcs 0.9 to 0.11 print it alike): the node names
 * by state, one list per line (` Online: node1 node2`), from crm_mon's XML: `Pacemaker Remote
 * Nodes` are its type="remote" nodes, which include guest nodes (bundle replicas, containers).
 * Every node that is not online is `Offline` (clean, UNCLEAN and pending alike); an online node
 * is in `Standby` (`with resource(s) running` when it still runs some) and/or `Maintenance`, else
 * in `Online`. pcs 0.11 lists a standby node in maintenance in both; pcs 0.9 only in `Standby`.
 */
import { ClusterParseError, MAX_NODES, type WarningList, clip } from './errors.ts';
import type { NodeStatus, NodeType } from './model.ts';
import type { PacemakerNodeLists, PcsNodeLists } from './pcs-model.ts';
import type { TextLine } from './pcs-resources.ts';

type Block = 'pacemaker' | 'pacemakerRemote' | 'corosync' | null;

export const NODES_HEADERS: Record<string, Block> = Object.assign(Object.create(null), {
  'Pacemaker Nodes:': 'pacemaker',
  'Pacemaker Remote Nodes:': 'pacemakerRemote',
  'Corosync Nodes:': 'corosync',
});

const STATE_KEYS: Record<string, keyof PacemakerNodeLists> = Object.assign(Object.create(null), {
  Online: 'online',
  Standby: 'standby',
  'Standby with resource(s) running': 'standbyWithResources',
  Maintenance: 'maintenance',
  Offline: 'offline',
});

const emptyLists = (): PacemakerNodeLists => ({ online: [], standby: [], standbyWithResources: [], maintenance: [], offline: [] });

/**
 * The names of one list line, bounded: a list longer than MAX_NODES names is refused, and so are
 * more than MAX_NODES distinct names over the Pacemaker lists (`distinct`: each becomes a
 * NodeStatus, ~250 bytes for a few bytes of text).
 */
function names(text: string, l: TextLine, into: string[], distinct?: Set<string>): void {
  for (const m of text.matchAll(/\S+/g)) {
    if (into.length >= MAX_NODES) {
      throw new ClusterParseError('pcs-status', `a node list of more than ${MAX_NODES} names`, { line: l.line });
    }
    if (distinct && !distinct.has(m[0]) && distinct.add(m[0]).size > MAX_NODES) {
      throw new ClusterParseError('pcs-status', `more than ${MAX_NODES} nodes in the node lists`, { line: l.line });
    }
    into.push(m[0]);
  }
}

export interface NodesResult {
  lists: PcsNodeLists;
  /** Nodes with what the lists say of them (pcs's lists never say UNCLEAN, pending or ids). */
  nodes: NodeStatus[];
  recognised: number;
  /** pcs 0.9's `Error mapping <node>` lines. */
  errors: string[];
}

export function blankNode(name: string, type: NodeType): NodeStatus {
  return {
    name, id: null, type, online: false, standby: false, standbyOnFail: false, maintenance: false, pending: false,
    unclean: false, shutdown: false, expectedUp: null, isDc: false, resourcesRunning: null, health: null,
    featureSet: null, idAsResource: null, extra: {},
  };
}

export function parseNodesForm(lines: Iterable<TextLine>, warnings: WarningList): NodesResult {
  const lists: PcsNodeLists = { pacemaker: null, pacemakerRemote: null, corosync: null, configured: null };
  const configured = { corosync: [] as string[], pacemaker: [] as string[] };
  let block: Block = null;
  // `nodes config`: a header followed by at most one unlabelled line of names.
  let configBlock: 'corosync' | 'pacemaker' | null = null;
  let recognised = 0;
  let stateLines = 0;
  const errors: string[] = [];
  const distinct = new Set<string>();
  for (const l of lines) {
    const t = l.text;
    if (l.indent === 0 && /^Error mapping \S+$/.test(t)) {
      errors.push(t);
      continue;
    }
    if (l.indent === 0 && t in NODES_HEADERS) {
      block = NODES_HEADERS[t]!;
      configBlock = block === 'corosync' ? 'corosync' : block === 'pacemaker' ? 'pacemaker' : null;
      if (block === 'pacemaker') lists.pacemaker ??= emptyLists();
      if (block === 'pacemakerRemote') lists.pacemakerRemote ??= emptyLists();
      if (block === 'corosync') lists.corosync ??= { online: [], offline: [] };
      recognised++;
      continue;
    }
    if (t === '') continue;
    const m = /^([A-Za-z][A-Za-z ()]*?):(?: (.*))?$/.exec(t);
    const label = m?.[1];
    if (block !== null && l.indent > 0 && label !== undefined && (block === 'corosync' ? label === 'Online' || label === 'Offline' : label in STATE_KEYS)) {
      configBlock = null;
      if (block === 'corosync') names(m![2] ?? '', l, lists.corosync![label === 'Online' ? 'online' : 'offline']);
      else names(m![2] ?? '', l, (block === 'pacemaker' ? lists.pacemaker! : lists.pacemakerRemote!)[STATE_KEYS[label]!], distinct);
      stateLines++;
      recognised++;
    } else if (configBlock !== null && l.indent > 0 && m === null) {
      names(t, l, configured[configBlock]);
      configBlock = null;
      recognised++;
    } else {
      warnings.push({ source: 'pcs-status', line: l.line, message: `unrecognised node list line "${clip(t, 80)}"` });
    }
  }
  // `nodes config` has no state lines (a side with no nodes prints its header alone).
  if (stateLines === 0 && (lists.corosync !== null || lists.pacemaker !== null) && lists.pacemakerRemote === null) {
    lists.configured = configured;
    lists.corosync = null;
    lists.pacemaker = null;
  } else if (configured.corosync.length > 0 || configured.pacemaker.length > 0) lists.configured = configured;
  return { lists, nodes: lists.configured !== null && stateLines === 0 ? [] : nodesOf(lists), recognised, errors };
}

/** NodeStatus per name: what the lists say (online, standby, maintenance; remote or not). */
function nodesOf(lists: PcsNodeLists): NodeStatus[] {
  const byName = new Map<string, NodeStatus>();
  const add = (name: string, type: NodeType, apply: (n: NodeStatus) => void) => {
    let n = byName.get(name);
    if (!n) {
      n = blankNode(name, type);
      byName.set(name, n);
    }
    apply(n);
  };
  for (const [x, type] of [[lists.pacemaker, 'member'], [lists.pacemakerRemote, 'remote']] as const) {
    if (!x) continue;
    for (const name of x.online) add(name, type, (n) => { n.online = true; });
    for (const name of x.standby) add(name, type, (n) => { n.online = true; n.standby = true; n.resourcesRunning = 0; });
    for (const name of x.standbyWithResources) add(name, type, (n) => { n.online = true; n.standby = true; n.extra.resourcesRunning = 'some'; });
    for (const name of x.maintenance) add(name, type, (n) => { n.online = true; n.maintenance = true; });
    for (const name of x.offline) add(name, type, (n) => { n.online = false; });
  }
  return [...byName.values()];
}
