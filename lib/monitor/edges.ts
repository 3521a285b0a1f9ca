/**
 * The cluster-state events of the monitor (pure): what changed between the last state and a new
 * poll result. 'cluster-down' and 'cluster-up' on the edges of crm_mon's "not connected";
 * 'quorum-lost' when quorum goes (also at the first poll: an application must know), 'quorum'
 * when it comes back; 'maintenance' on every change, and at the first poll only when on.
 */
import type { MonitorFacts } from './types.ts';

export interface ClusterState {
  /** null until the first poll answered either way. */
  clusterUp: boolean | null;
  quorate: boolean | null;
  maintenance: boolean | null;
}

export type Edge = { name: 'cluster-down'; message: string } | { name: 'cluster-up' } | { name: 'quorum-lost' } | { name: 'quorum' } | { name: 'maintenance'; on: boolean };

export const INITIAL: ClusterState = { clusterUp: null, quorate: null, maintenance: null };

/** A poll answered (`facts`) or found the cluster not running here (`{ down: message }`). */
export function clusterEdges(state: ClusterState, seen: MonitorFacts | { down: string }): { state: ClusterState; edges: Edge[] } {
  const edges: Edge[] = [];
  if ('down' in seen) {
    if (state.clusterUp !== false) edges.push({ name: 'cluster-down', message: seen.down });
    return { state: { ...state, clusterUp: false }, edges };
  }
  if (state.clusterUp === false) edges.push({ name: 'cluster-up' });
  if (seen.quorum !== state.quorate) {
    if (!seen.quorum) edges.push({ name: 'quorum-lost' });
    else if (state.quorate === false) edges.push({ name: 'quorum' });
  }
  if (seen.maintenance !== state.maintenance && (state.maintenance !== null || seen.maintenance)) edges.push({ name: 'maintenance', on: seen.maintenance });
  return { state: { clusterUp: true, quorate: seen.quorum, maintenance: seen.maintenance }, edges };
}
