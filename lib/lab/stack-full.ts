/**
 * The full stack on the lab: the CIB rendered from cib-templates/ (lib/cib/render.ts) with the
 * lab's own addresses, loaded once DRBD's data is UpToDate on both nodes, and the wait until it
 * runs — DRBD (the simulator) Primary on one node, /srv/data mounted there, the VIP, HAProxy
 * retargeted, the three services — and the facts the tests and the demo read from the nodes.
 */
import { outcome } from '../exec/run.ts';
import type { Deadline } from '../exec/deadline.ts';
import type { Logger } from '../log/logger.ts';
import { renderCib, LAB_VARS, type StackVars, type Variant } from '../cib/render.ts';
import { ALERT_AGENT_NAME } from './fence/agent-script.ts';
import { nvpairs } from './cib-seed.ts';
import { nodesWithRole, type MonState } from './crm-mon.ts';
import { DRBD_RESOURCE } from './stack-files.ts';
import type { Lab } from './lab.ts';

/** The resource ids of the rendered CIB (contract 5). */
export const FULL = {
  clone: 'drbd-data-clone',
  drbd: 'drbd-data',
  fs: 'fs-data',
  vip: 'vip',
  haproxy: 'haproxy-target',
  services: 'app-services',
} as const;

/** Colocated with Promoted DRBD, in start order. */
export const FULL_ORDER = [FULL.fs, FULL.vip, FULL.haproxy, FULL.services] as const;

export interface FullStackOptions {
  variant?: Variant;
  restoreWindow?: { start: string; length: string; score?: number } | null;
}

/** The lab's vars: the templates' lab values with this lab's addresses, name and fencing delay (pure). */
export function labStackVars(lab: Pick<Lab, 'name' | 'record' | 'paths' | 'nodes'>): StackVars {
  const base = structuredClone(LAB_VARS) as StackVars;
  const [a, b] = lab.nodes.map((n) => ({ name: n, address: lab.paths.node(n).address }));
  if (!a || !b) throw new Error('the full stack needs two nodes');
  const delayed = lab.record.fenceDelayMs > 0;
  return {
    ...base,
    cluster_name: lab.name,
    nodes: [a, b],
    fence: { ...base.fence, delay_node: delayed ? lab.record.fenceDelayTarget : '', delay: delayed ? `${lab.record.fenceDelayMs}ms` : '' },
    vip: { ...base.vip, ip: lab.paths.vip },
    corosync: { token: lab.record.token },
  };
}

/**
 * The rendered `<configuration>` plus what the lab needs (pure): `dc-deadtime` (the seed's
 * short election wait) and the lab's timeline alert beside `ocfkit-alert`.
 */
export function withLabAdditions(configuration: string, options: { dcDeadtime?: string } = {}): string {
  const props = '</cluster_property_set>';
  const alerts = '</alerts>';
  const i = configuration.indexOf(props);
  if (i < 0) throw new Error('rendered CIB: no cluster_property_set');
  let out = `${configuration.slice(0, i)}${nvpairs('cib-bootstrap-options', { 'dc-deadtime': options.dcDeadtime ?? '2s' })}${configuration.slice(i)}`;
  const lab = `<alert id="ocfkit-lab-timeline" path="/usr/sbin/${ALERT_AGENT_NAME}"/>`;
  const j = out.lastIndexOf(alerts);
  if (j >= 0) out = `${out.slice(0, j)}${lab}${out.slice(j)}`;
  else {
    const end = out.lastIndexOf('</configuration>');
    if (end < 0) throw new Error('rendered CIB: no </configuration>');
    out = `${out.slice(0, end)}<alerts>${lab}</alerts>${out.slice(end)}`;
  }
  return out;
}

export interface Ctx {
  deadline: Deadline;
  log: Logger;
}

