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
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { nodeEnv, runAgent } from '../test/haproxy/agent-run.ts';
import { deadline, get, startBackend, startHaproxy, twoNodeConfig, until } from '../test/haproxy/real.ts';
import { fmt, median, runAlternating, table } from './stats.ts';

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
    const routed: number[] = [];
    // HAProxy says on stderr the moment a server goes back into production
    // ("Server be_app/node1 is UP/READY (leaving forced maintenance)"): when it routes to it
    let readyAt: { node: string; at: number } | null = null;
    h.proc.stderr!.on('data', (c: Buffer) => {
      const now = performance.now();
      const m = /Server be_app\/(\S+) is UP\/READY \(leaving forced/.exec(c.toString());
      if (m && !readyAt) readyAt = { node: m[1]!, at: now };
    });
    const startTotal: number[] = [];
    let to = nodes[0]!;
    // each round first times a `start` on the round's node, then the references below
    const startToServing = async (i: number): Promise<void> => {
      to = nodes[i % 2]!;
      // start → serving: on even pairs of rounds HAProxy's own event (nothing else runs beside
      // the agent); on odd pairs the first request through HAProxy answered by the new node (a
      // request loop polling beside the agent, on the same cores)
      const poll = Math.floor(i / 2) % 2 === 1;
      readyAt = null;
      const t0 = performance.now();
      const started = runAgent('start', p, to);
      if (!poll) {
        const s = await started;
        const seen = readyAt as { node: string; at: number } | null;
        if (s.code !== 0 || seen?.node !== to.node) throw new Error(`start on ${to.node}: ${s.code} ${JSON.stringify(seen)} ${s.stderr}`);
        if ((await get(h.frontend)).body !== to.node) throw new Error(`start on ${to.node}: HAProxy does not serve it`);
        routed.push(seen.at - t0);
        startTotal.push(s.ms);
      }
      let servedAt = 0;
      while (poll && performance.now() - t0 < 10_000) {
        const r = await get(h.frontend).catch(() => null);
        if (r?.body === to.node) {
          servedAt = performance.now() - t0;
          break;
        }
      }
      if (poll) {
        const s = await started;
        if (s.code !== 0 || !servedAt) throw new Error(`start on ${to.node}: ${s.code} ${s.stderr}`);
        serve.push(servedAt);
      }
    };
    // monitor and references, the order reversed every other round
    const jobs: { label: string; run: () => Promise<number> }[] = [
      { label: 'monitor', run: async () => (await runAgent('monitor', p, to, { interval: 10_000 })).ms },
      { label: 'node -e 0', run: () => timed(['/usr/bin/node', '-e', '0']) },
      { label: 'meta-data', run: () => timed([agent, 'meta-data']) },
      { label: 'socat', run: () => timed(['socat', '-', `UNIX-CONNECT:${h.admin}`], 'show servers state\n') },
      {
        label: 'client',
        run: async () => {
          const t = performance.now();
          await h.client.raw('show servers state', deadline());
          return performance.now() - t;
        },
      },
    ];
    const ms = await runAlternating(jobs, rounds, (j) => j.run(), { order: 'reverse', beforeRound: startToServing });
    const [monitor, bare, metadata, socat, client] = jobs.map((j) => ms.get(j.label)!);
    const m = (xs: number[]) => median(xs);
    const load = loadavg().map((x) => x.toFixed(2)).join(' ');
    return [
      `HAProxy 2.6 on loopback, two HTTP backends; ${rounds} rounds, medians (ms); load average ${load} (1/5/15 min) at the end.`,
      '',
      table(
        ['measure', 'median ms', 'ratio'],
        [
          ['`node -e 0`', fmt(m(bare)), '1.00x'],
          ['agent start-up alone (`meta-data`)', fmt(m(metadata)), `${fmt(m(metadata) / m(bare), 2)}x`],
          ['`start` invoked → HAProxy puts the new node in production (its own event)', fmt(m(routed)), `start-up + ${fmt(m(routed) - m(metadata))} ms`],
          ['`start` invoked → first request served by the new node (polling beside it)', fmt(m(serve)), `start-up + ${fmt(m(serve) - m(metadata))} ms`],
          ['`start` total (claim read back, state recorded)', fmt(m(startTotal)), ''],
          ['`monitor` (recurring)', fmt(m(monitor)), `${fmt(m(monitor) / m(bare), 2)}x \`node -e 0\``],
          ['`show servers state`: the client (one connection)', fmt(m(client), 2), '1.00x'],
          ['`show servers state`: through `socat`', fmt(m(socat), 2), `${fmt(m(socat) / m(client), 1)}x`],
        ],
      ),
      '',
      `"Start-up" is the agent's \`meta-data\` run; HAProxy's event is timestamped when its stderr line reaches this process (${routed.length} rounds). The "served" figure (${serve.length} rounds) includes the polling loop: each request a new TCP connection through HAProxy to a backend in this process, on the same 2 cores as the agent.`,
    ].join('\n');
  } finally {
    h.kill();
    await b1.close();
    await b2.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await runHaproxyBench());
