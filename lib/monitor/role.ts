/**
 * The role of this node for one resource, from a parsed crm_mon (pure). Facts, then the decision:
 * nothing here runs a command or keeps state.
 */
import type { ClusterStatus, ResourceInstance } from '../cluster/model.ts';
import type { MonitorFacts, MonitorRole, ResourceKind } from './types.ts';

interface Located {
  kind: ResourceKind;
  instances: ResourceInstance[];
}

/** The instances that make up `resource` (a primitive, a clone's instances, a group's members). */
export function locate(status: ClusterStatus, resource: string): Located | null {
  const collection = status.collections.find((c) => c.id === resource);
  if (collection) {
    let instances: ResourceInstance[];
    if (collection.kind === 'clone') instances = status.instances.filter((i) => i.cloneId === resource);
    else if (collection.kind === 'group') instances = status.instances.filter((i) => i.groupId === resource && i.cloneId === null);
    else instances = status.instances.filter((i) => i.bundleId === resource);
    const kind: ResourceKind = collection.kind === 'clone' ? (collection.promotable ? 'promotable' : 'clone') : collection.kind;
    return { kind, instances };
  }
  const instances = status.instances.filter((i) => i.id === resource && i.cloneId === null && i.bundleId === null);
  return instances.length > 0 ? { kind: 'primitive', instances } : null;
}

/** Nodes where the resource counts as active: Promoted (promotable) or Started; a group only with all its members there. */
export function activeNodes(located: Located): string[] {
  const { kind, instances } = located;
  const on = (i: ResourceInstance): string[] => (i.active && !i.failed ? i.nodes : []);
  if (kind === 'promotable') return unique(instances.filter((i) => i.role === 'Promoted').flatMap(on));
  if (kind === 'group') {
    if (instances.length === 0) return [];
    const first = on(instances[0]!);
    return first.filter((node) => instances.every((i) => (i.role === 'Started' || i.role === 'Promoted') && on(i).includes(node)));
  }
  return unique(instances.filter((i) => i.role === 'Started' || i.role === 'Promoted').flatMap(on));
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}

/** Everything the monitor decides on, for `resource` as seen on `node`. */
export function deriveFacts(status: ClusterStatus, resource: string, node: string): MonitorFacts {
  const self = status.nodes.find((n) => n.name === node);
  const located = locate(status, resource);
  const maintenance = status.maintenanceMode || (self?.maintenance ?? false);
  const base = {
    node,
    quorum: status.quorum,
    maintenance,
    kind: located?.kind ?? null,
    primitives: located ? unique(located.instances.map((i) => i.id)) : [],
    activeOn: located ? activeNodes(located) : [],
    dc: status.dc,
  };
  const decide = (role: MonitorRole, reason: string): MonitorFacts => ({ ...base, role, reason });
  if (!self) return decide('unknown', `node ${node} is not in the cluster`);
  if (!located) return decide('unknown', `resource ${resource} is not configured`);
  if (base.activeOn.includes(node)) {
    // Running here but this node is not a clean member: it is about to be fenced or recovered.
    if (!self.online || self.unclean) return decide('unknown', `node ${node} is ${self.unclean ? 'unclean' : 'offline'}`);
    return decide('active', located.kind === 'promotable' ? `Promoted on ${node}` : `Started on ${node}`);
  }
  if (!self.online) return decide('unknown', `node ${node} is offline in its own view`);
  if (base.activeOn.length > 0) return decide('standby', `active on ${base.activeOn.join(', ')}`);
  // Promoted nowhere but running Unpromoted somewhere: a promotion is due (mid-switchover, a
  // demote done and the peer's promote not yet). Every node is standby until it happens.
  const unpromoted = located.kind === 'promotable' ? unique(located.instances.flatMap((i) => (i.active ? i.nodes : []))) : [];
  if (unpromoted.length > 0) return decide('standby', `Unpromoted on ${unpromoted.join(', ')}, Promoted nowhere`);
  return decide('stopped', `${resource} is active nowhere`);
}
