/**
 * ocf:ocfkit:drbd — a DRBD resource as a promotable clone: a drop-in for ocf:linbit:drbd (same
 * parameter names) that never promotes stale data and, in a steady state, runs one process per
 * monitor (`drbdsetup events2 --now`) and makes no call to the cluster.
 */
import { accessSync, constants } from 'node:fs';
import { defineAgent, generic, misconfigured, notInstalled, OCF, type OcfContext, type Outcome, type Params } from '../lib/ocf/index.ts';
import * as actions from '../lib/drbd/actions.ts';
import type { DrbdEnv } from '../lib/drbd/env.ts';
import { parseTiers, TiersError, type Tiers } from '../lib/drbd/ladder.ts';
import { memoryPath, saveMemory } from '../lib/drbd/memory.ts';
import { memoryFor } from '../lib/drbd/score.ts';
import { readVersion, type ToolEnv } from '../lib/drbd/tools.ts';
import { metaProblems, peerPrimaryPolicy, resourceNameProblem, wfcTimeoutMs } from '../lib/drbd/validate.ts';
import { versionCode, type DrbdVersion } from '../lib/drbd/version.ts';
import { PARAMETERS } from '../lib/drbd/parameters.ts';
import { nodeNameProblem } from '../lib/drbd/node-names.ts';
import { readNameFacts } from '../lib/drbd/node-names-read.ts';

type P = Params<typeof PARAMETERS>;

function tiersOf(ctx: OcfContext<P>): Tiers {
  try {
    return parseTiers(ctx.params.adjust_master_score);
  } catch (error) {
    // stop only removes the score: bad tiers must not fail it (a failed stop fences the node)
    if (error instanceof TiersError && ctx.action === 'stop') return parseTiers(PARAMETERS.adjust_master_score.default);
    if (error instanceof TiersError) throw misconfigured(`parameter 'adjust_master_score': ${error.message}`);
    throw error;
  }
}

function toolEnv(ctx: OcfContext<P>): ToolEnv {
  return { exec: ctx.exec, deadline: ctx.deadline, conf: ctx.params.drbdconf, resource: ctx.params.drbd_resource };
}

function drbdEnv(ctx: OcfContext<P>): DrbdEnv {
  return {
    tools: toolEnv(ctx),
    score: {
      exec: ctx.exec,
      deadline: ctx.deadline,
      log: ctx.log,
      instance: ctx.instance,
      resource: ctx.params.drbd_resource,
      node: ctx.meta.onNode ?? null,
      memoryPath: memoryPath(ctx.paths.rscTmp, ctx.instance),
      maxAgeMs: ctx.params.score_recheck_interval,
      tiers: tiersOf(ctx),
      removeIfPeerPrimary: peerPrimaryPolicy(ctx.params.remove_master_score_if_peer_primary) === 'always',
    },
    log: ctx.log,
    isProbe: ctx.isProbe,
    wfcTimeoutMs: wfcTimeoutMs(ctx.rawParams.wfc_timeout ?? '5'),
    forcePromote: ctx.params.force_promote,
  };
}

/** require_drbd_module_version_ge/_lt against the loaded module. */
function versionProblem(ctx: OcfContext<P>, v: DrbdVersion): string | null {
  const ge = versionCode(ctx.params.require_drbd_module_version_ge);
  const lt = versionCode(ctx.params.require_drbd_module_version_lt);
  if (ge !== null && v.kernelCode < ge) return `DRBD module ${v.kernel} is older than require_drbd_module_version_ge=${ctx.params.require_drbd_module_version_ge}`;
  if (lt !== null && v.kernelCode >= lt) return `DRBD module ${v.kernel} is not older than require_drbd_module_version_lt=${ctx.params.require_drbd_module_version_lt}`;
  return null;
}

/**
 * The module's version: from `drbdadm --version`, loading the module first when it is not
 * (start only). Remembered in $HA_RSCTMP for the monitors' checks.
 */
