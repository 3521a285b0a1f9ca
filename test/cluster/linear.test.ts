/**
 * Complexity, not speed: each parser runs on generated inputs of size n/16, n/4 and n, and the
 * CPU time may grow at most 10x per 4x step (linear gives 4x, quadratic 16x), with a generous
 * absolute cap (0.5 MB/s) on the largest. Throughput on the largest input goes to the test
 * output. The first group were super-linear before issue 9 (minutes on inputs of a few hundred
 * KB); the second guards shapes that already were linear.
 */
import t from 'tap';
import { parseCrmMonXml } from '../../lib/cluster/crm-mon.ts';
import { parseCibXml } from '../../lib/cluster/cib.ts';
import { parsePcsStatus } from '../../lib/cluster/pcs-status.ts';
import * as h from './hostile.ts';
import * as f from './hostile-forms.ts';

type Parse = (input: string) => unknown;

/**
 * CPU time (user + system, all threads of this process: the collector's too), best of `runs`:
 * unlike wall time it does not grow when other processes (tap's other jobs, a loaded CI
 * machine) take the cores, so a ratio of two of them measures the parser alone.
 */
function ms(parse: Parse, input: string, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    parse(input);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
  }
  return best;
}

/** `make(k)` builds the input at scale k (1, 4, 16). */
async function linear(t: Tap.Test, name: string, parse: Parse, make: (k: number) => string): Promise<void> {
  parse(make(1)); // warm up the JIT
  const steps: { bytes: number; ms: number }[] = [];
  let previous = '';
  for (const k of [1, 4, 16]) {
    const input = make(k);
    let took = ms(parse, input, k === 16 ? 1 : 3);
    const prev = steps[steps.length - 1];
    // A garbage collection can land in any one run: before failing, measure both sizes again.
    if (prev && took / Math.max(prev.ms, 1) >= 2.5 * (h.size(input) / prev.bytes)) {
      prev.ms = Math.min(prev.ms, ms(parse, previous, 3));
      took = Math.min(took, ms(parse, input, 2));
    }
    steps.push({ bytes: h.size(input), ms: took });
    previous = input;
    if (prev) {
      const ratio = took / Math.max(prev.ms, 1);
      const grew = steps[steps.length - 1]!.bytes / prev.bytes;
      t.ok(ratio < grew * 2.5, `${name}: ${(prev.bytes / 1e6).toFixed(2)} → ${(steps[steps.length - 1]!.bytes / 1e6).toFixed(2)} MB took ${ratio.toFixed(1)}x longer (input ${grew.toFixed(1)}x)`);
      if (ratio >= grew * 2.5) return;
    }
  }
  const top = steps[steps.length - 1]!;
  const rate = top.bytes / 1e6 / (top.ms / 1000);
  t.ok(rate > 0.5, `${name}: ${(top.bytes / 1e6).toFixed(2)} MB at ${rate.toFixed(1)} MB/s (≥ 0.5)`);
  t.comment(`${name}: ${steps.map((s) => `${(s.bytes / 1e6).toFixed(2)} MB ${s.ms.toFixed(0)} ms`).join(', ')}; ${rate.toFixed(1)} MB/s`);
}

declare global {
  namespace Tap {
    type Test = import('tap').Test;
  }
}

const MB = 1_000_000;

t.test('super-linear before: now linear', async (t) => {
  await linear(t, 'crm_mon cloned groups (nested), 10 MB', parseCrmMonXml, (k) => h.crmMonClonedGroups(Math.floor((10 * MB * k) / 16 / 200)));
  await linear(t, 'crm_mon 320k unknown elements', parseCrmMonXml, (k) => h.crmMonUnknown(20_000 * k));
  await linear(t, 'CIB 320k unknown elements', parseCibXml, (k) => h.cibUnknown(20_000 * k));
  await linear(t, 'pcs 0.9 status text, 10 MB', parsePcsStatus, (k) => h.pcsOld(Math.floor((10 * MB * k) / 16 / 43)));
  await linear(t, 'pcs status " x" lines, 10 MB', parsePcsStatus, (k) => h.pcsSpaceX(Math.floor((10 * MB * k) / 16 / 3)));
  // Node lists stop at MAX_NODES (10,000) and clone summaries at MAX_INSTANCES (250,000): a node
  // list is a few ms of work, too little to time, and a summary's steps up to the limit time the
  // garbage collector's generations more than the parser. 400k-name lists of both kinds (2.8 MB
  // on one line, through the same regexes and loops) must be refused in seconds (attack.test.ts).
  await linear(t, 'pcs long lines (80 KB to 1.3 MB per line kind)', parsePcsStatus, (k) => h.pcsLongLines(80_000 * k));
});

t.test('linear before, kept linear (guards)', async (t) => {
  await linear(t, 'crm_mon realistic, 10 MB', parseCrmMonXml, (k) => h.crmMonLarge(Math.floor((10 * MB * k) / 16 / 450)));
  await linear(t, 'crm_mon on one line, 10 MB', parseCrmMonXml, (k) => h.crmMonOneLine((10 * MB * k) / 16));
  await linear(t, 'crm_mon 100k+ nodes', parseCrmMonXml, (k) => h.crmMonNodes(6_400 * k));
  await linear(t, 'crm_mon full of &amp;, 10 MB', parseCrmMonXml, (k) => h.crmMonAmp((10 * MB * k) / 16));
  await linear(t, 'CIB realistic, 10 MB', parseCibXml, (k) => h.cibLarge(Math.floor((10 * MB * k) / 16 / 760)));
  // The other pcs status forms (issue 12): node lists, quorum and membership, cluster, pcsd.
  await linear(t, 'pcs status nodes, 10 MB', parsePcsStatus, (k) => f.pcsNodesForm(Math.floor((10 * MB * k) / 16 / 17)));
  await linear(t, 'pcs status quorum, 10 MB of keys', parsePcsStatus, (k) => f.pcsQuorumForm(Math.floor((10 * MB * k) / 16 / 20)));
  await linear(t, 'pcs status cluster, 10 MB', parsePcsStatus, (k) => f.pcsClusterForm(Math.floor((10 * MB * k) / 16 / 5)));
  // pcsd lines stop at MAX_NODES (10,000 nodes): pcs-forms-attack.test.ts refuses 545k in seconds.
});
