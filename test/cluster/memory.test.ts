/**
 * Bounded memory: a child process parses a generated 10 MB document from bytes and reports the
 * resident memory the parse added at its peak (memory-probe.ts: VmHWM reset after start-up).
 * The target is at most 12x the input: real-looking documents, entity-dense and element-dense
 * XML (unknown elements are never built: lib/cluster/prune.ts), pcs text of millions of short
 * lines (kept as offsets, not line objects). The pcs 0.9 layout sits at the target (11.7-12.1x
 * measured) and is held to 13x. Node lists and
 * clone summaries of millions of names are refused with a typed error at MAX_NODES /
 * MAX_INSTANCES, and the memory spent until then is held to the same bound. Before issue 9's
 * second pass: 14.6x, 17.6x, 37x, 62x and 32x for the element-dense and pcs shapes.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as h from './hostile.ts';
import * as f from './hostile-forms.ts';

const PROBE = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));
const MB = 1_000_000;
const LIMIT = 12;

/** [name, parser, document, the typed error it must end in (null: parses), bound if not LIMIT] */
const shapes: [string, string, () => string, RegExp | null, number?][] = [
  ['crm_mon full of &amp;', 'crm-mon', () => h.crmMonAmp(10 * MB), null],
  ['crm_mon realistic', 'crm-mon', () => h.crmMonLarge(Math.floor((10 * MB) / 450)), null],
  ['CIB realistic', 'cib', () => h.cibLarge(Math.floor((10 * MB) / 760)), null],
  ['crm_mon 10 MB of tiny unknown elements', 'crm-mon', () => h.crmMonUnknown(Math.floor((10 * MB) / 15)), null],
  ['CIB 10 MB of tiny unknown elements', 'cib', () => h.cibUnknown(Math.floor((10 * MB) / 9)), null],
  ['crm_mon 10 MB of tiny elements it never reads', 'crm-mon', () => h.crmMonIgnored(Math.floor((10 * MB) / 8)), null],
  ['crm_mon 160k nodes', 'crm-mon', () => h.crmMonNodes(160_000), null],
  // Not held to 12x: measured 11.7-12.1x. Its model is ~9x the text (four ~300-byte instances
  // and two collections per 172 bytes of lines), plus the text and the young generation.
  ['pcs 0.9 layout, 10 MB', 'pcs-status', () => h.pcsOld(Math.floor((10 * MB) / 52)), null, 13],
  ['pcs 10 MB of " x" lines', 'pcs-status', () => h.pcsSpaceX(Math.floor((10 * MB) / 3)), null],
  ['pcs Online: [ … ] of 1.4M names', 'pcs-status', () => h.pcsOnline(1_400_000), /more than 10000 nodes/],
  ['pcs clone summary of 1.4M names', 'pcs-status', () => h.pcsCloneSummary(1_400_000), /more than 250000 resource instances/],
  // The other forms (issue 12).
  ['pcs status nodes, 10 MB', 'pcs-status', () => f.pcsNodesForm(Math.floor((10 * MB) / 17)), null],
  ['pcs status quorum, 10 MB of keys', 'pcs-status', () => f.pcsQuorumForm(Math.floor((10 * MB) / 20)), null],
  ['pcs status cluster, 10 MB', 'pcs-status', () => f.pcsClusterForm(Math.floor((10 * MB) / 5)), null],
  ['pcs status pcsd of 545k nodes, 12 MB', 'pcs-status', () => f.pcsPcsdForm(Math.floor((12 * MB) / 22)), /pcsd status of more than 10000 nodes/],
  ['pcs status nodes Online: of 1.4M names', 'pcs-status', () => `Pacemaker Nodes:\n Online: ${'node1 '.repeat(1_400_000)}\n`, /node list of more than 10000/],
];

t.test(`peak memory of a parse is at most ${LIMIT}x its input (one shape: 13x)`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-mem-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, kind, make, refused, bound = LIMIT] of shapes) {
    const file = join(dir, 'input');
    writeFileSync(file, make());
    const r = spawnSync(process.execPath, ['--import', 'tsx', PROBE, kind, file], { encoding: 'utf8', timeout: 300_000 });
    t.equal(r.status, 0, `${name}: probe ran${r.stderr ? `: ${r.stderr.slice(-300)}` : ''}`);
    const m = JSON.parse(r.stdout) as { bytes: number; added: number; ratio: number; error: string | null };
    if (refused) t.match(m.error, refused, `${name}: a typed error`);
    else t.equal(m.error, null, `${name}: parsed`);
    t.ok(m.ratio <= bound, `${name}: ${(m.bytes / MB).toFixed(1)} MB in, ${(m.added / MB).toFixed(0)} MB added at the peak = ${m.ratio.toFixed(1)}x`);
  }
});
