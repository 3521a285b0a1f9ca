/**
 * `npm run bench:failover [-- --runs N | --quick] [--tokens 1000,3000] [--json]` (issue 13,
 * Performance). For each corosync token, two labs up side by side, both with `fenceDelayMs: 0`
 * (a fence delay would add to the kills of the favoured node and hide what is measured):
 *   - `ocfkit-bench1`: Pacemaker's own floor, a Stateful promotable clone + Dummy colocated;
 *   - `ocfkit-bench2`: the full ocfkit stack (DRBD simulator, Filesystem, VIP, HAProxy retarget,
 *     services mq → sched → db) from the rendered CIB templates, a client loop on the VIP.
 * N hard kills of the active node, alternating floor and full (the order swaps every run), each
 * followed by the victim's rejoin. Median and spread (min-max) of corosync detection, fencing,
 * each step, and end to end (floor: Dummy started; full: a client request through VIP → HAProxy
 * answered by the new active), from the cluster's own timestamps (lib/lab/timeline.ts,
 * failover-full.ts). Then, with the first token only, on the full lab: graceful switchovers
 * (`pcs node standby <active>`) measured until the client is answered by the other node, with
 * where the time goes (the alert logs), and `ocfkit status` vs `crm_mon -1` vs `pcs status`
 * wall time inside a node (bench/status-timer.mjs, rounds rotating the order).
 * `--quick`: 2 runs, token 1000 only. Needs root and `npm run build`. Labs are down at the end.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createLogger } from '../lib/log/logger.ts';
import { labUp, labDown, applyStack, waitSettled, hardKillFailover, rejoin, hardKillFullFailover, rejoinFull, waitStackRunning, outages, type Lab, type FailoverTimeline, type FullFailoverTimeline, type StackOptions } from '../lib/lab/index.ts';
import { stats, fmtS, gracefulSwitchover, switchoverPhases, statusTiming, opsSince, type Stats, type SwitchOp, type SwitchoverResult, type StatusTiming } from './failover-full.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '5' },
    quick: { type: 'boolean', default: false },
    tokens: { type: 'string' },
    switchovers: { type: 'string' },
    'status-rounds': { type: 'string' },
    floor: { type: 'string', default: 'ocfkit-bench1' },
    full: { type: 'string', default: 'ocfkit-bench2' },
    json: { type: 'boolean', default: false },
    // An experiment on the bench lab only (the templates are not changed): the DRBD clone without
    // notifications (`notify=false` + the agent's `ignore_missing_notifications=true`).
    'drbd-notify': { type: 'string', default: 'true' },
  },
});
const drbdNotify = values['drbd-notify'] !== 'false';
const runs = values.quick ? 2 : Number(values.runs);
const tokens = (values.tokens ?? (values.quick ? '1000' : '1000,3000')).split(',').map(Number);
const switchovers = Number(values.switchovers ?? runs);
const statusRounds = Number(values['status-rounds'] ?? (values.quick ? 6 : 10));
if (![runs, switchovers, statusRounds].every((x) => Number.isInteger(x) && x >= 0) || runs < 1 || tokens.some((x) => !Number.isInteger(x) || x < 200)) {
  process.stderr.write('usage: bench/failover.ts [--runs N | --quick] [--tokens 1000,3000] [--switchovers N] [--status-rounds N] [--json]\n');
  process.exit(2);
}
const log = createLogger({ name: 'bench:failover', level: (process.env.OCFKIT_LOG_LEVEL as 'info') ?? 'warn' });
const say = (line: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const load = (): number => Math.round(loadavg()[0]! * 10) / 10;

interface FullRun {
  timeline: FullFailoverTimeline;
  /** The survivor's completed operations after the kill (not monitors), ms after the kill (lab alert log). */
  ops: SwitchOp[];
  /** Client outage around the kill (ms): last answer before → first answer after. */
  outageMs: number | null;
  rejoinMs: number;
}

interface TokenResult {
  token: number;
  floorUpMs: number;
  fullUpMs: number;
  floor: FailoverTimeline[];
  full: FullRun[];
  errors: string[];
  loads: number[];
  switchovers: SwitchoverResult[];
  status: StatusTiming | null;
}