/** drbdadm in a node; throws with the output on failure. */
async function drbdadm(lab: Lab, node: string, args: string[], timeoutMs = 15_000): Promise<string> {
  const r = await lab.exec(node, ['drbdadm', ...args, DRBD_RESOURCE], { timeoutMs });
  if (r.failed) throw new Error(`${node}: drbdadm ${args.join(' ')} ${DRBD_RESOURCE}: ${outcome(r)} ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/**
 * Fresh DRBD metadata on both nodes, made UpToDate on both (the initial sync skipped, as an
 * operator does on new disks), then the resource taken down: Pacemaker's start brings it up.
 */
export async function initDrbd(lab: Lab, ctx: Ctx): Promise<void> {
  for (const n of lab.nodes) {
    await drbdadm(lab, n, ['create-md', '--force']);
    await drbdadm(lab, n, ['up']);
  }
  const all = async (args: string[], want: string): Promise<boolean> => {
    for (const n of lab.nodes) if ((await drbdadm(lab, n, args)) !== want) return false;
    return true;
  };
  await lab.waitFor(() => all(['cstate'], 'Connected'), { timeoutMs: ctx.deadline.remaining(), intervalMs: 100, what: 'DRBD r0 Connected on both nodes' });
  await drbdadm(lab, lab.nodes[0]!, ['new-current-uuid', '--clear-bitmap']);
  await lab.waitFor(() => all(['dstate'], 'UpToDate/UpToDate'), { timeoutMs: ctx.deadline.remaining(), intervalMs: 100, what: 'DRBD r0 UpToDate/UpToDate' });
  for (const n of lab.nodes) await drbdadm(lab, n, ['down']);
}

/** Renders the CIB for this lab and replaces the cluster's configuration with it (from node1). */
export async function loadStackCib(lab: Lab, options: FullStackOptions = {}): Promise<void> {
  let rendered;
  try {
    rendered = renderCib(labStackVars(lab), { variant: options.variant ?? 'cold', restoreWindow: options.restoreWindow });
  } catch (error) {
    throw new Error(`rendering the lab's CIB from cib-templates/: ${(error as Error).message}`);
  }
  const xml = withLabAdditions(rendered.configuration);
  const r = await lab.exec(lab.nodes[0]!, ['cibadmin', '--replace', '--scope', 'configuration', '--xml-text', xml], { timeoutMs: 30_000 });
  if (r.failed) throw new Error(`loading the rendered CIB: ${outcome(r)} ${r.stderr.trim()}`);
}

export interface FullPlacement {
  /** The node with DRBD Promoted. */
  active: string;
  /** Nodes with DRBD Unpromoted. */
  standby: string[];
  /** Where each colocated resource is started. */
  started: Record<string, string[]>;
  /** Failed resource entries (crm_mon's view). */
  failed: string[];
}

/** Where the stack runs in one crm_mon view (pure); null without exactly one Promoted. */
export function fullPlacement(state: MonState): FullPlacement | null {
  const promoted = nodesWithRole(state, FULL.clone, 'Promoted');
  if (promoted.length !== 1) return null;
  const started: Record<string, string[]> = {};
  for (const id of FULL_ORDER) started[id] = nodesWithRole(state, id, 'Started');
  return {
    active: promoted[0]!,
    standby: nodesWithRole(state, FULL.clone, 'Unpromoted'),
    started,
    failed: state.resources.filter((r) => r.failed).map((r) => `${r.id}@${r.nodes.join(',')}`),
  };
}

/** Everything runs on the active node (pure). */
export function stackRunning(p: FullPlacement): boolean {
  return FULL_ORDER.every((id) => p.started[id]!.length === 1 && p.started[id]![0] === p.active);
}

/**
 * Waits until crm_mon (from `from`) shows the whole stack running on one node, optionally on
 * `activeOn`, with `standbyOn` Unpromoted, and no failed resource.
 */
export async function waitStackRunning(
  lab: Lab,
  options: { from?: string; activeOn?: string; standbyOn?: string[]; timeoutMs?: number } = {},
): Promise<FullPlacement> {
  const from = options.from ?? lab.nodes.find((n) => lab.processes(n).length > 0) ?? lab.nodes[0]!;
  let last: FullPlacement | null = null;
  try {
    return await lab.waitFor(
      async () => {
        const state = await lab.crmMon(from);
        const p = state ? fullPlacement(state) : null;
        last = p;
        if (!p || !stackRunning(p) || p.failed.length > 0) return null;
        if (options.activeOn && p.active !== options.activeOn) return null;
        if (options.standbyOn && !options.standbyOn.every((n) => p.standby.includes(n))) return null;
        return p;
      },
      { timeoutMs: options.timeoutMs ?? 90_000, intervalMs: 250, what: `the full stack running (seen from ${from})` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last)}`);
  }
}

/**
 * Brings the stack up on a lab whose nodes are online: DRBD metadata, the CIB, and the wait
 * until it runs (the first promotion goes to the preferred node, node1).
 */
export async function startFullStack(lab: Lab, ctx: Ctx, options: FullStackOptions = {}): Promise<FullPlacement> {
  if (!lab.record.stonith) throw new Error('the full stack runs with fencing (stonith) on');
  const t0 = Date.now();
  await initDrbd(lab, ctx);
  const t1 = Date.now();
  await loadStackCib(lab, options);
  const placed = await waitStackRunning(lab, { timeoutMs: ctx.deadline.remaining(), standbyOn: lab.nodes.filter((n) => n !== 'node1') });
  ctx.log.info('full stack running', { lab: lab.name, active: placed.active, drbdInitMs: t1 - t0, cibToRunningMs: Date.now() - t1 });
  return placed;
}
