/**
 * What a pushed event says about this node's role, before any poll confirms it (pure). Only a
 * successful action of the resource's own primitive on this node counts: a promote (or a start
 * of a resource that is not promotable) makes the node active at once; a demote or a stop makes
 * it standby. Everything else only asks for a confirming poll.
 */
import type { PushedEvent } from './event.ts';
import type { MonitorRole, ResourceKind } from './types.ts';

export interface PushContext {
  resource: string;
  node: string;
  /** From the last poll; null before the first one. */
  kind: ResourceKind | null;
  primitives: readonly string[];
}

/** Anonymous clone instances may be named `rsc:0`: the primitive id without the instance number. */
export function primitiveOf(name: string): string {
  return name.replace(/:\d+$/, '');
}

export function roleFromEvent(event: PushedEvent, ctx: PushContext): MonitorRole | null {
  if (event.kind !== 'resource' || event.node !== ctx.node || event.rc !== 0) return null;
  if (event.interval !== undefined && event.interval !== 0) return null;
  if (ctx.kind === null || ctx.kind === 'group' || ctx.kind === 'bundle') return null;
  const rsc = primitiveOf(event.resource ?? '');
  if (!(rsc === ctx.resource || ctx.primitives.includes(rsc))) return null;
  switch (event.task) {
    case 'promote':
      return ctx.kind === 'promotable' ? 'active' : null;
    case 'demote':
      return ctx.kind === 'promotable' ? 'standby' : null;
    case 'start':
      return ctx.kind === 'promotable' ? null : 'active';
    case 'stop':
      return 'standby';
    default:
      return null;
  }
}

/** Events that may change what a poll would say: everything but attribute changes. */
export function wantsPoll(event: PushedEvent): boolean {
  if (event.kind === 'attribute') return false;
  // recurring monitors that succeed change nothing
  if (event.kind === 'resource' && event.task === 'monitor' && event.rc === event.targetRc) return false;
  return true;
}
