/**
 * The few facts the lab reads from `crm_mon --output-as=xml` (the DC, the nodes, where each
 * resource runs and in which role), projected from the cluster state library's model so that
 * crm_mon XML is parsed in one place only.
 */
import { parseCrmMonXml } from '../cluster/crm-mon.ts';
import type { ClusterStatus } from '../cluster/model.ts';

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
  /** Normalised: Started, Stopped, Promoted, Unpromoted, Unknown. */
  role: string;
  active: boolean;
  failed: boolean;
  /** The group, clone or bundle it belongs to (the innermost), if any. */
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

export function monState(status: ClusterStatus): MonState {
  return {
    dc: status.dc,
    hasDc: status.dc !== null,
    quorum: status.quorum,
    nodes: status.nodes.map((n) => ({ name: n.name, online: n.online, standby: n.standby, unclean: n.unclean, shutdown: n.shutdown, isDc: n.isDc })),
    resources: status.instances.map((r) => ({
      id: r.id,
      agent: r.agent ?? '',
      role: r.role,
      active: r.active,
      failed: r.failed,
      parent: r.groupId ?? r.cloneId ?? r.bundleId,
      nodes: r.nodes,
    })),
  };
}

/** Throws ClusterParseError on a document that is not crm_mon XML. */
export function parseCrmMon(xml: string): MonState {
  return monState(parseCrmMonXml(xml));
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
