/**
 * ocf:ocfkit:haproxy-retarget — HAProxy sends clients to the active node, through its runtime
 * API, without a reload. Colocate it with the Promoted DRBD instance (or the services resource):
 * start makes this node's server(s) ready and the others drain then go to maintenance; stop
 * releases this node's claim only if it still holds it; monitor compares HAProxy's live state
 * with the claim and re-asserts it after HAProxy was reloaded or restarted.
 */
import { join } from 'node:path';
import { defineAgent, misconfigured, notInstalled, generic, OCF, OcfError, type OcfContext, type Outcome, type Params } from '../lib/ocf/index.ts';
import { ClaimConfigError, planClaim } from '../lib/haproxy/claim.ts';
import { RuntimeClient } from '../lib/haproxy/client.ts';
import { checkNode, ConfigError, parseRetargetConfig, type RetargetConfig } from '../lib/haproxy/config.ts';
import { RuntimeApiError } from '../lib/haproxy/errors.ts';
import { readRecord, removeRecord, writeRecord, type ClaimRecord } from '../lib/haproxy/record.ts';
import { check, claim, ClaimNotTaken, describe, readForClaim, release, requireAdmin, type CheckResult, type Instance, type OpEnv } from '../lib/haproxy/retarget.ts';

const parameters = {
  socket: {
    type: 'string',
    required: true,
    shortdesc: 'HAProxy runtime API socket(s), level admin',
    longdesc: `The "stats socket ... level admin" of every HAProxy instance that must follow the active node,
space-separated: a unix socket path (/run/haproxy/admin.sock) or a TCP address (ipv4@127.0.0.1:9999 or
127.0.0.1:9999). With several, the claim holds only when every instance shows it.`,
  },
  backends: {
    type: 'string',
    required: true,
    shortdesc: 'Backends whose traffic goes to the active node only',
    longdesc: 'Space-separated backend names (write traffic): only the active node\'s server is ready in them.',
  },
  servers: {
    type: 'string',
    shortdesc: 'node=server pairs',
    longdesc: 'Space-separated node=server pairs naming each node\'s server in the backends (e.g. "node1=db-a node2=db-b"). A node not listed has a server named like the node.',
  },
  read_backends: {
    type: 'string',
    shortdesc: 'Backends every healthy node keeps serving',
    longdesc: 'Space-separated backend names (read traffic, hot standby): this node\'s server is made ready there and nobody\'s is taken out; HAProxy\'s health checks decide. mode=state only.',
  },
  mode: {
    type: 'string',
    default: 'state',
    shortdesc: 'state (one server per node) or addr (one server, re-addressed)',
    longdesc: `"state": every node has a server in each backend; the active node's is ready, the others drain then go to
maintenance. "addr": each backend has exactly one server whose address and port are rewritten to the active
node's (see addresses); it must have an address in the configuration (not init-addr none).`,
  },
  addresses: {
    type: 'string',
    shortdesc: 'node=ip[:port] pairs (mode=addr)',
    longdesc: 'Space-separated node=ip[:port] pairs (IPv6 as node=[addr]:port): where the single server of each backend points when that node is active. Without a port the server keeps its own.',
  },
  drain_timeout: {
    type: 'time',
    default: '5s',
    shortdesc: 'How long a server being taken out drains',
    longdesc: `How long a server being taken out of a write backend stays in drain (no new connections but persistent ones,
health checks go on) before it is put in maintenance; start and stop move on as soon as it has no session left,
or at once when it is down. 0: straight to maintenance. Existing connections are never cut.`,
  },
  state_file: {
    type: 'string',
    shortdesc: 'Where to save the servers\' state for reloads',
    longdesc: `Optional, one per socket in the same order ('-' for none): the file HAProxy's "server-state-file" names.
After every change the agent writes "show servers state" there (atomically, with the trailing newline HAProxy
needs), so that a reload with "load-server-state-from-file global" keeps the claim. Only for instances on this node.`,
  },
} as const;

type P = Params<typeof parameters>;
type Ctx = OcfContext<P>;

