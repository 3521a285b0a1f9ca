/**
 * The CIB a lab starts from, written to each node's /var/lib/pacemaker/cib/cib.xml before
 * Pacemaker starts: a short dc-deadtime (the default 20 s would dominate start-up), fencing on
 * with one lab fence device per node, and the alert agent that records the timeline.
 *
 * `seedConfiguration` is pure; `writeSeedCib` runs cibadmin with CIB_file (no cluster needed).
 */
import { writeFile } from 'node:fs/promises';
import { run, outcome } from '../exec/run.ts';
import type { Deadline } from '../exec/deadline.ts';
import type { Logger } from '../log/logger.ts';
import { FENCE_AGENT_NAME, ALERT_AGENT_NAME } from './fence/agent-script.ts';

export interface SeedOptions {
  nodes: readonly string[];
  stonith: boolean;
  /** Delay (ms) on the device that fences `fenceDelayTarget`: in a fencing race that node is fenced last, so it wins. */
  fenceDelayMs: number;
  fenceDelayTarget: string;
  dcDeadtime?: string;
}

export const esc = (v: string): string => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function nvpairs(id: string, pairs: Record<string, string>): string {
  return Object.entries(pairs)
    .map(([k, v]) => `<nvpair id="${esc(id)}-${esc(k)}" name="${esc(k)}" value="${esc(v)}"/>`)
    .join('');
}

/** One fence device per node, kept off the node it fences. */
export function fenceDevices(nodes: readonly string[], fenceDelayMs: number, fenceDelayTarget: string): { resources: string; constraints: string } {
  let resources = '';
  let constraints = '';
  for (const node of nodes) {
    const id = `fence-${node}`;
    const attrs: Record<string, string> = { pcmk_host_list: node };
    if (node === fenceDelayTarget && fenceDelayMs > 0 && nodes.length > 1) attrs.pcmk_delay_base = `${fenceDelayMs}ms`;
    resources +=
      `<primitive id="${id}" class="stonith" type="${FENCE_AGENT_NAME}">` +
      `<instance_attributes id="${id}-instance_attributes">${nvpairs(`${id}-instance_attributes`, attrs)}</instance_attributes>` +
      `<operations><op id="${id}-monitor-interval-60s" name="monitor" interval="60s" timeout="20s"/></operations>` +
      `</primitive>`;
    if (nodes.length > 1) constraints += `<rsc_location id="${id}-avoids-${node}" rsc="${id}" node="${node}" score="-INFINITY"/>`;
  }
  return { resources, constraints };
}

export function seedConfiguration(options: SeedOptions): string {
  const props: Record<string, string> = {
    'dc-deadtime': options.dcDeadtime ?? '2s',
    'stonith-enabled': String(options.stonith),
  };
  const fence = options.stonith ? fenceDevices(options.nodes, options.fenceDelayMs, options.fenceDelayTarget) : { resources: '', constraints: '' };
  return (
    '<configuration>' +
    `<crm_config><cluster_property_set id="cib-bootstrap-options">${nvpairs('cib-bootstrap-options', props)}</cluster_property_set></crm_config>` +
    '<nodes/>' +
    `<resources>${fence.resources}</resources>` +
    `<constraints>${fence.constraints}</constraints>` +
    `<rsc_defaults><meta_attributes id="rsc-options">${nvpairs('rsc-options', { 'resource-stickiness': '1' })}</meta_attributes></rsc_defaults>` +
    `<alerts><alert id="ocfkit-lab-timeline" path="/usr/sbin/${ALERT_AGENT_NAME}"/></alerts>` +
    '</configuration>'
  );
}

/** Writes a complete seed CIB to `file` (cibadmin --empty, then the configuration replaced). */
export async function writeSeedCib(file: string, options: SeedOptions, ctx: { deadline: Deadline; log?: Logger }): Promise<void> {
  const empty = await run('cibadmin', ['--empty'], { deadline: ctx.deadline, log: ctx.log });
  if (empty.failed) throw new Error(`cibadmin --empty: ${outcome(empty)}`);
  await writeFile(file, empty.stdout);
  const env = { CIB_file: file };
  const replaced = await run('cibadmin', ['--replace', '--scope', 'configuration', '--xml-text', seedConfiguration(options)], { deadline: ctx.deadline, log: ctx.log, env });
  if (replaced.failed) throw new Error(`seeding the CIB: ${outcome(replaced)}`);
}
