/**
 * The reference stack of the lab: Pacemaker's own `ocf:pacemaker:Stateful` as a promotable
 * clone, `ocf:heartbeat:Dummy` colocated with its Promoted instance (and ordered after the
 * promote), and optionally ocfkit's `ocf:ocfkit:services` the same way. The XML is rendered
 * here (pure) and added in one CIB transaction.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { outcome } from '../exec/run.ts';
import { esc, nvpairs } from './cib-seed.ts';
import { nodesWithRole, type MonState } from './crm-mon.ts';
import type { Lab } from './lab.ts';

export const STATEFUL_CLONE = 'stateful-clone';
export const STATEFUL = 'stateful';
export const DUMMY = 'dummy';
export const SERVICES = 'svc';

export interface ServiceSpec {
  name: string;
  command: string[];
}

export const DEMO_SERVICES: ServiceSpec[] = [
  { name: 'mq', command: ['/bin/sleep', 'infinity'] },
  { name: 'sched', command: ['/bin/sleep', 'infinity'] },
];

export interface StackOptions {
  /** Add ocf:ocfkit:services with these services (null: no services resource). */
  services?: ServiceSpec[] | null;
  /** Monitor interval of the colocated resources (default 2s; Stateful Promoted 1s). */
  monitorInterval?: string;
  /**
   * The node where the first promotion happens (default node1), by a small location score (3)
   * that Stateful's promotion scores (10 promoted, 5 unpromoted) and stickiness outweigh after a
   * failover: the resources do not move back. null: no preference.
   */
  preferPromoted?: string | null;
}

function op(id: string, name: string, interval: string, extra = ''): string {
  return `<op id="${id}-${name}-interval-${interval}${extra ? '-r' : ''}" name="${name}" interval="${interval}" timeout="20s"${extra}/>`;
}

function followsPromoted(id: string): string {
  return (
    `<rsc_colocation id="${id}-with-promoted-${STATEFUL_CLONE}" rsc="${id}" with-rsc="${STATEFUL_CLONE}" with-rsc-role="Promoted" score="INFINITY"/>` +
    `<rsc_order id="promote-${STATEFUL_CLONE}-then-start-${id}" first="${STATEFUL_CLONE}" first-action="promote" then="${id}" then-action="start"/>`
  );
}

export function stackConfiguration(options: StackOptions = {}): string {
  const interval = options.monitorInterval ?? '2s';
  const clone =
    `<clone id="${STATEFUL_CLONE}">` +
    `<meta_attributes id="${STATEFUL_CLONE}-meta_attributes">${nvpairs(`${STATEFUL_CLONE}-meta_attributes`, { promotable: 'true', 'promoted-max': '1', 'promoted-node-max': '1', 'clone-max': '2', 'clone-node-max': '1' })}</meta_attributes>` +
    `<primitive id="${STATEFUL}" class="ocf" provider="pacemaker" type="Stateful"><operations>` +
    op(STATEFUL, 'monitor', '1s', ' role="Promoted"') +
    op(STATEFUL, 'monitor', '2s', ' role="Unpromoted"') +
    `</operations></primitive></clone>`;
  const dummy = `<primitive id="${DUMMY}" class="ocf" provider="heartbeat" type="Dummy"><operations>${op(DUMMY, 'monitor', interval)}</operations></primitive>`;
  let resources = clone + dummy;
  let constraints = followsPromoted(DUMMY);
  const prefer = options.preferPromoted === undefined ? 'node1' : options.preferPromoted;
  if (prefer) constraints += `<rsc_location id="${STATEFUL_CLONE}-promoted-prefers-${prefer}" rsc="${STATEFUL_CLONE}" role="Promoted" node="${esc(prefer)}" score="3"/>`;
  if (options.services) {
    resources +=
      `<primitive id="${SERVICES}" class="ocf" provider="ocfkit" type="services">` +
      `<instance_attributes id="${SERVICES}-instance_attributes">${nvpairs(`${SERVICES}-instance_attributes`, { services: JSON.stringify(options.services) })}</instance_attributes>` +
      `<operations>${op(SERVICES, 'monitor', interval)}</operations></primitive>`;
    constraints += followsPromoted(SERVICES);
  }
  return `<configuration><resources>${resources}</resources><constraints>${constraints}</constraints></configuration>`;
}

/** True when the lab's nodes can run ocf:ocfkit:services (the build exists). */
export function servicesAgentBuilt(lab: Lab): boolean {
  return existsSync(join(lab.record.distDir, 'resource.d', 'ocfkit', 'services'));
}

/** Adds the stack in one transaction (cibadmin --modify --allow-create) from the first node. */
export async function applyStack(lab: Lab, options: StackOptions = {}): Promise<void> {
  const xml = stackConfiguration(options);
  const r = await lab.exec(lab.nodes[0]!, ['cibadmin', '--modify', '--allow-create', '--scope', 'configuration', '--xml-text', xml], { timeoutMs: 30_000 });
  if (r.failed) throw new Error(`adding the stack: ${outcome(r)}`);
}

/** The resources that must run with the Promoted instance. */
export function colocated(options: StackOptions = {}): string[] {
  return options.services ? [DUMMY, SERVICES] : [DUMMY];
}

export interface Placement {
  promoted: string;
  unpromoted: string[];
  /** Where each colocated resource is started. */
  started: Record<string, string[]>;
}

export function placement(state: MonState, resources: readonly string[]): Placement | null {
  const promoted = nodesWithRole(state, STATEFUL_CLONE, 'Promoted');
  if (promoted.length !== 1) return null;
  const started: Record<string, string[]> = {};
  for (const id of resources) started[id] = nodesWithRole(state, id, 'Started');
  return { promoted: promoted[0]!, unpromoted: nodesWithRole(state, STATEFUL_CLONE, 'Unpromoted'), started };
}

/**
 * Waits until the stack is settled as seen from `from`: one Promoted instance, every colocated
 * resource started on that node, and `unpromotedOn` (if given) running Unpromoted.
 */
export async function waitSettled(
  lab: Lab,
  options: StackOptions & { from?: string; promotedOn?: string; unpromotedOn?: string[]; timeoutMs?: number } = {},
): Promise<Placement> {
  const ids = colocated(options);
  const from = options.from ?? lab.nodes[0]!;
  return lab.waitFor(
    async () => {
      const state = await lab.crmMon(from);
      if (!state) return null;
      const p = placement(state, ids);
      if (!p) return null;
      if (options.promotedOn && p.promoted !== options.promotedOn) return null;
      if (!ids.every((id) => p.started[id]!.length === 1 && p.started[id]![0] === p.promoted)) return null;
      if (options.unpromotedOn && !options.unpromotedOn.every((n) => p.unpromoted.includes(n))) return null;
      if (state.resources.some((r) => r.failed)) return null;
      return p;
    },
    { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 200, what: `the stack settled (seen from ${from})` },
  );
}

export { esc };