function configOf(ctx: Ctx): RetargetConfig {
  try {
    return parseRetargetConfig(ctx.params);
  } catch (error) {
    if (error instanceof ConfigError) throw misconfigured(error.message);
    throw error;
  }
}

const instancesOf = (config: RetargetConfig): Instance[] =>
  config.sockets.map((address, i) => ({ client: new RuntimeClient(address), stateFile: config.stateFiles[i] ?? null }));

/** This node as Pacemaker names it: CRM_meta_on_node, else `crm_node -n`; it must have a server of its own. */
async function thisNode(ctx: Ctx, config: RetargetConfig): Promise<string> {
  const node = await nodeName(ctx);
  try {
    checkNode(config, node);
  } catch (error) {
    if (error instanceof ConfigError) throw misconfigured(error.message);
    throw error;
  }
  return node;
}

async function nodeName(ctx: Ctx): Promise<string> {
  if (ctx.meta.onNode) return ctx.meta.onNode;
  const r = await ctx.exec('crm_node', ['-n'], { timeoutMs: 5000, logLevel: 'debug' });
  const name = r.stdout.trim();
  if (r.failed || !name) throw generic(`cannot tell this node's name: OCF_RESKEY_CRM_meta_on_node is not set and 'crm_node -n' failed (${r.spawnError ?? r.stderr.trim() ?? r.exitCode})`);
  return name;
}

// the instance name comes from the environment: never a path of its own ('../', '/')
const recordPath = (ctx: Ctx): string => join(ctx.paths.rscTmp, `ocfkit-haproxy-retarget-${ctx.instance.replace(/[^A-Za-z0-9_.:-]/g, '_')}.json`);

/** HAProxy's and the decision's errors as OCF codes, for this action. */
function asOcf(ctx: Ctx, error: unknown): OcfError {
  if (error instanceof OcfError) return error;
  if (error instanceof ClaimConfigError) return misconfigured(error.message);
  if (error instanceof ClaimNotTaken) return generic(error.message);
  if (error instanceof RuntimeApiError) {
    switch (error.kind) {
      case 'no-such-backend':
      case 'no-such-server':
      case 'permission-denied':
      case 'addr-config-only':
      case 'invalid-addr':
        return misconfigured(error.message);
      case 'absent':
      case 'refused':
      case 'not-a-socket':
        // start: HAProxy is not there on this node; a probe: so nothing of ours runs (the runtime maps it)
        return ctx.action === 'start' || ctx.action === 'validate-all' || ctx.isProbe ? notInstalled(error.message) : generic(error.message);
      default:
        return generic(error.message);
    }
  }
  return generic(`internal error: ${error instanceof Error ? error.message : String(error)}`);
}

