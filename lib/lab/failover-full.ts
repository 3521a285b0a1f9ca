/**
 * A measured hard-kill failover of the full stack: power off the active node, wait until the
 * survivor runs everything and a client request through VIP → HAProxy is answered by it, and
 * read each step from the cluster's own timestamps (the survivor's lab alert log, corosync.log)
 * and the services agent's status file. All times are ms after the kill.
 */
import { nodeId } from './names.ts';
import { parseCorosyncMemberships, type AlertEvent } from './timeline.ts';
import { readAlerts, readCorosyncLog } from './failover.ts';
import { FULL, waitStackRunning, type FullPlacement } from './stack-full.ts';
import { servicesStatus } from './stack-facts.ts';
import type { ClientLoop, ClientSample } from './client.ts';
import type { ServicesStatus } from '../services/status-file.ts';
import type { Lab } from './lab.ts';

export interface TimelineStep {
  /** Stable key: membership, node-lost, fenced, promote, mount, vip, haproxy, service:<name>, client. */
  key: string;
  /** For people: `fencing of node1 confirmed (fence_ocfkit_lab)`. */
  what: string;
  /** When the step completed, ms after the kill (null: not seen). */
  atMs: number | null;
  /** How long the step took: from the previous step's completion (or, for a service, its own start time). */
  durationMs: number | null;
  /** A service: when its start began (ms after the kill), from the status file. */
  startedAtMs?: number | null;
}

export interface FullFailoverTimeline {
  victim: string;
  survivor: string;
  victimWasDc: boolean | null;
  /** ms since the epoch, just before the power cut. */
  killedAt: number;
  steps: TimelineStep[];
  /** The last answer from the victim before the kill, and the first from the survivor after it. */
  lastAnswerBefore: ClientSample | null;
  firstAnswerAfter: ClientSample | null;
  /** End to end: kill → first client answer from the survivor (ms). */
  totalMs: number | null;
  /** Pacemaker's part: corosync membership change → last service started. */
  pacemakerMs: number | null;
}

const rel = (at: number | null, killedAt: number): number | null => (at === null ? null : Math.max(0, Math.round(at - killedAt)));

/** The timeline from the survivor's logs and status file and the client's samples (pure given its inputs). */
export function fullTimeline(input: {
  victim: string;
  survivor: string;
  victimWasDc: boolean | null;
  killedAt: number;
  alerts: AlertEvent[];
  corosyncLog: string;
  services: ServicesStatus | null;
  samples: readonly ClientSample[];
}): FullFailoverTimeline {
  const { victim, survivor, killedAt } = input;
  const events = input.alerts.filter((e) => e.at >= killedAt - 5);
  const first = (pred: (e: AlertEvent) => boolean): number | null => events.find(pred)?.at ?? null;
  const done = (rsc: string, task: string): number | null => first((e) => e.kind === 'resource' && e.rsc === rsc && e.task === task && e.rc === 0 && e.node === survivor);
  // corosync.log has no year: take the one nearest the kill.
  const membership = parseCorosyncMemberships(input.corosyncLog, killedAt).find((m) => m.at >= killedAt - 5 && m.left.includes(nodeId(victim)));

  const raw: Array<{ key: string; what: string; at: number | null; startedAt?: number | null }> = [
    { key: 'membership', what: `corosync on ${survivor}: new membership without ${victim}`, at: membership?.at ?? null },
    { key: 'node-lost', what: `Pacemaker on ${survivor}: ${victim} lost`, at: first((e) => e.kind === 'node' && e.node === victim && e.desc === 'lost') },
    { key: 'fenced', what: `fencing of ${victim} confirmed (fence_ocfkit_lab)`, at: first((e) => e.kind === 'fencing' && e.node === victim && e.rc === 0) },
    { key: 'promote', what: `DRBD r0 promoted on ${survivor} (${FULL.drbd})`, at: done(FULL.drbd, 'promote') },
    { key: 'mount', what: `/srv/data mounted on ${survivor} (${FULL.fs})`, at: done(FULL.fs, 'start') },
    { key: 'vip', what: `VIP up on ${survivor} (${FULL.vip})`, at: done(FULL.vip, 'start') },
    { key: 'haproxy', what: `HAProxy retargeted to ${survivor} (${FULL.haproxy})`, at: done(FULL.haproxy, 'start') },
  ];
  // Each service from the status file (its own start time and duration), when it is this failover's start.
  const servicesDone = done(FULL.services, 'start');
  for (const step of input.services?.node === survivor ? input.services.steps : []) {
    const since = Date.parse(step.since);
    if (step.state !== 'started' || !Number.isFinite(since) || since < killedAt) continue;
    raw.push({ key: `service:${step.name}`, what: `service ${step.name} started on ${survivor}`, at: since, startedAt: step.durationMs === null ? null : since - step.durationMs });
  }
  if (!raw.some((r) => r.key.startsWith('service:'))) raw.push({ key: 'services', what: `services started on ${survivor} (${FULL.services})`, at: servicesDone });
  const answer = input.samples.find((s) => s.at >= killedAt && s.ok && s.node === survivor) ?? null;
  const lastBefore = [...input.samples].reverse().find((s) => s.at < killedAt && s.ok) ?? null;
  raw.push({ key: 'client', what: `a client request through VIP → HAProxy answered by ${survivor}`, at: answer ? answer.at + answer.ms : null });

  const steps: TimelineStep[] = [];
  let previous: number | null = killedAt;
  for (const r of raw) {
    const from = r.startedAt !== undefined ? r.startedAt : previous;
    const step: TimelineStep = { key: r.key, what: r.what, atMs: rel(r.at, killedAt), durationMs: r.at !== null && from !== null ? Math.max(0, Math.round(r.at - from)) : null };
    if (r.startedAt !== undefined) step.startedAtMs = rel(r.startedAt, killedAt);
    steps.push(step);
    if (r.at !== null) previous = r.at;
  }
  const last = [...steps].reverse().find((s) => s.key.startsWith('service') && s.atMs !== null)?.atMs ?? null;
  const membershipMs = steps[0]!.atMs;
  const totalMs = steps.at(-1)!.atMs;
  return {
    victim,
    survivor,
    victimWasDc: input.victimWasDc,
    killedAt,
    steps,
    lastAnswerBefore: lastBefore,
    firstAnswerAfter: answer,
    totalMs,
    pacemakerMs: membershipMs !== null && last !== null ? last - membershipMs : null,
  };
}

