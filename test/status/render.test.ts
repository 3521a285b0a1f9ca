/**
 * Rendering: every line fits 80 columns (code points), no escape code without colour, colour
 * only adds escape codes (the text under them is the same), every verdict has its line on top,
 * the steps and the resync show, and the width holds for hostile input (a 3 kB exit reason).
 */
import t from 'tap';
import { buildStatus } from '../../lib/status/build.ts';
import { bar, renderStatus } from '../../lib/status/render.ts';
import { facts } from './helpers.ts';
import { SCENARIOS } from './scenarios.ts';

// eslint-disable-next-line no-control-regex
const ESC = /\x1b\[[0-9;]*m/g;

for (const [name, files] of Object.entries(SCENARIOS)) {
  t.test(name, async (t) => {
    const r = buildStatus(facts(files));
    const plain = renderStatus(r);
    const lines = plain.split('\n');
    const wide = lines.filter((l) => [...l].length > 80);
    t.same(wide, [], 'every line ≤ 80 columns');
    t.notMatch(plain, /\x1b/, 'no escape codes without colour');
    t.match(lines[0], new RegExp(`^${r.verdict.state.replace(/-/g, ' ').toUpperCase()}: `), 'the verdict first');
    const coloured = renderStatus(r, { color: true });
    t.match(coloured, ESC, 'colour adds escape codes');
    t.equal(coloured.replace(ESC, ''), plain, 'and nothing else');
    for (const s of r.failover?.steps ?? []) t.match(plain, s.name.slice(0, 20), `step ${s.name} shown`);
    for (const s of r.sources.filter((x) => !x.ok)) t.match(plain, `! ${s.detail.slice(0, 30)}`, `missing source ${s.name}: one line`);
  });
}

t.test('a running failover and a resync have a progress bar', async (t) => {
  t.match(renderStatus(buildStatus(facts(SCENARIOS['start-pending']!))), /Failover in progress: node1 → node2 .*\n  \[#+\.+\]/);
  t.match(renderStatus(buildStatus(facts(SCENARIOS.resync!))), /resync node2 → node1 \[#+\.*\] +\d+\.\d%/);
  t.equal(bar(0, 10), '[..........]   0.0%');
  t.equal(bar(100, 10), '[##########] 100.0%');
  t.equal(bar(250, 10), '[##########] 100.0%', 'clamped');
});

t.test('hostile lengths still fit: a 3 kB exit reason, a 300-character node name', async (t) => {
  const f = facts(SCENARIOS['services-failed']!);
  if (!f.cluster.ok) throw new Error('fixture');
  f.cluster.value.failures[0]!.exitReason = 'x'.repeat(3000);
  f.cluster.value.nodes[0]!.name = 'n'.repeat(300);
  const out = renderStatus(buildStatus(f));
  t.same(out.split('\n').filter((l) => [...l].length > 80), []);
});
