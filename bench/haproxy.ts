/**
 * haproxy-retarget against a real HAProxy 2.6 on loopback (two node:http backends):
 * - start → serving: from spawning `start` on the other node until a request through HAProxy is
 *   answered by that node, next to the agent's bare start-up (`meta-data`) and `node -e 0`;
 * - monitor wall time next to `node -e 0`;
 * - one runtime API round trip (`show servers state`) with the client next to the same command
 *   through socat.
 * Rounds alternate; medians. Agents run as Pacemaker runs them (clean environment).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { nodeEnv, runAgent } from '../test/haproxy/agent-run.ts';
import { deadline, get, startBackend, startHaproxy, twoNodeConfig, until } from '../test/haproxy/real.ts';
import { fmt, median, table } from './stats.ts';

const ROOT = join(import.meta.dirname, '..');
const CLEAN_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

function timed(argv: string[], input?: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn('/usr/bin/env', ['-i', `PATH=${CLEAN_PATH}`, ...argv], { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'] });
  if (input !== undefined) child.stdin!.end(input);
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 || code === 7 ? resolve(performance.now() - t0) : reject(new Error(`${argv.join(' ')}: exit ${code}`)))),
  );
}

export async function runHaproxyBench(rounds = Number(process.env.BENCH_RUNS ?? 15)): Promise<string> {
  const b1 = await startBackend('node1');
  const b2 = await startBackend('node2');
  const h = await startHaproxy(twoNodeConfig([b1, b2]));
  try {
    await until(async () => (await h.client.showServersState(deadline())).every((s) => s.opState === 'running'), 10_000, 'UP');
    const agent = join(ROOT, 'dist', 'resource.d', 'ocfkit', 'haproxy-retarget');
    const p = { socket: h.admin, backends: 'be_app', drain_timeout: '0' };
    const nodes = [nodeEnv('node1'), nodeEnv('node2')];
    if ((await runAgent('start', p, nodes[1]!)).code !== 0) throw new Error('start failed');
    const serve: number[] = [];
    const startTotal: number[] = [];
    const monitor: number[] = [];
    const bare: number[] = [];
    const metadata: number[] = [];
    const client: number[] = [];
    const socat: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const to = nodes[i % 2]!;
      // start → serving
      const t0 = performance.now();
      const started = runAgent('start', p, to);
      let servedAt = 0;
      while (performance.now() - t0 < 10_000) {
        const r = await get(h.frontend).catch(() => null);
        if (r?.body === to.node) {
          servedAt = performance.now() - t0;
          break;
        }
      }
      const s = await started;
      if (s.code !== 0 || !servedAt) throw new Error(`start on ${to.node}: ${s.code} ${s.stderr}`);
      serve.push(servedAt);
      startTotal.push(s.ms);
      // monitor and references, order alternating
      const jobs: [number[], () => Promise<number>][] = [
        [monitor, async () => (await runAgent('monitor', p, to, { interval: 10_000 })).ms],
        [bare, () => timed(['/usr/bin/node', '-e', '0'])],
        [metadata, () => timed([agent, 'meta-data'])],
        [socat, () => timed(['socat', '-', `UNIX-CONNECT:${h.admin}`], 'show servers state\n')],
        [
          client,
          async () => {
            const t = performance.now();
            await h.client.raw('show servers state', deadline());
            return performance.now() - t;
          },
        ],
      ];
      if (i % 2) jobs.reverse();
      for (const [into, job] of jobs) into.push(await job());
    }
    const m = (xs: number[]) => median(xs);
    return [
      `HAProxy 2.6 on loopback, two HTTP backends; ${rounds} rounds, medians (ms).`,
      '',
      table(
        ['measure', 'median ms', 'ratio'],
        [
          ['`node -e 0`', fmt(m(bare)), '1.00x'],
          ['agent start-up alone (`meta-data`)', fmt(m(metadata)), `${fmt(m(metadata) / m(bare), 2)}x`],
          ['`start` invoked → first request served by the new node', fmt(m(serve)), `start-up + ${fmt(m(serve) - m(metadata))} ms`],
          ['`start` total (claim read back, state recorded)', fmt(m(startTotal)), ''],
          ['`monitor` (recurring)', fmt(m(monitor)), `${fmt(m(monitor) / m(bare), 2)}x \`node -e 0\``],
          ['`show servers state`: the client (one connection)', fmt(m(client), 2), '1.00x'],
          ['`show servers state`: through `socat`', fmt(m(socat), 2), `${fmt(m(socat) / m(client), 1)}x`],
        ],
      ),
      '',
      'The "served" figure includes the polling request loop (each request a new TCP connection through HAProxy, ~1 ms).',
    ].join('\n');
  } finally {
    h.kill();
    await b1.close();
    await b2.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await runHaproxyBench());
