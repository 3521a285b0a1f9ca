/**
 * The facts, gathered: crm_mon (lib/cluster), the local DRBD status (`drbdsetup events2 --now
 * --statistics` through drbd-status-parser), the event log's tail, the services status file.
 * The commands run in parallel, each with its own deadline, as argument arrays. Never throws:
 * a source that fails becomes one line (Source.ok = false).
 */
import { hostname } from 'node:os';
import { parse as parseDrbd, DrbdParseError, type DrbdStatus } from 'drbd-status-parser';
import { readCrmMon } from '../cluster/live.ts';
import type { ClusterStatus } from '../cluster/model.ts';
import { Deadline } from '../exec/deadline.ts';
import { outcome, run as defaultRun, type Runner } from '../exec/run.ts';
import { DEFAULT_EVENT_LOG, DEFAULT_TAIL_BYTES, readEventTail } from './events.ts';
import type { Source, StackIds, StatusFacts } from './facts.ts';
import { resolveIds } from './roles.ts';
import { readServicesStatus, servicesStatusPath } from './services-source.ts';

export interface GatherOptions {
  ids?: StackIds;
  eventLog?: string;
  eventTailBytes?: number;
  /** Per-command limits (ms). */
  crmMonTimeoutMs?: number;
  drbdTimeoutMs?: number;
  runner?: Runner;
  env?: NodeJS.ProcessEnv;
  /** The services status file (default: $HA_RSCTMP/ocfkit-services-<resource>.json). */
  servicesStatusFile?: string;
  localNode?: string | null;
  now?: () => number;
}

/** Most bytes of DRBD status read (as the drbd agent: anything near this is not a status). */
const MAX_DRBD_BYTES = 1 << 20;

/** crm_mon --output-as=xml puts its errors in the XML on stdout: the last `<error>` line, unescaped. */
export function crmMonError(stdout: string): string | null {
  const errors = [...stdout.slice(0, 64 * 1024).matchAll(/<error>([^<]{1,400})<\/error>/g)].map((m) => m[1]!);
  const last = errors.at(-1);
  return last ? last.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&') : null;
}

async function readCluster(o: GatherOptions): Promise<StatusFacts['cluster']> {
  try {
    const r = await readCrmMon({ deadline: Deadline.after(o.crmMonTimeoutMs ?? 5000), runner: o.runner });
    switch (r.kind) {
      case 'ok': return { ok: true, value: r.value };
      case 'cluster-not-running': return { ok: false, reason: `the cluster is not running here (crm_mon exit ${r.exec.exitCode ?? '?'}: ${crmMonError(r.exec.stdout) ?? r.message})`, notRunning: true };
      case 'command-failed': {
        const why = crmMonError(r.exec.stdout);
        return { ok: false, reason: r.exec.spawnError ? `crm_mon ${outcome(r.exec)} (is Pacemaker installed?)` : `${r.message}${why && !r.exec.timedOut ? ` (${why})` : ''}` };
      }
      case 'parse-error': return { ok: false, reason: `crm_mon output not understood: ${r.error.message}` };
    }
  } catch (error) {
    return { ok: false, reason: `crm_mon: ${(error as Error).message}` };
  }
}

async function readDrbd(o: GatherOptions): Promise<Source<DrbdStatus>> {
  const runner = o.runner ?? defaultRun;
  const args = ['events2', '--now', '--statistics'];
  const r = await runner('drbdsetup', args, { deadline: Deadline.after(o.drbdTimeoutMs ?? 3000), maxBuffer: MAX_DRBD_BYTES });
  if (r.spawnError) return { ok: false, reason: `drbdsetup ${outcome(r)}: no DRBD tools on this node` };
  if (r.failed) return { ok: false, reason: `drbdsetup events2 --now --statistics: ${outcome(r)}` };
  try {
    return { ok: true, value: parseDrbd(r.stdout, { format: 'events2' }) };
  } catch (error) {
    if (error instanceof DrbdParseError) return { ok: false, reason: `drbdsetup events2 output not understood: ${error.message}` };
    return { ok: false, reason: `drbdsetup events2: ${(error as Error).message}` };
  }
}

function readEvents(o: GatherOptions): StatusFacts['events'] {
  const path = o.eventLog ?? DEFAULT_EVENT_LOG;
  try {
    const r = readEventTail(path, o.eventTailBytes ?? DEFAULT_TAIL_BYTES);
    if (!r) return { ok: false, reason: `${path}: not found (no alert agent writing here? step times come from crm_mon, fencing is unknown)` };
    return { ok: true, value: { events: r.events, path, skipped: r.skipped, firstSkip: r.firstSkip, truncated: r.truncated } };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { ok: false, reason: `${path}: cannot read (${e.code ?? e.message})` };
  }
}

export async function gatherFacts(o: GatherOptions = {}): Promise<StatusFacts> {
  const now = o.now ?? Date.now;
  const [cluster, drbd] = await Promise.all([readCluster(o), readDrbd(o)]);
  const events = readEvents(o);
  const cs: ClusterStatus | null = cluster.ok ? cluster.value : null;
  const ids = resolveIds(cs, o.ids ?? {});
  let services: StatusFacts['services'] = null;
  if (ids.services && (cs === null || cs.instances.some((i) => i.id === ids.services))) {
    const path = o.servicesStatusFile ?? servicesStatusPath(ids.services, o.env ?? process.env);
    const s = readServicesStatus(path);
    services =
      s.kind === 'ok' ? { ok: true, value: s.value, path }
      : s.kind === 'missing' ? { ok: false, reason: `${path}: not here (the services have not run on this node since boot)`, path }
      : { ok: false, reason: `${path}: not an ocfkit status file (${s.reason}): ignored`, path };
  }
  // Pacemaker names nodes by uname; a host whose uname is an FQDN may be the short name there
  let localNode = o.localNode !== undefined ? o.localNode : hostname() || null;
  const names = cs?.nodes.map((n) => n.name) ?? [];
  if (localNode && !names.includes(localNode) && names.includes(localNode.split('.')[0]!)) localNode = localNode.split('.')[0]!;
  return {
    now: now(),
    tzOffsetMin: -new Date().getTimezoneOffset(),
    localNode,
    ids: o.ids ?? {},
    cluster,
    drbd,
    events,
    services,
  };
}