async function moduleVersion(ctx: OcfContext<P>, load: boolean): Promise<DrbdVersion> {
  const env = toolEnv(ctx);
  let read = await readVersion(env);
  if (read.kind === 'ok' && read.version.kernelCode === 0 && load) {
    await ctx.exec('modprobe', ['drbd'], { deadline: ctx.deadline, timeoutMs: 10_000, logLevel: 'info' });
    read = await readVersion(env);
  }
  // a drbdadm that did not answer is this moment's fault (OCF_ERR_GENERIC, recoverable), not a
  // node without DRBD (OCF_ERR_INSTALLED bans the resource from the node)
  if (read.kind === 'failed' && read.cut) throw generic(read.reason);
  if (read.kind !== 'ok') throw notInstalled(read.reason);
  if (read.version.kernelCode === 0) throw notInstalled('DRBD kernel module not loaded (drbdadm --version: DRBD_KERNEL_VERSION_CODE=0x000000)');
  const problem = versionProblem(ctx, read.version);
  if (problem) throw notInstalled(problem);
  return read.version;
}

async function allowsTwoPrimaries(ctx: OcfContext<P>): Promise<boolean> {
  const r = await ctx.exec('drbdadm', ['-c', ctx.params.drbdconf, 'dump', ctx.params.drbd_resource], { deadline: ctx.deadline });
  return !r.failed && /^\s*allow-two-primaries(\s+yes)?\s*;/m.test(r.stdout);
}

