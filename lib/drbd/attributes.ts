/**
 * Node attributes through `crm_attribute -l reboot` (pacemaker-attrd, not a CIB query): the
 * promotion score under the name crm_master uses (`master-<OCF_RESOURCE_INSTANCE>`), and the
 * split-brain flag. A call is capped so that a crm_attribute that hangs cannot time the
 * monitor out: the monitor still answers, and the next one tries again.
 */
import { outcome, type Runner } from '../exec/run.ts';
import type { Deadline } from '../exec/deadline.ts';

/** At most this long per call, and never past the operation's deadline less a margin. */
export const ATTR_CAP_MS = 5000;
const ANSWER_MARGIN_MS = 300;

export interface AttrEnv {
  exec: Runner;
  deadline: Deadline;
  node: string | null;
}

export const scoreAttr = (instance: string): string => `master-${instance}`;
export const splitBrainAttr = (resource: string): string => `ocfkit-drbd-${resource}-split-brain`;

/** Set (value) or delete (null) a transient node attribute. Returns null on success, else why not. */
export async function writeAttr(env: AttrEnv, name: string, value: string | null): Promise<string | null> {
  const args = ['--name', name, '--lifetime', 'reboot'];
  if (env.node) args.push('--node', env.node);
  args.push(...(value === null ? ['--delete'] : ['--update', value]));
  const r = await env.exec('crm_attribute', args, { deadline: env.deadline.less(ANSWER_MARGIN_MS), timeoutMs: ATTR_CAP_MS, logLevel: 'info' });
  return r.failed ? `crm_attribute ${value === null ? 'delete' : 'update'} ${name}: ${outcome(r)}` : null;
}