const results: TokenResult[] = [];
const started = new Date();
const loadsAll: number[] = [load()];
process.on('SIGINT', () => {
  void Promise.allSettled([labDown(values.floor!, { log }), labDown(values.full!, { log })]).finally(() => process.exit(130));
});

const FLOOR_STACK: StackOptions = { services: null, preferPromoted: null };

async function floorRun(lab: Lab, r: TokenResult, i: number): Promise<void> {
  r.loads.push(load());
  const tl = await hardKillFailover(lab, FLOOR_STACK);
  r.floor.push(tl);
  say(`token ${r.token} run ${i}/${runs} floor: ${tl.victim}${tl.victimWasDc ? ' (DC)' : ''} killed; membership ${tl.membershipMs}, fenced ${tl.fencedMs}, promoted ${tl.promotedMs}, Dummy ${tl.endMs} ms`);
  await rejoin(lab, tl.victim, FLOOR_STACK);
}

async function fullRun(lab: Lab, r: TokenResult, i: number): Promise<void> {
  r.loads.push(load());
  const client = lab.client({ intervalMs: 50, timeoutMs: 250 });
  let tl: FullFailoverTimeline;
  try {
    tl = await hardKillFullFailover(lab, { client });
    await sleep(300);
  } finally {
    await client.stop();
  }
  const gaps = outages(client.samples.filter((s) => s.at >= tl.killedAt - 500));
  const outageMs = gaps.some((g) => g.ms === null) ? null : gaps.reduce((sum, g) => sum + g.ms!, 0);
  const ops = opsSince(lab, tl.survivor, 'new', tl.killedAt);
  const at = (k: string): string => String(tl.steps.find((s) => s.key === k)?.atMs ?? '–');
  say(`token ${r.token} run ${i}/${runs} full: ${tl.victim}${tl.victimWasDc ? ' (DC)' : ''} killed; membership ${at('membership')}, fenced ${at('fenced')}, promote ${at('promote')}, mount ${at('mount')}, vip ${at('vip')}, haproxy ${at('haproxy')}, db ${at('service:db')}, client ${tl.totalMs} ms`);
  const rejoinMs = await rejoinFull(lab, tl.victim);
  r.full.push({ timeline: tl, ops, outageMs, rejoinMs });
}

