/**
 * Complexity, not speed: every format parses large generated inputs (up to 10 MB, one huge
 * line, many resources/volumes/connections, many unknown keys) in time that grows linearly.
 * Each case parses a quarter-size input and the full one; the test fails when 4x the input
 * takes more than 10x the time (linear is 4x, quadratic 16x), or when the quarter-size input
 * alone takes longer than any linear parser could (then the full one is not even tried).
 * Throughput is reported with t.comment; performance claims live in bench/.
 */
import t from 'tap';
import { DrbdParseError, parse, type Format } from '../src/index.ts';
import { CASES, MB } from './large-inputs.ts';

const FULL = 10 * MB;
/** A quarter of FULL must parse within this (0.25 MB/s: 100x slower than these parsers run). */
const QUARTER_BUDGET_MS = 10_000;
const MAX_GROWTH = 10;

/**
 * CPU time (user + system, the collector's threads included), not wall time: it does not grow
 * when other processes take the cores (tap's other jobs, a loaded CI machine).
 */
function time(text: string, format: Format): { ms: number; outcome: string } {
  const start = process.cpuUsage();
  let outcome: string;
  try {
    const doc = parse(text);
    if (doc.format !== format) throw new Error(`detected as ${doc.format}, not ${format}`);
    outcome = `${doc.resources.length} resources, ${doc.warnings.length} warnings`;
  } catch (e) {
    if (!(e instanceof DrbdParseError) || e.reason.startsWith('internal')) throw e;
    outcome = `DrbdParseError: ${e.reason}`;
  }
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, outcome };
}

for (const c of CASES) {
  t.test(c.name, async (t) => {
    const small = c.make(FULL / 4);
    const a = time(small, c.format);
    t.ok(a.ms < QUARTER_BUDGET_MS, `${(small.length / MB).toFixed(1)} MB in ${a.ms.toFixed(0)} ms (${a.outcome})`);
    if (a.ms >= QUARTER_BUDGET_MS) return;
    const big = c.make(FULL);
    const b = time(big, c.format);
    // The quarter again, once the heap has grown as it did for the full input: the slower of
    // the two is the base, so garbage collection noise does not look like quadratic growth.
    const base = Math.max(a.ms, time(small, c.format).ms, 5);
    const growth = b.ms / base;
    t.ok(growth < MAX_GROWTH, `4x the input, ${growth.toFixed(1)}x the time (${base.toFixed(0)} → ${b.ms.toFixed(0)} ms)`);
    t.comment(`${c.name}: ${(big.length / MB).toFixed(1)} MB at ${(big.length / MB / (b.ms / 1000)).toFixed(1)} MB/s (${b.outcome})`);
  });
}
