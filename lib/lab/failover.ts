/**
 * One measured hard-kill failover: power off the node holding the Promoted instance, wait
 * until the survivor has promoted and started every colocated resource, and read the phases
 * from the cluster's own timestamps (see timeline.ts). All times are ms after the kill.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERT_LOG } from './fence/agent-script.ts';
import { nodeId } from './names.ts';
import { colocated, waitSettled, STATEFUL, type StackOptions } from './stack.ts';
import { parseAlerts, parseCorosyncMemberships, type AlertEvent } from './timeline.ts';
import type { Lab } from './lab.ts';

export interface FailoverTimeline {
  victim: string;
  survivor: string;
  /** The victim was the DC (the survivor then elects itself first: Pacemaker's part is longer). */
  victimWasDc: boolean | null;
  /** ms since the epoch, just before the first SIGKILL. */
  killedAt: number;
  /** Survivor's corosync forms a membership without the victim. */
  membershipMs: number | null;
  /** Pacemaker on the survivor sees the victim lost (node alert). */
  nodeLostMs: number | null;
  /** Fencing of the victim confirmed (fencing alert, rc 0). */
  fencedMs: number | null;
  /** Promote done on the survivor. */
  promotedMs: number | null;
  /** Each colocated resource started on the survivor. */
  startedMs: Record<string, number | null>;
  /** The end point: the last colocated resource started. */
  endMs: number | null;
  /** Pacemaker's part: from membership change to promote done. */
  pacemakerMs: number | null;
}

export function readAlerts(lab: Lab, node: string): AlertEvent[] {
  try {
    return parseAlerts(readFileSync(join(lab.node(node).log, ALERT_LOG.replace(/^\/var\/log\//, '')), 'utf8'));
  } catch {
    return [];
  }
}

export function readCorosyncLog(lab: Lab, node: string): string {
  try {
    return readFileSync(join(lab.node(node).log, 'corosync', 'corosync.log'), 'utf8');
  } catch {
    return '';
  }
}

/** Computes the timeline from the survivor's logs (pure apart from reading the two files). */
export function timelineFrom(lab: Lab, victim: string, survivor: string, killedAt: number, resources: readonly string[], victimWasDc: boolean | null = null): FailoverTimeline {
  const events = readAlerts(lab, survivor).filter((e) => e.at >= killedAt - 5);
  const first = (pred: (e: AlertEvent) => boolean): number | null => {
    const e = events.find(pred);
    return e ? Math.max(0, Math.round(e.at - killedAt)) : null;
  };
  const membership = parseCorosyncMemberships(readCorosyncLog(lab, survivor)).find((m) => m.at >= killedAt - 5 && m.left.includes(nodeId(victim)));
  const startedMs: Record<string, number | null> = {};
  for (const id of resources) startedMs[id] = first((e) => e.kind === 'resource' && e.rsc === id && e.task === 'start' && e.rc === 0 && e.node === survivor);
  const promotedMs = first((e) => e.kind === 'resource' && e.rsc === STATEFUL && e.task === 'promote' && e.rc === 0 && e.node === survivor);
  const starts = Object.values(startedMs);
  const endMs = starts.every((v) => v !== null) ? Math.max(...(starts as number[])) : null;
  const membershipMs = membership ? Math.max(0, Math.round(membership.at - killedAt)) : null;
  return {
    victim,
    survivor,
    victimWasDc,
    killedAt,
    membershipMs,
    nodeLostMs: first((e) => e.kind === 'node' && e.node === victim && e.desc === 'lost'),
    fencedMs: first((e) => e.kind === 'fencing' && e.node === victim && e.rc === 0),
    promotedMs,
    startedMs,
    endMs,
    pacemakerMs: membershipMs !== null && promotedMs !== null ? promotedMs - membershipMs : null,
  };
}

/**
 * Hard-kills the Promoted node of a settled stack and waits for the survivor to take over.
 * Returns the timeline; the victim stays off (see `rejoin`).
 */
export async function hardKillFailover(lab: Lab, stack: StackOptions = {}, timeoutMs = 60_000): Promise<FailoverTimeline> {
  if (lab.nodes.length !== 2) throw new Error('a failover needs two nodes');
  const before = await waitSettled(lab, { ...stack, timeoutMs });
  const victim = before.promoted;
  const survivor = lab.nodes.find((n) => n !== victim)!;
  const resources = colocated(stack);
  const dc = (await lab.crmMon(survivor))?.dc ?? null;
  const victimWasDc = dc === null ? null : dc === victim;
  const { at } = await lab.kill(victim);
  // Wait on the alert log (a file read, no load on the cluster), then confirm with crm_mon.
  await lab.waitFor(
    () => {
      const t = timelineFrom(lab, victim, survivor, at, resources, victimWasDc);
      return t.promotedMs !== null && t.endMs !== null ? t : null;
    },
    { timeoutMs, intervalMs: 50, what: `${survivor} to promote and start ${resources.join(', ')}` },
  );
  await waitSettled(lab, { ...stack, from: survivor, promotedOn: survivor, timeoutMs });
  return timelineFrom(lab, victim, survivor, at, resources, victimWasDc);
}

/** Boots the victim again and waits until it runs the clone Unpromoted under the same Promoted. */
export async function rejoin(lab: Lab, victim: string, stack: StackOptions = {}, timeoutMs = 90_000): Promise<number> {
  const started = Date.now();
  const survivor = lab.nodes.find((n) => n !== victim)!;
  await lab.start(victim, { timeoutMs });
  await waitSettled(lab, { ...stack, from: survivor, promotedOn: survivor, unpromotedOn: [victim], timeoutMs });
  return Date.now() - started;
}