for (const [ti, token] of tokens.entries()) {
  const r: TokenResult = { token, floorUpMs: 0, fullUpMs: 0, floor: [], full: [], errors: [], loads: [], switchovers: [], status: null };
  results.push(r);
  await labDown(values.floor!, { log });
  await labDown(values.full!, { log });
  let floorLab: Lab | null = null;
  let fullLab: Lab | null = null;
  try {
    let t0 = Date.now();
    floorLab = await labUp({ name: values.floor, nodes: 2, token, stonith: true, fenceDelayMs: 0, log, timeoutMs: 180_000 });
    await applyStack(floorLab, FLOOR_STACK);
    await waitSettled(floorLab, FLOOR_STACK);
    r.floorUpMs = Date.now() - t0;
    t0 = Date.now();
    fullLab = await labUp({ name: values.full, nodes: 2, stack: 'full', token, stonith: true, fenceDelayMs: 0, log, timeoutMs: 240_000 });
    await waitStackRunning(fullLab, { timeoutMs: 120_000, standbyOn: fullLab.nodes.filter((n) => n !== 'node1') });
    if (!drbdNotify) {
      for (const argv of [['pcs', 'resource', 'update', 'drbd-data', 'ignore_missing_notifications=true'], ['pcs', 'resource', 'meta', 'drbd-data-clone', 'notify=false']]) {
        const x = await fullLab.exec('node1', argv, { timeoutMs: 30_000 });
        if (x.failed) throw new Error(`${argv.join(' ')}: ${x.stderr.trim()}`);
      }
      await sleep(3000);
      await waitStackRunning(fullLab, { timeoutMs: 120_000, standbyOn: fullLab.nodes.filter((n) => n !== 'node1') });
      say('experiment: drbd-data-clone notify=false, drbd-data ignore_missing_notifications=true (bench lab only)');
    }
    r.fullUpMs = Date.now() - t0;
    say(`token ${token}: floor lab up ${(r.floorUpMs / 1000).toFixed(1)} s, full lab up ${(r.fullUpMs / 1000).toFixed(1)} s (load ${load()})`);
    for (let i = 1; i <= runs; i++) {
      const order: Array<'floor' | 'full'> = i % 2 ? ['floor', 'full'] : ['full', 'floor'];
      for (const which of order) {
        try {
          if (which === 'floor') await floorRun(floorLab, r, i);
          else await fullRun(fullLab, r, i);
        } catch (e) {
          const msg = `token ${token} run ${i} ${which}: ${(e as Error).message}`;
          r.errors.push(msg);
          say(`ERROR ${msg}`);
          throw e;
        }
        // Let the rejoined node's probes and monitors settle before the next kill.
        await sleep(1000);
      }
    }
    if (ti === 0) {
      const client = fullLab.client({ intervalMs: 50, timeoutMs: 250 });
      try {
        for (let i = 1; i <= switchovers; i++) {
          loadsAll.push(load());
          const s = await gracefulSwitchover(fullLab, client);
          r.switchovers.push(s);
          say(`switchover ${i}/${switchovers}: standby ${s.from} → ${s.to} answers after ${Math.round(s.totalMs ?? NaN)} ms, outage ${s.outageMs} ms (${s.gaps} gap(s)), pcs returned ${s.pcsMs} ms, unstandby settled ${s.unstandbyMs} ms`);
          await sleep(1000);
        }
      } finally {
        await client.stop();
      }
      if (statusRounds > 0) {
        const p = await waitStackRunning(fullLab, { timeoutMs: 60_000 });
        loadsAll.push(load());
        r.status = await statusTiming(fullLab, p.active, statusRounds);
        loadsAll.push(load());
        say(`status timing on ${p.active}: ${Object.entries(r.status.ms).map(([k, v]) => `${k} ${stats(v)?.median} ms`).join(', ')}`);
      }
    }
  } catch (e) {
    if (!r.errors.length) r.errors.push(`token ${token}: ${(e as Error).message}`);
    say(`ERROR token ${token}: ${(e as Error).message}`);
  } finally {
    loadsAll.push(...r.loads, load());
    for (const lab of [floorLab, fullLab]) if (lab) await lab.down().catch((e: Error) => say(`down ${lab.name}: ${e.message}`));
    await labDown(values.floor!, { log });
    await labDown(values.full!, { log });
  }
}

// ---- report ---------------------------------------------------------------------------------

const STEP_LABEL: Record<string, string> = {
  membership: 'corosync membership change (detection)',
  'node-lost': 'Pacemaker: node lost',
  fenced: 'fencing confirmed',
  promote: 'promote (Stateful / DRBD r0)',
  mount: 'mount /srv/data (Filesystem)',
  vip: 'VIP (IPaddr2)',
  haproxy: 'HAProxy retargeted',
};
const stepAt = (r: TokenResult, key: string): Stats | null => stats(r.full.map((f) => f.timeline.steps.find((s) => s.key === key)?.atMs));
const stepTook = (r: TokenResult, key: string): Stats | null => stats(r.full.map((f) => f.timeline.steps.find((s) => s.key === key)?.durationMs));
const floorEnd = (r: TokenResult): Stats | null => stats(r.floor.map((t) => t.endMs));
const fullEnd = (r: TokenResult): Stats | null => stats(r.full.map((f) => f.timeline.totalMs));
const lastService = (f: FullRun): number | null => {
  const s = f.timeline.steps.filter((x) => x.key.startsWith('service'));
  return s.length && s.every((x) => x.atMs !== null) ? Math.max(...s.map((x) => x.atMs!)) : null;
};
const serviceKeys = (r: TokenResult): string[] => [...new Set(r.full.flatMap((f) => f.timeline.steps.map((s) => s.key).filter((k) => k.startsWith('service'))))];