/** Run one operation on every instance at once; the first failure (in socket order) wins. */
async function everywhere<T>(ctx: Ctx, instances: Instance[], op: (i: Instance) => Promise<T>): Promise<T[]> {
  const settled = await Promise.allSettled(instances.map(op));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw asOcf(ctx, (failed as PromiseRejectedResult).reason);
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

async function start(ctx: Ctx): Promise<Outcome> {
  const config = configOf(ctx);
  const env: OpEnv = { config, node: await thisNode(ctx, config), deadline: ctx.deadline, log: ctx.log };
  const instances = instancesOf(config);
  // one round trip reads the level, the servers and the process; the next makes this node ready
  const marks = await everywhere(ctx, instances, async (i) => claim(i, env, await readForClaim(i, env)));
  const record: ClaimRecord = {};
  instances.forEach((i, k) => (record[i.client.address.text] = marks[k]!));
  writeRecord(recordPath(ctx), record);
  ctx.log.info(`${env.node} holds the claim on ${config.writeBackends.join(' ')} (${instances.length} HAProxy instance${instances.length > 1 ? 's' : ''})`);
  return OCF.SUCCESS;
}

async function stop(ctx: Ctx): Promise<Outcome> {
  const config = configOf(ctx);
  const env: OpEnv = { config, node: await thisNode(ctx, config), deadline: ctx.deadline, log: ctx.log };
  await everywhere(ctx, instancesOf(config), async (i) => {
    try {
      await release(i, env);
    } catch (error) {
      // HAProxy not running sends nothing anywhere: there is no claim of ours to release
      if (error instanceof RuntimeApiError && error.unreachable) ctx.log.warn(`${error.message}: nothing to release there`);
      else throw error;
    }
  });
  removeRecord(recordPath(ctx));
  return OCF.SUCCESS;
}

async function monitor(ctx: Ctx): Promise<Outcome> {
  const config = configOf(ctx);
  const env: OpEnv = { config, node: await thisNode(ctx, config), deadline: ctx.deadline, log: ctx.log };
  const instances = instancesOf(config);
  // a recurring monitor runs only where Pacemaker placed the claim: it may restore it
  const record = ctx.isProbe ? null : readRecord(recordPath(ctx));
  const results: CheckResult[] = await everywhere(ctx, instances, (i) => check(i, env, record?.[i.client.address.text]));
  // the backend/server first, the socket after (Pacemaker keeps 128 bytes of an exit reason)
  const on = (k: number): string => (instances.length > 1 ? ` (on ${instances[k]!.client.address.text})` : '');
  if (results.some((r) => r.mark) && record) {
    results.forEach((r, k) => r.mark && (record[instances[k]!.client.address.text] = r.mark));
    writeRecord(recordPath(ctx), record);
  }
  // a probe asks whether the claim is in force here: anything short of it is "not running"
  // (Pacemaker then starts it where it belongs, and that start sets every server right)
  const mismatch = ctx.isProbe ? -1 : results.findIndex((r) => r.verdict.kind === 'mismatch');
  if (mismatch >= 0) return { code: OCF.ERR_GENERIC, reason: describe(results[mismatch]!.verdict) + on(mismatch) };
  const out = results.findIndex((r) => r.verdict.kind !== 'held');
  if (out >= 0) {
    ctx.log[ctx.isProbe ? 'debug' : 'info'](`not held here: ${describe(results[out]!.verdict)}${on(out)}`);
    return { code: OCF.NOT_RUNNING, reason: describe(results[out]!.verdict) + on(out) };
  }
  return OCF.SUCCESS;
}

const haproxyRetarget = defineAgent({
  name: 'haproxy-retarget',
  version: '0.1.0',
  shortdesc: 'HAProxy sends clients to the active node (runtime API, no reload)',
  longdesc: `Makes HAProxy send the traffic of the given backends to the node where this resource runs, through
HAProxy's runtime API (stats socket, level admin), without a reload and without touching HAProxy's other
traffic. Colocate it with the Promoted instance of a DRBD (or other promotable) clone. start makes this node's
server ready and the other servers drain, then go to maintenance; stop releases this node's claim only if it
still holds it; monitor reports success only when HAProxy's live state shows the claim (this node's server
ready, and UP where checked, the others out), not running when another node or none holds it, and an error
naming the backend and server otherwise. A recurring monitor re-asserts the claim when HAProxy was reloaded or
restarted and lost it.`,
  parameters,
  // no node-local lock: the writers that matter act from different nodes on one HAProxy, and
  // the claim protocol (retarget.ts) orders them there; a lock cost start a child process (flock)
  actions: {
    start: { timeout: 30, run: start },
    stop: { timeout: 30, run: stop },
    monitor: { timeout: 20, interval: 10, run: monitor },
  },
  validate: async (ctx) => {
    const config = configOf(ctx);
    if (ctx.action !== 'validate-all' || ctx.checkLevel < 10) return;
    // level 10: this node's environment: every HAProxy answers at level admin and has what we need
    const node = await thisNode(ctx, config).catch((error: unknown) => {
      if (error instanceof OcfError && error.code === OCF.ERR_CONFIGURED) throw error;
      return undefined;
    });
    await everywhere(ctx, instancesOf(config), async (i) => {
      const r = await i.client.read(ctx.deadline, { level: true });
      requireAdmin(i, r.level);
      const servers = r.servers;
      if (node) planClaim(config, node, servers);
      else for (const b of [...config.writeBackends, ...config.readBackends]) if (!servers.some((s) => s.backend === b)) throw new ClaimConfigError(`backend '${b}' does not exist in HAProxy (or has no server)`);
    });
  },
});

export default haproxyRetarget;
