/**
 * `ocfkit lab demo`: the lab with the reference stack (Stateful promotable + Dummy + ocfkit's
 * services agent, both colocated with Promoted), one hard-kill failover of the Promoted node
 * with its timeline, the killed node brought back, and how to tear it all down.
 */
import type { Logger } from '../log/logger.ts';
import { labUp, type Lab } from './lab.ts';
import { DEFAULT_LAB_NAME, DEFAULT_STATE_ROOT, labPaths } from './names.ts';
import { withLabLock, type LockOptions } from './lock.ts';
import { applyStack, DEMO_SERVICES, servicesAgentBuilt, waitSettled, STATEFUL, type StackOptions } from './stack.ts';
import { hardKillFailover, rejoin, type FailoverTimeline } from './failover.ts';
import { secs } from './timeline.ts';

export interface DemoOptions extends LockOptions {
  name?: string;
  token?: number;
  log?: Logger;
  /** Where the human-readable report goes (one line per call). */
  out: (line: string) => void;
}

export interface DemoResult {
  lab: Lab;
  upMs: number;
  timeline: FailoverTimeline;
  rejoinMs: number;
  services: boolean;
}

const nameFlag = (name: string): string => (name === DEFAULT_LAB_NAME ? '' : ` --name ${name}`);
const at = (ms: number | null): string => (ms === null ? '     ?   ' : `+${(ms / 1000).toFixed(2).padStart(6)} s`);

export function formatTimeline(t: FailoverTimeline, fenceDelayNote = ''): string[] {
  const lines = [
    `  ${at(0)}  ${t.victim}${t.victimWasDc ? ' (the DC)' : ''} powered off (SIGKILL to every process of its namespaces)`,
    `  ${at(t.membershipMs)}  corosync on ${t.survivor}: new membership without ${t.victim}`,
    `  ${at(t.nodeLostMs)}  Pacemaker on ${t.survivor}: ${t.victim} lost`,
    `  ${at(t.fencedMs)}  fencing of ${t.victim} confirmed (fence_ocfkit_lab)${fenceDelayNote}`,
    `  ${at(t.promotedMs)}  ${STATEFUL} promoted on ${t.survivor}`,
  ];
  for (const [id, ms] of Object.entries(t.startedMs)) lines.push(`  ${at(ms)}  ${id} started on ${t.survivor}`);
  lines.push(`  failover took ${secs(t.endMs)}: corosync detection ${secs(t.membershipMs)}, Pacemaker to promote ${secs(t.pacemakerMs)}`);
  return lines;
}

/** The whole demo holds the lab's lock (lock.ts): no other up, down or demo of it meanwhile. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const name = options.name ?? DEFAULT_LAB_NAME;
  return withLabLock(name, labPaths(name, DEFAULT_STATE_ROOT).lockFile, 'lab demo', options, () => demo(options));
}

async function demo(options: DemoOptions): Promise<DemoResult> {
  const { out } = options;
  const name = options.name ?? DEFAULT_LAB_NAME;
  const started = Date.now();
  out(`Bringing up lab '${name}': two namespace nodes, Corosync (knet, token ${options.token ?? 1000} ms) + Pacemaker, real fencing…`);
  const lab = await labUp({ name, token: options.token, nodes: 2, log: options.log });
  const upMs = Date.now() - started;
  const services = servicesAgentBuilt(lab);
  const stack: StackOptions = { services: services ? DEMO_SERVICES : null };
  const reused = Date.parse(lab.record.createdAt) < started;
  out(`  ${reused ? 'lab already up' : `lab up in ${secs(upMs)}`}; nodes ${lab.nodes.map((n) => `${n} (${lab.paths.node(n).address})`).join(', ')}`);
  if (!services) out("  note: dist/resource.d/ocfkit/services not built ('npm run build'); the demo runs without ocf:ocfkit:services");

  await applyStack(lab, stack);
  const placed = await waitSettled(lab, stack);
  const colocatedList = Object.keys(placed.started).join(' + ');
  out(`Stack: ocf:pacemaker:Stateful (promotable) with ${colocatedList} colocated with Promoted; Promoted on ${placed.promoted}.`);

  const victim = placed.promoted;
  const delayed = lab.record.stonith && lab.record.fenceDelayMs > 0 && lab.record.fenceDelayTarget === victim;
  out(`Hard kill of ${victim} (power cut)…`);
  const timeline = await hardKillFailover(lab, stack);
  for (const line of formatTimeline(timeline, delayed ? ` (includes the ${secs(lab.record.fenceDelayMs)} delay that makes ${victim} win a split)` : '')) out(line);

  out(`Booting ${victim} again…`);
  const rejoinMs = await rejoin(lab, victim, stack);
  out(`  ${victim} rejoined as Unpromoted in ${secs(rejoinMs)}; Promoted stays on ${timeline.survivor}.`);
  out('');
  const n = nameFlag(name);
  out('Try:');
  for (const [cmd, what] of [
    [`ocfkit lab status${n}`, 'nodes, daemons, where everything runs'],
    [`ocfkit lab exec${n} node1 crm_mon -1`, 'the cluster as node1 sees it'],
    [`ocfkit lab kill${n} ${timeline.survivor}`, 'another power cut'],
    [`ocfkit lab net${n} node2 down`, 'cut the link: exactly one node survives'],
  ]) out(`  ${cmd!.padEnd(42)} # ${what}`);
  out(`Tear down: ocfkit lab down${n}   (add --keep-logs to keep the nodes' logs)`);
  return { lab, upMs, timeline, rejoinMs, services };
}
