/**
 * ocf:ocfkit:services — start a list of services on the node where it runs, in order, and stop
 * them in reverse. Colocate it with the Promoted DRBD instance so that RabbitMQ, a scheduler
 * and a database run on the active node only; every step's progress goes to a status file.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { defineAgent, misconfigured, notInstalled, OCF, type OcfContext, type Outcome, type Params } from '../lib/ocf/index.ts';
import type { BackendEnv } from '../lib/services/backend.ts';
import { commandBackend } from '../lib/services/command-backend.ts';
import { findProgram } from '../lib/services/resolve.ts';
import { parseServices, ServiceSpecError, type ServiceDef } from '../lib/services/spec.ts';
import { monitorAll, startAll, stopAll, type ActionResult, type StepsEnv } from '../lib/services/steps.ts';
import { systemdBackend } from '../lib/services/systemd-backend.ts';
import type { Summary } from '../lib/services/verdict.ts';

const parameters = {
  services: {
    type: 'string',
    required: true,
    shortdesc: 'Services to run, in start order',
    longdesc: `The services this resource runs, started in this order and stopped in reverse.
Either a space-separated list of systemd units (e.g. "rabbitmq-server postgresql@15-main"), or a JSON
array of objects for finer control or machines without systemd. Each object has a "name" and exactly
one of "unit" (a systemd unit) or "command" (an argument vector, never a shell line). A command is
started in its own session and supervised through a pid file, unless "pidfile" is given: then the
command is expected to daemonize and write that pid file. Optional fields: "check" (an argument vector
whose exit 0 means ready and healthy; used while starting and at every monitor), "stop" (an argument
vector used instead of SIGTERM), "env" (object), "cwd", "start_timeout" and "stop_timeout" (e.g. "90s").`,
  },
  start_timeout: {
    type: 'time',
    default: '60s',
    shortdesc: 'Default time one service may take to start',
    longdesc: 'How long one service may take to become ready, unless it sets its own start_timeout. The start operation timeout bounds all services together.',
  },
  stop_timeout: {
    type: 'time',
    default: '20s',
    shortdesc: 'Default time one service may take to stop before SIGKILL',
    longdesc: 'How long a service may take to stop after SIGTERM (or its stop command) before its process group is killed, unless it sets its own stop_timeout.',
  },
  status_file: {
    type: 'string',
    shortdesc: 'Where each step’s progress is written',
    longdesc: 'A JSON file rewritten atomically at every step (pending, starting, started with time taken, stopping, stopped, failed with reason). Default: $HA_RSCTMP/ocfkit-services-<resource>.json (HA_RSCTMP is /run/resource-agents).',
  },
  log_dir: {
    type: 'string',
    default: '/var/log/ocfkit',
    shortdesc: 'Where command services write their output',
    longdesc: 'Directory for <name>.log, the stdout and stderr of services started from a command.',
  },
} as const;

type P = Params<typeof parameters>;

function servicesOf(ctx: OcfContext<P>): ServiceDef[] {
  try {
    return parseServices(ctx.params.services);
  } catch (error) {
    if (error instanceof ServiceSpecError) throw misconfigured(`parameter 'services': ${error.message}`);
    throw error;
  }
}

function stepsEnv(ctx: OcfContext<P>): StepsEnv {
  const backendEnv: BackendEnv = {
    exec: ctx.exec,
    log: ctx.log,
    stateDir: join(ctx.paths.rscTmp, `ocfkit-services-${ctx.instance}`),
    logDir: ctx.params.log_dir,
    path: ctx.paths.searchPath,
  };
  const command = commandBackend(backendEnv);
  const systemd = systemdBackend(backendEnv);
  return {
    defs: servicesOf(ctx),
    backendFor: (def) => (def.kind === 'systemd' ? systemd : command),
    deadline: ctx.deadline,
    log: ctx.log,
    statusFile: ctx.params.status_file ?? join(ctx.paths.rscTmp, `ocfkit-services-${ctx.instance}.json`),
    resource: ctx.instance,
    node: ctx.meta.onNode ?? hostname(),
    defaultStartTimeoutMs: ctx.params.start_timeout,
    defaultStopTimeoutMs: ctx.params.stop_timeout,
  };
}

/** What the services' state means to Pacemaker. */
function monitorCode(summary: Summary): Outcome {
  switch (summary.state) {
    case 'running':
      return OCF.SUCCESS;
    case 'stopped':
      return OCF.NOT_RUNNING;
    case 'unavailable':
      return { code: OCF.ERR_INSTALLED, reason: summary.reason };
    case 'failed':
      return { code: OCF.ERR_GENERIC, reason: summary.reason };
  }
}

function actionCode(result: ActionResult): Outcome {
  if (result.ok) return OCF.SUCCESS;
  return { code: result.notInstalled ? OCF.ERR_INSTALLED : OCF.ERR_GENERIC, reason: result.reason };
}

/** The stop operation shares its time among the services; say so when their stop_timeouts add up to more. */
function warnStopBudget(ctx: OcfContext<P>, defs: ServiceDef[], stopTimeoutMs: number): void {
  const total = defs.reduce((sum, d) => sum + (d.stopTimeoutMs ?? ctx.params.stop_timeout), 0);
  if (total > stopTimeoutMs) {
    ctx.log.warn(
      `the services' stop_timeout values add up to ${total / 1000} s, more than the stop operation's ${stopTimeoutMs / 1000} s: ` +
        'stop will share its time, and services get less than their stop_timeout',
    );
  }
}

const STOP_ADVERTISED_S = 120;

const servicesAgent = defineAgent({
  name: 'services',
  version: '0.1.0',
  shortdesc: 'Starts services in order on the active node',
  longdesc: `Starts a list of services on the node where it runs, in order, and stops them in reverse. Meant to
be colocated with the Promoted instance of a DRBD (or other promotable) resource so that the
application's services run on the active node only. monitor checks every service and names the one
that failed; every step's state is written to a status file the ocfkit CLI reads.`,
  parameters,
  exclusive: ['start', 'stop'],
  actions: {
    start: { timeout: 120, run: async (ctx) => actionCode(await startAll(stepsEnv(ctx))) },
    stop: {
      timeout: STOP_ADVERTISED_S,
      run: async (ctx) => {
        const env = stepsEnv(ctx);
        warnStopBudget(ctx, env.defs, ctx.meta.timeoutMs ?? STOP_ADVERTISED_S * 1000);
        return actionCode(await stopAll(env));
      },
    },
    monitor: { timeout: 30, interval: 10, run: async (ctx) => monitorCode(await monitorAll(stepsEnv(ctx))) },
  },
  validate: (ctx) => {
    const defs = servicesOf(ctx);
    if (ctx.action === 'validate-all') warnStopBudget(ctx, defs, STOP_ADVERTISED_S * 1000);
    // validate-all at OCF_CHECK_LEVEL 0 judges the parameters alone; at 10, and before every
    // other action, the programs must exist on this node too
    if (ctx.action === 'validate-all' && ctx.checkLevel < 10) return;
    for (const def of defs) {
      const programs = def.kind === 'systemd' ? [['systemctl'], def.check] : [def.command, def.check, def.stop];
      for (const argv of programs) {
        if (argv && !findProgram(argv[0]!, ctx.paths.searchPath)) {
          throw notInstalled(`program '${argv[0]}' of service '${def.name}' is not installed`);
        }
      }
    }
  },
});

export default servicesAgent;