async function validate(ctx: OcfContext<P>): Promise<void> {
  const nameProblem = resourceNameProblem(ctx.params.drbd_resource);
  // a stop must stop, and needs nothing but the name: no other parameter can fail it (a failed
  // stop gets the node fenced); a name start refuses cannot be running (the stop handler says so)
  if (ctx.action === 'stop') return;
  if (nameProblem) throw misconfigured(nameProblem);
  tiersOf(ctx);
  for (const key of ['require_drbd_module_version_ge', 'require_drbd_module_version_lt'] as const) {
    if (versionCode(ctx.params[key]) === null) throw misconfigured(`parameter '${key}': '${ctx.params[key].slice(0, 40)}' is not a version x.y.z`);
  }
  if (!['true', 'false', 'unexpected'].includes(ctx.params.remove_master_score_if_peer_primary) && !/^(yes|no|1|0|on|off|ja|nein)$/i.test(ctx.params.remove_master_score_if_peer_primary)) {
    ctx.log.warn(`remove_master_score_if_peer_primary='${ctx.params.remove_master_score_if_peer_primary}' reads as false`);
  }
  if (ctx.action === 'validate-all' && ctx.checkLevel < 10) return;
  if (ctx.action === 'notify') return;

  // monitor reads DRBD's state, never the configuration: an unreadable drbdconf must not make it
  // say "not installed", which bans the resource here and sends a stop that cannot succeed
  if (ctx.action !== 'monitor') {
    try {
      accessSync(ctx.params.drbdconf, constants.R_OK);
    } catch (error) {
      throw notInstalled(`drbdconf ${ctx.params.drbdconf} is not readable (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  const m = ctx.meta;
  if (ctx.action === 'start' && m.onNode !== undefined && m.clone === undefined) {
    throw misconfigured('ocf:ocfkit:drbd must run as a promotable clone (pcs resource create … promotable notify=true)');
  }
  const cached = memoryFor({ memoryPath: memoryPath(ctx.paths.rscTmp, ctx.instance), instance: ctx.instance, node: m.onNode ?? null }).version;
  const needVersion = (m.cloneMax ?? 0) > 2 || ctx.action === 'validate-all';
  const version = needVersion ? (cached && ctx.action !== 'validate-all' ? cached : await moduleVersion(ctx, false)) : cached;
  const twoPrimaries = m.promotedMax === 2 && (ctx.action === 'start' || ctx.action === 'promote' || ctx.action === 'validate-all') ? await allowsTwoPrimaries(ctx) : null;
  const problems = metaProblems({
    meta: m,
    generation: version?.generation ?? null,
    ignoreMissingNotifications: ctx.params.ignore_missing_notifications,
    allowTwoPrimaries: twoPrimaries,
    checkNotify: ['start', 'promote', 'demote'].includes(ctx.action),
  });
  if (problems.length > 0) {
    for (const p of problems.slice(1)) ctx.log.error(p);
    throw misconfigured(problems[0]!);
  }
  if (ctx.action === 'validate-all') {
    const names = nodeNameProblem(await readNameFacts({ ...toolEnv(ctx), onNode: m.onNode }));
    if (names) {
      ctx.log.error(names.detail);
      throw misconfigured(names.reason);
    }
  }
}

const run =
  (fn: (env: DrbdEnv, ctx: OcfContext<P>) => Promise<actions.Answer>) =>
  async (ctx: OcfContext<P>): Promise<Outcome> =>
    fn(drbdEnv(ctx), ctx);

const drbdAgent = defineAgent({
  name: 'drbd',
  version: '0.1.0',
  shortdesc: 'DRBD resource as a promotable clone (drop-in for ocf:linbit:drbd)',
  longdesc: `Manages one DRBD resource as a promotable clone: started means Secondary, promoted means
Primary. A drop-in replacement for ocf:linbit:drbd: the same parameter names; parameters it does not
implement are accepted and ignored (each says so). Promotion scores come from the DRBD state through a
fixed ladder (see adjust_master_score); a node whose data is not UpToDate gets no score, and promote
refuses such data with an exit reason. A suspected split brain is reported in the monitor's exit
reason (OCF_DEGRADED, no recovery) and as the transient node attribute ocfkit-drbd-RESOURCE-split-brain;
it is never resolved by discarding data. All DRBD state comes from drbdsetup events2 --now (DRBD 8.4 and
9). Configure DRBD fencing (fencing resource-only or resource-and-stonith, with fence-peer and
after-resync-target handlers) and Pacemaker fencing to prevent data divergence.`,
  parameters: PARAMETERS,
  exclusive: ['start', 'stop', 'promote', 'demote'],
  actions: {
    start: {
      timeout: 240,
      run: run(async (env, ctx) => {
        const version = await moduleVersion(ctx, true);
        const m = memoryFor(env.score);
        try {
          saveMemory(env.score.memoryPath, { ...m, version });
        } catch (error) {
          ctx.log.warn(`cannot write ${env.score.memoryPath}: ${(error as Error).message}`);
        }
        return actions.start(env);
      }),
    },
    stop: {
      timeout: 100,
      run: run((env, ctx) => {
        const problem = resourceNameProblem(ctx.params.drbd_resource);
        if (problem) {
          // never handed to drbdadm (`-x` would be an option); start refuses such a name, so nothing runs under it
          ctx.log.warn(`${problem}: nothing of ours can run under it; stop succeeds without a command`);
          return Promise.resolve({ code: OCF.SUCCESS });
        }
        return actions.stop(env);
      }),
    },
    promote: { timeout: 90, run: run((env) => actions.promote(env)) },
    demote: { timeout: 90, run: run((env) => actions.demote(env)) },
    notify: { timeout: 90, run: run((env, ctx) => actions.notify(env, ctx.notify?.type ?? '?', ctx.notify?.operation ?? '?')) },
    reload: { timeout: 30, run: run((env) => actions.reload(env)) },
    'reload-agent': { timeout: 30, run: run((env) => actions.reload(env)) },
    monitor: {
      timeout: 20,
      interval: 20,
      role: 'Unpromoted',
      also: [{ timeout: 20, interval: 10, role: 'Promoted' }],
      run: run((env) => actions.monitor(env)),
    },
  },
  validate,
});

export default drbdAgent;
