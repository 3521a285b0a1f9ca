/**
 * `ocfkit lab demo`: the lab with the full stack (the rendered CIB: simulated DRBD, ext4 mount,
 * VIP, HAProxy retargeted, three services), `ocfkit status`, one hard-kill failover of the active
 * node with its timeline step by step and the end-to-end time until a client request through
 * VIP → HAProxy is answered by the new active, the killed node rejoined as standby, and how to
 * tear it all down. `stack: 'minimal'` runs the earlier demo (Stateful + Dummy + services).
 */
import type { Logger } from '../log/logger.ts';
import { labUp, type Lab, type StackKind } from './lab.ts';
import { outcome } from '../exec/run.ts';
import { hardKillFullFailover, rejoinFull, type FullFailoverTimeline } from './failover-full.ts';
import { waitStackRunning } from './stack-full.ts';
import { nodeStackFacts, type NodeStackFacts } from './stack-facts.ts';
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
  /** Default full. */
  stack?: StackKind;
}

export interface DemoResult {
  lab: Lab;
  stack: StackKind;
  upMs: number;
  /** The lab was already up (its up time is not this run's). */
  reused: boolean;
  activeBefore: string;
  activeAfter: string;
  rejoinMs: number;
  /** stack minimal: the Stateful/Dummy timeline. */
  timeline: FailoverTimeline | null;
  /** stack full: every step. */
  full: FullFailoverTimeline | null;
  services: boolean;
}

/** The machine-readable demo (`ocfkit lab demo --json`), pure. */
export function demoJson(r: DemoResult): Record<string, unknown> {
  const base = { lab: r.lab.name, stack: r.stack, upMs: r.upMs, reused: r.reused, token: r.lab.record.token, fenceDelayMs: r.lab.record.fenceDelayMs, fenceDelayTarget: r.lab.record.fenceDelayTarget, activeBefore: r.activeBefore, activeAfter: r.activeAfter, rejoinMs: r.rejoinMs };
  if (r.full) {
    const t = r.full;
    return { ...base, killed: t.victim, victimWasDc: t.victimWasDc, killedAt: new Date(t.killedAt).toISOString(), steps: t.steps, totalMs: t.totalMs, pacemakerMs: t.pacemakerMs, lastAnswerBefore: t.lastAnswerBefore, firstAnswerAfter: t.firstAnswerAfter };
  }
  const t = r.timeline!;
  const steps = [
    { key: 'membership', atMs: t.membershipMs },
    { key: 'node-lost', atMs: t.nodeLostMs },
    { key: 'fenced', atMs: t.fencedMs },
    { key: 'promote', atMs: t.promotedMs },
    ...Object.entries(t.startedMs).map(([id, ms]) => ({ key: `start:${id}`, atMs: ms })),
  ];
  return { ...base, killed: t.victim, victimWasDc: t.victimWasDc, killedAt: new Date(t.killedAt).toISOString(), steps, totalMs: t.endMs, pacemakerMs: t.pacemakerMs };
}

const ms = (v: number | null): string => (v === null ? '      -' : `${(v / 1000).toFixed(2).padStart(6)} s`);

/** The full stack's failover, one line per step: when it completed and how long it took (pure). */
export function formatFullTimeline(t: FullFailoverTimeline, fenceDelayNote = ''): string[] {
  const lines = [`  ${'at'.padStart(9)}  ${'took'.padStart(8)}  step`, `  ${ms(0)}  ${''.padStart(8)}  ${t.victim}${t.victimWasDc ? ' (the DC)' : ''} powered off (SIGKILL to every process, NIC down)`];
  for (const s of t.steps) lines.push(`  ${ms(s.atMs)}  ${ms(s.durationMs)}  ${s.what}${s.key === 'fenced' ? fenceDelayNote : ''}`);
  lines.push(`  end to end: ${secs(t.totalMs)} from the power cut to a client answer from ${t.survivor} (Pacemaker's part, membership to last service: ${secs(t.pacemakerMs)})`);
  return lines;
}

/** One line per node: DRBD, mount, VIP, HAProxy, services (pure). */
export function formatFacts(f: NodeStackFacts): string {
  if (!f.drbd && f.mounted === null && !f.vip && Object.keys(f.services).length === 0 && f.haproxy === null) return `  ${f.node}: off`;
  const d = f.drbd ? `DRBD ${f.drbd.role}/${f.drbd.peerRole} ${f.drbd.disk}/${f.drbd.pdsk} ${f.drbd.conn}` : 'DRBD down';
  const hap = f.haproxy ? `HAProxy be_write ${Object.entries(f.haproxy).map(([k, v]) => `${k}=${v}`).join(' ')}` : 'HAProxy ?';
  const svc = Object.keys(f.services).length ? Object.entries(f.services).map(([k, v]) => `${k} ${v}`).join(', ') : 'no services';
  return `  ${f.node}: ${d}; ${f.mounted ? `/srv/data on ${f.mounted}` : 'not mounted'}; ${f.vip ? 'VIP' : 'no VIP'}; ${hap}; ${svc}`;
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
  return (options.stack ?? 'full') === 'full' ? demoFull(options) : demoMinimal(options);
}

