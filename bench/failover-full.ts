/**
 * Pieces of `npm run bench:failover` for the full stack (issue 13, Performance): the graceful
 * switchover measured end to end with where its time goes, `ocfkit status` vs `crm_mon -1` vs
 * `pcs status` timed inside a lab node, and the small statistics the tables print.
 */
import { fileURLToPath } from 'node:url';
import { readAlerts, waitStackRunning, outages, servicesStatus, FULL, type Lab, type ClientLoop } from '../lib/lab/index.ts';
import { outcome } from '../lib/exec/run.ts';

export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Median, min, max of the values that were measured (null: not seen); null when none were. */
export function stats(xs: readonly (number | null | undefined)[]): Stats | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v[v.length - 1]!, n: v.length };
}

/** `3.35 (2.33-3.89)` in seconds; `n=` when fewer values than runs. */
export function fmtS(s: Stats | null, runs?: number): string {
  if (!s) return '–';
  const n = runs !== undefined && s.n !== runs ? `, n=${s.n}` : '';
  return `${(s.median / 1000).toFixed(2)} (${(s.min / 1000).toFixed(2)}-${(s.max / 1000).toFixed(2)}${n})`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One resource operation during a switchover, ms after `pcs node standby`. */
export interface SwitchOp {
  /** `old` (the node put in standby) or `new` (the node taking over). */
  side: 'old' | 'new';
  rsc: string;
  task: string;
  atMs: number;
}

export interface SwitchoverResult {
  from: string;
  to: string;
  /** `pcs node standby` returned (ms after it was started). */
  pcsMs: number;
  /** End to end: `pcs node standby` started → first client answer from `to` (ms). */
  totalMs: number | null;
  /** Client outage: the gaps seen by the client loop, summed (ms; null: still out). */
  outageMs: number | null;
  gaps: number;
  /** Every non-monitor operation that succeeded on either node, in time order (lab alert logs). */
  ops: SwitchOp[];
  /** Each service's stop (old) and start (new) duration from the services status files (ms). */
  serviceStops: Record<string, number | null>;
  serviceStarts: Record<string, number | null>;
  /** unstandby → the old node is the standby again (ms). */
  unstandbyMs: number;
}

/**
 * `pcs node standby <active>` on the full stack, with a client loop running: waits for the other
 * node to run everything and answer the client, reads both nodes' alert logs and status files,
 * then `pcs node unstandby` and waits for the old node to be the standby again.
 */
export async function gracefulSwitchover(lab: Lab, client: ClientLoop, timeoutMs = 90_000): Promise<SwitchoverResult> {
  const before = await waitStackRunning(lab, { timeoutMs });
  const from = before.active;
  const to = lab.nodes.find((n) => n !== from)!;
  await client.answeredBy(from, { since: Date.now() - 500, timeoutMs: 15_000 });
  const since = Date.now();
  const r = await lab.exec(from, ['pcs', 'node', 'standby', from], { timeoutMs: 30_000, log: undefined });
  const pcsMs = Date.now() - since;
  if (r.failed) throw new Error(`pcs node standby ${from}: ${outcome(r)} ${r.stderr.trim()}`);
  const answer = await client.answeredBy(to, { since, timeoutMs });
  await waitStackRunning(lab, { from: to, activeOn: to, timeoutMs });
  await sleep(800); // the last alerts are written asynchronously; a few samples after the gap
  const gapList = outages(client.samples.filter((s) => s.at >= since - 200));
  const outageMs = gapList.some((g) => g.ms === null) ? null : gapList.reduce((sum, g) => sum + g.ms!, 0);
  const ops = [...opsSince(lab, from, 'old', since), ...opsSince(lab, to, 'new', since)].sort((a, b) => a.atMs - b.atMs);
  const serviceSteps = (node: string, state: string): Record<string, number | null> => {
    const s = servicesStatus(lab, node);
    const out: Record<string, number | null> = {};
    for (const step of s?.steps ?? []) if (step.state === state && Date.parse(step.since) >= since) out[step.name] = step.durationMs;
    return out;
  };
  const serviceStops = serviceSteps(from, 'stopped');
  const serviceStarts = serviceSteps(to, 'started');
  const u0 = Date.now();
  const u = await lab.exec(to, ['pcs', 'node', 'unstandby', from], { timeoutMs: 30_000, log: undefined });
  if (u.failed) throw new Error(`pcs node unstandby ${from}: ${outcome(u)} ${u.stderr.trim()}`);
  await waitStackRunning(lab, { from: to, activeOn: to, standbyOn: [from], timeoutMs });
  return { from, to, pcsMs, totalMs: answer.at + answer.ms - since, outageMs, gaps: gapList.length, ops, serviceStops, serviceStarts, unstandbyMs: Date.now() - u0 };
}

/** The node's completed operations (rc 0, not monitors) since `since` (ms epoch), from its lab alert log. */
export function opsSince(lab: Lab, node: string, side: SwitchOp['side'], since: number): SwitchOp[] {
  const ops: SwitchOp[] = [];
  for (const e of readAlerts(lab, node)) {
    if (e.at < since - 5 || e.kind !== 'resource' || e.rc !== 0 || e.node !== node || e.task === 'monitor') continue;
    ops.push({ side, rsc: e.rsc, task: e.task, atMs: Math.round(e.at - since) });
  }
  return ops.sort((a, b) => a.atMs - b.atMs);
}

/** Ops summarised by `side rsc task` (first occurrence per run), in median order. */
export function switchoverPhases(results: ReadonlyArray<Pick<SwitchoverResult, 'ops'>>): Array<{ key: string; at: Stats; count: Stats }> {
  const keys = new Map<string, { at: (number | null)[]; count: number[] }>();
  results.forEach((r, i) => {
    for (const op of r.ops) {
      const key = `${op.side} ${op.rsc} ${op.task}`;
      const k = keys.get(key) ?? { at: results.map(() => null), count: results.map(() => 0) };
      if (k.at[i] === null) k.at[i] = op.atMs;
      k.count[i]!++;
      keys.set(key, k);
    }
  });
  return [...keys.entries()]
    .map(([key, k]) => ({ key, at: stats(k.at)!, count: stats(k.count.filter((_, i) => k.at[i] !== null))! }))
    .filter((x) => x.at)
    .sort((a, b) => a.at.median - b.at.median);
}

export interface StatusTiming {
  /** label → wall ms of each round, timed inside the node. */
  ms: Record<string, number[]>;
  fails: Record<string, number>;
  errors: Record<string, string | null>;
}

export const STATUS_COMMANDS: Record<string, string[]> = {
  'ocfkit status': ['ocfkit', 'status'],
  'crm_mon -1': ['crm_mon', '-1'],
  'pcs status': ['pcs', 'status'],
  // What `ocfkit status` is made of (reference rows, not targets): its start-up alone, the
  // crm_mon call it makes, and the DRBD status call (in the lab: the simulator, a Node program).
  'ocfkit --version': ['ocfkit', '--version'],
  'crm_mon --one-shot --inactive --output-as=xml': ['crm_mon', '--one-shot', '--inactive', '--output-as=xml'],
  'drbdsetup events2 --now --statistics': ['drbdsetup', 'events2', '--now', '--statistics'],
};

/** Times the three status commands inside `node` (bench/status-timer.mjs), rounds rotating the order. */
export async function statusTiming(lab: Lab, node: string, rounds: number): Promise<StatusTiming> {
  const timer = fileURLToPath(new URL('./status-timer.mjs', import.meta.url));
  const r = await lab.exec(node, ['node', timer, String(rounds), JSON.stringify(STATUS_COMMANDS)], { timeoutMs: 60_000 + rounds * 3 * 30_000, log: undefined });
  if (r.failed) throw new Error(`status timer in ${node}: ${outcome(r)} ${r.stderr.trim()}`);
  const parsed = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, { ms: number[]; fails: number; lastError: string | null }>;
  const out: StatusTiming = { ms: {}, fails: {}, errors: {} };
  for (const [label, v] of Object.entries(parsed)) {
    out.ms[label] = v.ms;
    out.fails[label] = v.fails;
    out.errors[label] = v.lastError;
  }
  return out;
}

export { FULL };
