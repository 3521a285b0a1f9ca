/**
 * `npm run bench:failover [-- --runs N --tokens 1000,3000 --services]`: N hard-kill failovers of
 * the Promoted node of the lab's reference stack (Stateful promotable + Dummy colocated), for
 * each corosync token, with the median and spread (min-max) of each phase, measured from the
 * cluster's own timestamps (see lib/lab/timeline.ts):
 *   membership  kill → the survivor's corosync forms a membership without the victim
 *   pacemaker   membership → promote done on the survivor (Pacemaker's part, fencing included)
 *   end         kill → the last colocated resource started on the survivor
 * plus lab up and down times. No fence delay in this lab (a delay would add to the kills of the
 * favoured node): this is the floor every ocfkit stack is compared against. Needs root.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../lib/log/logger.ts';
import { labUp, labDown, applyStack, waitSettled, hardKillFailover, rejoin, servicesAgentBuilt, DEMO_SERVICES, type FailoverTimeline, type StackOptions } from '../lib/lab/index.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '5' },
    tokens: { type: 'string', default: '1000,3000' },
    services: { type: 'boolean', default: false },
    name: { type: 'string', default: 'ocfkit-bench' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const tokens = values.tokens!.split(',').map(Number);
if (!Number.isInteger(runs) || runs < 1 || tokens.some((x) => !Number.isInteger(x) || x < 200)) {
  process.stderr.write('usage: bench/failover.ts [--runs N] [--tokens 1000,3000] [--services] [--json]\n');
  process.exit(2);
}
const log = createLogger({ name: 'bench:failover', level: (process.env.OCFKIT_LOG_LEVEL as 'info') ?? 'warn' });
const say = (line: string): void => void process.stderr.write(`${line}\n`);

interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

function stats(xs: (number | null)[]): Stats | null {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v[v.length - 1]!, n: v.length };
}

const fmt = (s: Stats | null): string => (s ? `${(s.median / 1000).toFixed(2)} s  (${(s.min / 1000).toFixed(2)}-${(s.max / 1000).toFixed(2)}, n=${s.n})` : '-');

interface TokenResult {
  token: number;
  upMs: number;
  downMs: number;
  timelines: FailoverTimeline[];
  membership: Stats | null;
  pacemaker: Stats | null;
  fenced: Stats | null;
  end: Stats | null;
}

const results: TokenResult[] = [];
process.on('SIGINT', () => {
  void labDown(values.name!, { log }).finally(() => process.exit(130));
});

for (const token of tokens) {
  await labDown(values.name!, { log });
  const t0 = Date.now();
  const lab = await labUp({ name: values.name, nodes: 2, token, stonith: true, fenceDelayMs: 0, log });
  const upMs = Date.now() - t0;
  const stack: StackOptions = { services: values.services && servicesAgentBuilt(lab) ? DEMO_SERVICES : null, preferPromoted: null };
  const timelines: FailoverTimeline[] = [];
  try {
    await applyStack(lab, stack);
    await waitSettled(lab, stack);
    for (let i = 1; i <= runs; i++) {
      const tl = await hardKillFailover(lab, stack);
      timelines.push(tl);
      say(`token ${token} run ${i}/${runs}: ${tl.victim}${tl.victimWasDc ? ' (DC)' : ''} killed; membership ${tl.membershipMs} ms, fenced ${tl.fencedMs} ms, promoted ${tl.promotedMs} ms, end ${tl.endMs} ms`);
      await rejoin(lab, tl.victim, stack);
      // Let the rejoined node's probes and monitors settle before the next kill.
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    const d = await lab.down();
    results.push({
      token,
      upMs,
      downMs: d.durationMs,
      timelines,
      membership: stats(timelines.map((x) => x.membershipMs)),
      pacemaker: stats(timelines.map((x) => x.pacemakerMs)),
      fenced: stats(timelines.map((x) => x.fencedMs)),
      end: stats(timelines.map((x) => x.endMs)),
    });
  }
}

if (values.json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  const out = (l: string): void => void process.stdout.write(`${l}\n`);
  out(`Hard-kill failover of the Promoted node, ${runs} run(s) per token (median (min-max)):`);
  for (const r of results) {
    out(`token ${r.token} ms   lab up ${(r.upMs / 1000).toFixed(2)} s, down ${(r.downMs / 1000).toFixed(2)} s`);
    out(`  corosync membership change after the kill   ${fmt(r.membership)}`);
    out(`  fencing confirmed after the kill            ${fmt(r.fenced)}`);
    out(`  Pacemaker's part (membership → promoted)     ${fmt(r.pacemaker)}`);
    out(`  end point (colocated resource started)       ${fmt(r.end)}`);
  }
}
