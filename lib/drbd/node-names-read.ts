/**
 * The facts of the node-name check (node-names.ts): the host name, Pacemaker's node name
 * (CRM_meta_on_node, else `crm_node -n`; none outside a cluster) and the `on` names of
 * `drbdadm -c <conf> dump <res>`. Each command bounded by the operation's deadline.
 */
import { hostname } from 'node:os';
import { outcome, type Runner } from '../exec/run.ts';
import type { Deadline } from '../exec/deadline.ts';
import { onHostsOfDump, type NameFacts } from './node-names.ts';
import { lastLine } from './tools.ts';

export interface NameEnv {
  exec: Runner;
  deadline: Deadline;
  conf: string;
  resource: string;
  /** CRM_meta_on_node, when Pacemaker runs the agent. */
  onNode: string | undefined;
}

export async function readNameFacts(env: NameEnv): Promise<NameFacts> {
  let pacemaker: NameFacts['pacemaker'] = env.onNode ? { name: env.onNode, source: 'CRM_meta_on_node' } : null;
  if (!pacemaker) {
    const r = await env.exec('crm_node', ['-n'], { deadline: env.deadline, timeoutMs: 10_000 });
    const name = r.stdout.trim();
    if (!r.failed && /^\S+$/.test(name)) pacemaker = { name, source: 'crm_node -n' };
  }
  const d = await env.exec('drbdadm', ['-c', env.conf, 'dump', env.resource], { deadline: env.deadline });
  let drbd: NameFacts['drbd'];
  if (d.failed) drbd = { error: lastLine(d) || outcome(d) };
  else if (!new RegExp(`^resource\\s+${env.resource.replace(/[.+]/g, '\\$&')}\\s*\\{`, 'm').test(d.stdout)) drbd = { error: `it printed no resource ${env.resource}` };
  else drbd = { hosts: onHostsOfDump(d.stdout, env.resource) };
  return { resource: env.resource, hostName: hostname(), pacemaker, drbd };
}
