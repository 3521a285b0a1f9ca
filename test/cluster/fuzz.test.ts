/**
 * Mutated XML and text only ever produce typed errors (ClusterParseError) or warnings:
 * never another exception, never a hang. Seeded, so a failure reproduces.
 */
import t from 'tap';
import { parseCrmMonXml } from '../../lib/cluster/crm-mon.ts';
import { parseCibXml } from '../../lib/cluster/cib.ts';
import { parsePcsStatus } from '../../lib/cluster/pcs-status.ts';
import { ClusterParseError } from '../../lib/cluster/errors.ts';
import { read } from './fixtures.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = ['<', '>', '/', '"', "'", '&', '&amp;', '&#0;', '<!DOCTYPE x [<!ENTITY a "b">]>', '<![CDATA[', ']]>', '<!--', '-->',
  '=', ' ', '\n', '\t', '*', ':', '(', ')', '[', ']', 'Master', 'Slave', 'FAILED', 'ORPHANED', '\u0000', '\uFFFD', 'role="x"',
  'Clone Set: c [r] (promotable):', 'Resource Group: g:', 'Node n: UNCLEAN', '__proto__'];

function mutate(text: string, random: () => number): string {
  let out = text;
  const n = 1 + Math.floor(random() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(random() * (out.length + 1));
    const op = Math.floor(random() * 5);
    if (op === 0) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 20));
    else if (op === 1) out = out.slice(0, at) + TOKENS[Math.floor(random() * TOKENS.length)] + out.slice(at);
    else if (op === 2) out = out.slice(0, at);
    else if (op === 3) {
      const from = Math.floor(random() * out.length);
      out = out.slice(0, at) + out.slice(from, from + 40) + out.slice(at);
    } else out = out.slice(0, at) + String.fromCharCode(Math.floor(random() * 128)) + out.slice(at + 1);
  }
  return out;
}

const cases: [string, (text: string) => { warnings: unknown[] }, string[]][] = [
  ['crm_mon-xml', parseCrmMonXml, ['pcmk2.1.5-crm_mon-xml-failed-actions.xml', 'pcmk2.1.5-crm_mon-as-xml-bundle.xml', 'upstream-ha_cluster_exporter-crm_mon-as-xml-pcmk1.1.18-hana-master-slave.xml']],
  ['cib-xml', parseCibXml, ['pcmk2.1.5-cibadmin-query-constraints.xml', 'pcmk2.1.5-cibadmin-query-bundle.xml']],
  ['pcs-status', parsePcsStatus, ['pcs0.11.5-status-full-failed-actions.txt', 'pcs0.11.5-status-bundle.txt', 'issue-text-pcmk1.1-master-slave-set-unmanaged.txt', 'issue-text-crm_mon2.0.2-legacy-layout-unclean-node.txt']],
];

for (const [source, parse, files] of cases) {
  t.test(`${source}: 600 mutations per fixture give typed errors or warnings only`, async (t) => {
    let errors = 0;
    let warned = 0;
    let clean = 0;
    for (const [fi, f] of files.entries()) {
      const original = read(f);
      const random = rng(0xc0ffee + fi);
      for (let i = 0; i < 600; i++) {
        const text = mutate(original, random);
        try {
          const model = parse(text);
          if (model.warnings.length) warned++;
          else clean++;
        } catch (error) {
          if (!(error instanceof ClusterParseError)) {
            t.fail(`${f} mutation ${i} threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
            return;
          }
          t.equal(error.source, source);
          if (error.path === null && error.line === null) t.fail(`${f} mutation ${i}: error without a location`);
          errors++;
        }
      }
    }
    t.ok(errors > 0, `${errors} typed errors`);
    t.ok(warned + clean > 0, `${warned} with warnings, ${clean} clean`);
  });
}
