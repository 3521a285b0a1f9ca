/**
 * The monitor's worker thread: runs the Poller, posts small MonitorFacts to the application's
 * thread. A 40 MB crm_mon is read and parsed here, never on the application's event loop.
 * Built separately into dist/cli/monitor-worker.mjs for the bundled CLI (scripts/build.mjs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Poller } from './poller.ts';
import type { ToWorker, WorkerConfig } from './types.ts';

if (parentPort) {
  const port = parentPort;
  const config = (workerData as { config: WorkerConfig }).config;
  const poller = new Poller(config, { post: (m) => port.postMessage(m) });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'poll-now') poller.pollNow();
    else if (m.type === 'stop') {
      poller.stop();
      port.close();
    }
  });
  poller.start();
}
