/** Small statistics for benchmarks: medians and spreads of repeated runs, and the alternating-rounds harness that collects them. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!;
}

export function fmt(n: number, digits = 1): string {
  return n.toFixed(digits);
}

/** Markdown table from rows of cells. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** What the alternating harness measures: anything with a label that is unique in its list. */
export interface Labelled {
  label: string;
}

export interface AlternatingOptions<C> {
  /** Passes over the list, in list order, before the measured rounds; not counted (default 0). */
  warmUp?: number;
  /**
   * How the order changes from round to round: `rotate` (default) starts round r at candidate
   * r mod n and keeps the list's cyclic order; `reverse` runs the list backwards on odd rounds.
   */
  order?: 'rotate' | 'reverse';
  /** Runs before each measured round (something timed by hand, state the round needs). */
  beforeRound?: (round: number, order: readonly C[]) => void | Promise<void>;
  /** Runs after each measured round, given that round's order (an extra, separate pass, say). */
  afterRound?: (round: number, order: readonly C[]) => void | Promise<void>;
}

/** The order of the candidates in measured round `round` (0-based). */
export function roundOrder<C>(candidates: readonly C[], round: number, order: 'rotate' | 'reverse' = 'rotate'): C[] {
  const n = candidates.length;
  if (order === 'reverse') return round % 2 ? [...candidates].reverse() : [...candidates];
  return candidates.map((_, i) => candidates[(i + round) % n]!);
}

/**
 * Runs every candidate once per round for `rounds` rounds, one at a time (an asynchronous
 * `runOnce` is awaited before the next starts), the order changing each round (`order`) so that
 * none always runs first; returns each candidate's samples, in round order, by label. Warm-up
 * passes run first and are not counted. Labels must be unique: a duplicate is a RangeError.
 */
export async function runAlternating<C extends Labelled, T>(
  candidates: readonly C[],
  rounds: number,
  runOnce: (candidate: C) => T | Promise<T>,
  options: AlternatingOptions<C> = {},
): Promise<Map<string, T[]>> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`runAlternating: rounds must be a whole number ≥ 1, not ${rounds}`);
  const warmUp = options.warmUp ?? 0;
  if (!Number.isInteger(warmUp) || warmUp < 0) throw new RangeError(`runAlternating: warmUp must be a whole number ≥ 0, not ${warmUp}`);
  if (candidates.length === 0) throw new RangeError('runAlternating: no candidates');
  const samples = new Map<string, T[]>();
  for (const c of candidates) {
    if (samples.has(c.label)) throw new RangeError(`runAlternating: duplicate label ${JSON.stringify(c.label)}`);
    samples.set(c.label, []);
  }
  for (let pass = 0; pass < warmUp; pass++) for (const c of candidates) await runOnce(c);
  for (let round = 0; round < rounds; round++) {
    const order = roundOrder(candidates, round, options.order);
    await options.beforeRound?.(round, order);
    for (const c of order) samples.get(c.label)!.push(await runOnce(c));
    await options.afterRound?.(round, order);
  }
  return samples;
}

export interface Summary {
  median: number;
  p10: number;
  p90: number;
  /** median / the baseline's median (NaN without a baseline). */
  ratio: number;
}

/** Median, 10th and 90th percentile of `xs`, and its median's ratio to `baseline`'s median. */
export function summarize(xs: number[], baseline?: number[]): Summary {
  if (xs.length === 0) throw new RangeError('summarize: no samples');
  const m = median(xs);
  return { median: m, p10: quantile(xs, 0.1), p90: quantile(xs, 0.9), ratio: baseline ? m / median(baseline) : NaN };
}

/** `p10–p90` as the tables print it. */
export function spread(s: Summary, digits = 1): string {
  return `${fmt(s.p10, digits)}–${fmt(s.p90, digits)}`;
}