function tables(): string[] {
  const L: string[] = [];
  const range = (xs: number[]): string => (xs.length ? `${Math.min(...xs)}-${Math.max(...xs)}` : '?');
  L.push(`bench:failover ${started.toISOString().slice(0, 16)}Z, ${runs} run(s) per token and stack, fenceDelayMs 0 on both labs${drbdNotify ? '' : ', EXPERIMENT: DRBD clone notify=false'}; 1-min load average ${range(loadsAll)} during the run`);
  for (const r of results) {
    L.push('');
    L.push(`### Hard kill, token ${r.token} ms (${r.floor.length} floor + ${r.full.length} full run(s), alternating; load ${range(r.loads)}; lab up: floor ${(r.floorUpMs / 1000).toFixed(1)} s, full ${(r.fullUpMs / 1000).toFixed(1)} s)`);
    L.push('');
    L.push('Seconds after the kill, median (min-max); "took" = from the previous step (a service: its own start).');
    L.push('');
    L.push('| phase | floor: Stateful + Dummy | full stack: at | full stack: took |');
    L.push('| --- | --- | --- | --- |');
    const fl = (f: (t: FailoverTimeline) => number | null): string => fmtS(stats(r.floor.map(f)), r.floor.length);
    const floorCol: Record<string, string> = {
      membership: fl((t) => t.membershipMs),
      'node-lost': fl((t) => t.nodeLostMs),
      fenced: fl((t) => t.fencedMs),
      promote: fl((t) => t.promotedMs),
    };
    for (const key of Object.keys(STEP_LABEL)) L.push(`| ${STEP_LABEL[key]} | ${floorCol[key] ?? '–'} | ${fmtS(stepAt(r, key), r.full.length)} | ${key === 'membership' ? '' : fmtS(stepTook(r, key), r.full.length)} |`);
    for (const key of serviceKeys(r)) L.push(`| ${key.replace(':', ' ')} started | – | ${fmtS(stepAt(r, key), r.full.length)} | ${fmtS(stepTook(r, key), r.full.length)} |`);
    L.push(`| last resource started (floor: Dummy; full: last service) | ${fmtS(floorEnd(r), r.floor.length)} | ${fmtS(stats(r.full.map(lastService)), r.full.length)} | |`);
    L.push(`| **end to end** (floor: Dummy started; full: client answered by the new active) | **${fmtS(floorEnd(r), r.floor.length)}** | **${fmtS(fullEnd(r), r.full.length)}** | ${fmtS(stepTook(r, 'client'), r.full.length)} |`);
    L.push(`| client outage (last answer before → first after) | | ${fmtS(stats(r.full.map((f) => f.outageMs)), r.full.length)} | |`);
    L.push(`| rejoin of the victim as standby | | ${fmtS(stats(r.full.map((f) => f.rejoinMs)), r.full.length)} | |`);
    if (r.full.length) {
      L.push('');
      L.push('Full stack, where the time goes on the survivor (operations completed, not monitors; s after the kill; lab alert log):');
      L.push('');
      L.push('| operation | at, median (min-max) | per run |');
      L.push('| --- | --- | --- |');
      for (const p of switchoverPhases(r.full.map((f) => ({ ops: f.ops })))) L.push(`| ${p.key.replace(/^new /, '')} | ${fmtS(p.at, r.full.length)} | ${p.count.median === 1 ? '' : `${p.count.median}x`} |`);
    }
    const dc = (xs: Array<boolean | null>): string => `${xs.filter((x) => x === true).length}/${xs.length}`;
    L.push('');
    L.push(`Victim was the DC: floor ${dc(r.floor.map((t) => t.victimWasDc))}, full ${dc(r.full.map((f) => f.timeline.victimWasDc))}.`);
    if (r.errors.length) L.push(`Errors: ${r.errors.join('; ')}`);
  }
  const first = results[0];
  if (first && first.switchovers.length) {
    const sw = first.switchovers;
    L.push('');
    L.push(`### Graceful switchover (\`pcs node standby <active>\`), full stack, token ${first.token} ms, ${sw.length} run(s), alternating direction`);
    L.push('');
    L.push('| measure | median (min-max) s |');
    L.push('| --- | --- |');
    L.push(`| \`pcs node standby\` returned | ${fmtS(stats(sw.map((s) => s.pcsMs)))} |`);
    L.push(`| **end to end: standby → client answered by the other node** | **${fmtS(stats(sw.map((s) => s.totalMs)))}** |`);
    L.push(`| client outage (gaps summed) | ${fmtS(stats(sw.map((s) => s.outageMs)))} |`);
    L.push(`| unstandby → old node standby again | ${fmtS(stats(sw.map((s) => s.unstandbyMs)))} |`);
    L.push('');
    L.push('Where the time goes (operations completed, s after `pcs node standby`, alert logs of both nodes; old = node put in standby):');
    L.push('');
    L.push('| operation | at, median (min-max) | per run |');
    L.push('| --- | --- | --- |');
    for (const p of switchoverPhases(sw)) L.push(`| ${p.key} | ${fmtS(p.at, sw.length)} | ${p.count.median === 1 ? '' : `${p.count.median}x`} |`);
    const svc = (pick: (s: SwitchoverResult) => Record<string, number | null>): string =>
      [...new Set(sw.flatMap((s) => Object.keys(pick(s))))].map((k) => `${k} ${fmtS(stats(sw.map((s) => pick(s)[k])))}`).join(', ');
    L.push('');
    L.push(`Services (status files): stop on the old node ${svc((s) => s.serviceStops) || '–'}; start on the new node ${svc((s) => s.serviceStarts) || '–'}.`);
  }
  if (first?.status) {
    const st = first.status;
    const med = (k: string): number | null => stats(st.ms[k] ?? [])?.median ?? null;
    const crm = med('crm_mon -1');
    const pcs = med('pcs status');
    L.push('');
    L.push(`### Status one shot inside the active node (${st.ms['crm_mon -1']?.length ?? 0} rounds, order rotating; bench/status-timer.mjs)`);
    L.push('');
    L.push('| command | median ms | min-max | vs crm_mon -1 | vs pcs status | failed |');
    L.push('| --- | --- | --- | --- | --- | --- |');
    for (const k of Object.keys(st.ms)) {
      const s = stats(st.ms[k]!);
      const m = s?.median ?? null;
      L.push(`| \`${k}\` | ${m?.toFixed(0) ?? '–'} | ${s ? `${s.min.toFixed(0)}-${s.max.toFixed(0)}` : '–'} | ${m !== null && crm ? `${(m / crm).toFixed(2)}x` : '–'} | ${m !== null && pcs ? `${(m / pcs).toFixed(2)}x` : '–'} | ${st.fails[k] ? `${st.fails[k]} (${st.errors[k]})` : '0'} |`);
    }
  }
  // Targets.
  L.push('');
  L.push('### Targets (issue 13)');
  L.push('');
  L.push('| target | measured | met |');
  L.push('| --- | --- | --- |');
  for (const r of results) {
    const f = floorEnd(r);
    const e = fullEnd(r);
    const ok = f && e ? e.median <= f.median + 500 : null;
    L.push(`| full stack ≤ floor + 0.5 s median, token ${r.token} | full ${e ? (e.median / 1000).toFixed(2) : '?'} s vs floor ${f ? (f.median / 1000).toFixed(2) : '?'} s (+${f && e ? ((e.median - f.median) / 1000).toFixed(2) : '?'} s) | ${ok === null ? 'not measured' : ok ? 'met' : '**not met**'} |`);
  }
  if (first?.switchovers.length) {
    const s = stats(first.switchovers.map((x) => x.totalMs));
    L.push(`| graceful switchover ≤ 1.5 s end to end | ${s ? (s.median / 1000).toFixed(2) : '?'} s median | ${s ? (s.median <= 1500 ? 'met' : '**not met**') : 'not measured'} |`);
  }
  if (first?.status) {
    const m = (k: string): number | null => stats(first.status!.ms[k] ?? [])?.median ?? null;
    const o = m('ocfkit status');
    const c = m('crm_mon -1');
    const p = m('pcs status');
    if (o !== null && c !== null) L.push(`| \`ocfkit status\` ≤ 1.5x \`crm_mon -1\` | ${(o / c).toFixed(2)}x | ${o <= 1.5 * c ? 'met' : '**not met**'} |`);
    if (o !== null && p !== null) L.push(`| \`ocfkit status\` faster than \`pcs status\` | ${(o / p).toFixed(2)}x | ${o < p ? 'met' : '**not met**'} |`);
  }
  return L;
}

if (values.json) {
  process.stdout.write(`${JSON.stringify({ started: started.toISOString(), runs, tokens, drbdNotify, loads: loadsAll, results }, null, 2)}\n`);
} else {
  process.stdout.write(`${tables().join('\n')}\n`);
}
if (results.some((r) => r.errors.length)) process.exitCode = 1;
