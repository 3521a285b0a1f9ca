/**
 * `npm run bench`: every benchmark of ocfkit, printed as Markdown for the README.
 * `npm run bench -- start-up` runs only the sections whose title contains the words given.
 * The failover benchmark runs real clusters for minutes and is separate: `npm run bench:failover`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runMemoryShape } from './memory-shape.ts';
import { runStartupBench } from './startup.ts';
import { runDrbdBench } from './drbd.ts';
import { runAlertBench } from './alert.ts';

const ROOT = join(import.meta.dirname, '..');

/** A benchmark that lives in its own script (a workspace package's, say), run as a child. */
function script(path: string, nodeArgs: string[] = []): () => Promise<string> {
  return async () => {
    const r = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', join(ROOT, path)], { encoding: 'utf8', cwd: ROOT });
    if (r.status !== 0) throw new Error(`${path} failed: ${r.stderr}`);
    return r.stdout.trim();
  };
}

const sections: [string, () => Promise<string>][] = [
  ['Agent start-up', () => runStartupBench()],
  ['Memory of the two executable forms', () => runMemoryShape()],
  ['DRBD status parsing', script('packages/drbd-status-parser/bench/parse.ts')],
  ['Cluster state parsing', script('bench/cluster.ts', ['--expose-gc'])],
  ['DRBD agent: ocf:ocfkit:drbd vs ocf:linbit:drbd', () => runDrbdBench()],
  ['HAProxy retargeting', script('bench/haproxy.ts')],
  ['Alert agent per event', () => runAlertBench()],
  ['Application monitor: detection latency (lab)', script('bench/monitor.ts')],
];

const only = process.argv.slice(2);
for (const [title, run] of sections) {
  if (only.length > 0 && !only.some((o) => title.toLowerCase().includes(o.toLowerCase()))) continue;
  console.log(`\n## ${title}\n`);
  console.log(await run());
}
