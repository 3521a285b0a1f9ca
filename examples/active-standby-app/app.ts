/**
 * The application of seed 002: its "monitoring thread sleeps until the node is Active", then it
 * starts its deferred work (here: a WebSocket server and a scheduler that writes to a file), and
 * stops that work as soon as the node is no longer active (demoted, standby, or unknown).
 *
 *   node --import tsx examples/active-standby-app/app.ts
 *
 * Configuration (environment): APP_RESOURCE (default drbd-data-clone), APP_PORT (8080),
 * APP_HOST (0.0.0.0), APP_WORK_FILE (/var/lib/osc-app/schedule.log), APP_EVERY_MS (1000),
 * APP_POLL_MS (2000), APP_NODE (default: crm_node -n), APP_SOCKET (default /run/ocfkit/events.d/<pid>.sock), LOG_LEVEL.
 */
import { hostname } from 'node:os';
import { pino } from 'pino';
import { ClusterMonitor, REDACT_PATHS, type RoleChange } from '../../lib/monitor/index.ts';
import { startScheduler, type Scheduler } from './scheduler.ts';
import { startWebSocketServer, type WsServer } from './websocket.ts';

const env = process.env;
const log = pino({ name: 'active-standby-app', level: env.LOG_LEVEL ?? 'info', redact: REDACT_PATHS }, pino.destination({ fd: 1, sync: false }));
const node = hostname();

const monitor = new ClusterMonitor({
  resource: env.APP_RESOURCE ?? 'drbd-data-clone',
  node: env.APP_NODE || undefined, // default: crm_node -n
  pollIntervalMs: Number(env.APP_POLL_MS ?? 2000),
  socketPath: env.APP_SOCKET || undefined,
  logger: log,
});

interface Work {
  ws: WsServer;
  scheduler: Scheduler;
}

async function startWork(): Promise<Work> {
  const ws = await startWebSocketServer(Number(env.APP_PORT ?? 8080), env.APP_HOST ?? '0.0.0.0');
  const scheduler = startScheduler(env.APP_WORK_FILE ?? '/var/lib/osc-app/schedule.log', Number(env.APP_EVERY_MS ?? 1000), node, (n) => ws.broadcast(JSON.stringify({ node, run: n })));
  log.info({ port: ws.port }, 'work started');
  return { ws, scheduler };
}

async function stopWork(work: Work, why: string): Promise<void> {
  await work.scheduler.stop();
  await work.ws.close();
  log.info({ why, runs: work.scheduler.runs }, 'work stopped');
}

/** Resolves with the change that made this node stop being active. */
function noLongerActive(signal: AbortSignal): Promise<RoleChange | null> {
  return new Promise((resolve) => {
    const onRole = (c: RoleChange): void => {
      if (c.role === 'active') return;
      monitor.off('role', onRole);
      resolve(c);
    };
    monitor.on('role', onRole);
    signal.addEventListener('abort', () => {
      monitor.off('role', onRole);
      resolve(null);
    }, { once: true });
  });
}

const stopping = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stopping.abort(new Error(sig)));

log.info({ node, resource: monitor.resource }, 'waiting until this node is active');
while (!stopping.signal.aborted) {
  try {
    await monitor.waitUntilActive(stopping.signal);
  } catch {
    break; // stopping
  }
  const left = noLongerActive(stopping.signal); // listening before the work starts: no change is missed
  const work = await startWork();
  const change = await left;
  await stopWork(work, change ? `${change.role}: ${change.reason}` : 'shutting down');
}
await monitor.close();
log.info({}, 'bye');
log.flush();
