/**
 * Which resource plays which part of the stack. Contract 5's ids first (`drbd-data-clone`,
 * `fs-data`, `vip`, `haproxy-target`, `app-services`), then by agent (a promotable clone of
 * `ocf:ocfkit:drbd`/`ocf:linbit:drbd`, else the only promotable clone; `ocf:heartbeat:Filesystem`,
 * `ocf:heartbeat:IPaddr2`, `ocf:ocfkit:haproxy-retarget`, `ocf:ocfkit:services`). An id given by
 * the operator (`--resource`) wins. Pure.
 */
import type { ClusterStatus, ResourceInstance } from '../cluster/model.ts';
import type { StackIds } from './facts.ts';

export const DEFAULT_IDS = { clone: 'drbd-data-clone', fs: 'fs-data', vip: 'vip', haproxy: 'haproxy-target', services: 'app-services' } as const;
const AGENTS = { fs: 'ocf:heartbeat:Filesystem', vip: 'ocf:heartbeat:IPaddr2', haproxy: 'ocf:ocfkit:haproxy-retarget', services: 'ocf:ocfkit:services' } as const;
const DRBD_AGENTS = ['ocf:ocfkit:drbd', 'ocf:linbit:drbd'];

export interface ResolvedIds {
  clone: string | null;
  /** The clone's primitive (what operations and events name). */
  primitive: string | null;
  fs: string | null;
  vip: string | null;
  haproxy: string | null;
  services: string | null;
}

/** `drbd-data:0` → `drbd-data` (anonymous clone instance suffix). */
export const baseId = (id: string): string => id.replace(/:\d+$/, '');

export function resolveIds(cs: ClusterStatus | null, given: StackIds): ResolvedIds {
  const primitives = (cs?.instances ?? []).filter((i) => i.cloneId === null && i.bundleId === null);
  const exists = (id: string): boolean => primitives.some((i) => i.id === id);
  const byAgent = (agent: string): string | null => primitives.find((i) => i.agent === agent)?.id ?? null;
  const pick = (part: 'fs' | 'vip' | 'haproxy' | 'services'): string | null => {
    if (given[part]) return given[part]!;
    if (!cs) return DEFAULT_IDS[part];
    return exists(DEFAULT_IDS[part]) ? DEFAULT_IDS[part] : byAgent(AGENTS[part]);
  };
  let clone: string | null = given.clone ?? null;
  if (!clone && cs) {
    const promotable = cs.collections.filter((c) => c.kind === 'clone' && c.promotable);
    const instancesOf = (id: string): ResourceInstance[] => cs.instances.filter((i) => i.cloneId === id);
    clone =
      promotable.find((c) => c.id === DEFAULT_IDS.clone)?.id ??
      promotable.find((c) => instancesOf(c.id).some((i) => i.agent !== null && DRBD_AGENTS.includes(i.agent)))?.id ??
      (promotable.length === 1 ? promotable[0]!.id : null);
  }
  if (!clone && !cs) clone = DEFAULT_IDS.clone;
  const primitive = clone && cs ? (cs.instances.find((i) => i.cloneId === clone)?.id ?? null) : null;
  return { clone, primitive: primitive ? baseId(primitive) : null, fs: pick('fs'), vip: pick('vip'), haproxy: pick('haproxy'), services: pick('services') };
}