/**
 * Hard-kills the active node of a running full stack and waits for the survivor to take over
 * and answer clients. Uses (and leaves running) `client`, or a loop of its own that it stops.
 */
export async function hardKillFullFailover(lab: Lab, options: { client?: ClientLoop; timeoutMs?: number } = {}): Promise<FullFailoverTimeline> {
  if (lab.nodes.length !== 2) throw new Error('a failover needs two nodes');
  const timeoutMs = options.timeoutMs ?? 90_000;
  const before: FullPlacement = await waitStackRunning(lab, { timeoutMs });
  const victim = before.active;
  const survivor = lab.nodes.find((n) => n !== victim)!;
  const client = options.client ?? lab.client();
  try {
    await client.answeredBy(victim, { since: Date.now() - 1000, timeoutMs: 15_000 });
    const dc = (await lab.crmMon(survivor))?.dc ?? null;
    const victimWasDc = dc === null ? null : dc === victim;
    const { at } = await lab.kill(victim);
    await client.answeredBy(survivor, { since: at, timeoutMs });
    await waitStackRunning(lab, { from: survivor, activeOn: survivor, timeoutMs });
    // The alert agent runs asynchronously: give the last lines a moment to land.
    const read = (): FullFailoverTimeline =>
      fullTimeline({ victim, survivor, victimWasDc, killedAt: at, alerts: readAlerts(lab, survivor), corosyncLog: readCorosyncLog(lab, survivor), services: servicesStatus(lab, survivor), samples: client.samples });
    return await lab.waitFor(() => {
      const t = read();
      return t.steps.every((s) => s.atMs !== null) ? t : null;
    }, { timeoutMs: 3000, intervalMs: 100, what: 'every step in the logs' }).catch(() => read());
  } finally {
    if (!options.client) await client.stop();
  }
}

/** Boots the victim again and waits until it is the standby under the same active node. Returns ms. */
export async function rejoinFull(lab: Lab, victim: string, timeoutMs = 90_000): Promise<number> {
  const started = Date.now();
  const survivor = lab.nodes.find((n) => n !== victim)!;
  await lab.start(victim, { timeoutMs });
  await waitStackRunning(lab, { from: survivor, activeOn: survivor, standbyOn: [victim], timeoutMs });
  return Date.now() - started;
}