/** `ocfkit status` in the node, or a compact summary when it is not available. */
async function printStatus(lab: Lab, node: string, out: (line: string) => void): Promise<void> {
  const r = await lab.exec(node, ['ocfkit', 'status'], { timeoutMs: 30_000, log: undefined });
  if (!r.spawnError && !r.timedOut && r.stdout.trim() && !/unknown command/.test(r.stderr)) {
    out(`$ ocfkit lab exec${nameFlag(lab.name)} ${node} ocfkit status`);
    for (const line of r.stdout.trimEnd().split('\n')) out(`  ${line}`);
    return;
  }
  out(`(ocfkit status is not available here: ${outcome(r)}; the lab's own summary:)`);
  for (const n of lab.nodes) out(formatFacts(await nodeStackFacts(lab, n)));
}

async function demoFull(options: DemoOptions): Promise<DemoResult> {
  const { out } = options;
  const name = options.name ?? DEFAULT_LAB_NAME;
  const started = Date.now();
  out(`Bringing up lab '${name}' with the full stack: two namespace nodes on a bridge, Corosync (knet, token ${options.token ?? 1000} ms) + Pacemaker, real fencing,`);
  out('  the CIB rendered from cib-templates/ (simulated DRBD, ext4 on /srv/data, VIP, HAProxy, mq + sched + db)…');
  const lab = await labUp({ name, token: options.token, nodes: 2, stack: 'full', log: options.log });
  const upMs = Date.now() - started;
  const reused = Date.parse(lab.record.createdAt) < started;
  out(`  ${reused ? 'lab already up' : `lab up with the stack running in ${secs(upMs)}`}; nodes ${lab.nodes.map((n) => `${n} (${lab.paths.node(n).address})`).join(', ')}, VIP ${lab.paths.vip}, client ${lab.paths.clientAddress}`);
  const placed = await waitStackRunning(lab);
  const standby = lab.nodes.find((n) => n !== placed.active)!;
  await waitStackRunning(lab, { activeOn: placed.active, standbyOn: [standby] });
  out('');
  await printStatus(lab, placed.active, out);
  out('');

  const client = lab.client();
  try {
    const first = await client.answeredBy(placed.active, { timeoutMs: 15_000 });
    out(`Client loop in the client namespace: GET http://${lab.paths.vip}:5000/ every 100 ms (300 ms timeout); ${placed.active} answers (${first.ms} ms).`);
    const victim = placed.active;
    const delayed = lab.record.fenceDelayMs > 0 && lab.record.fenceDelayTarget === victim;
    out(`Hard kill of the active node ${victim} (power cut)…`);
    const full = await hardKillFullFailover(lab, { client });
    for (const line of formatFullTimeline(full, delayed ? ` (includes the ${secs(lab.record.fenceDelayMs)} delay that makes ${victim} win a split)` : '')) out(line);
    out('');
    out(`Booting ${victim} again…`);
    const rejoinMs = await rejoinFull(lab, victim);
    out(`  ${victim} rejoined as standby in ${secs(rejoinMs)} (DRBD Secondary, resynced); the stack stays on ${full.survivor}.`);
    for (const n of lab.nodes) out(formatFacts(await nodeStackFacts(lab, n)));
    out('');
    const n = nameFlag(name);
    out('Try:');
    for (const [cmd, what] of [
      [`ocfkit lab exec${n} ${full.survivor} ocfkit status`, 'the stack as the active node sees it'],
      [`ocfkit lab exec${n} ${full.survivor} drbdadm status r0`, 'DRBD (the simulator)'],
      [`ocfkit lab kill${n} ${full.survivor}`, 'another power cut'],
      [`ocfkit lab net${n} node2 down`, 'unplug node2: exactly one node stays active'],
    ]) out(`  ${cmd!.padEnd(48)} # ${what}`);
    out(`Tear down: ocfkit lab down${n}   (add --keep-logs to keep the nodes' logs)`);
    return { lab, stack: 'full', upMs, reused, activeBefore: victim, activeAfter: full.survivor, rejoinMs, timeline: null, full, services: true };
  } finally {
    await client.stop();
  }
}

async function demoMinimal(options: DemoOptions): Promise<DemoResult> {
  const { out } = options;
  const name = options.name ?? DEFAULT_LAB_NAME;
  const started = Date.now();
  out(`Bringing up lab '${name}': two namespace nodes, Corosync (knet, token ${options.token ?? 1000} ms) + Pacemaker, real fencing…`);
  const lab = await labUp({ name, token: options.token, nodes: 2, stack: 'minimal', log: options.log });
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
  return { lab, stack: 'minimal', upMs, reused, activeBefore: victim, activeAfter: timeline.survivor, rejoinMs, timeline, full: null, services };
}
