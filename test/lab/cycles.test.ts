import t from 'tap';
import { labUp, parseCrmMon, onlineNodes } from '../../lib/lab/index.ts';
import { assertNothingLeft, cannotRun, testLog, withCleanLab } from './fixtures/harness.ts';

const NAME = 'ot-cycles';
const CYCLES = 5;

t.test(`up, both nodes Online from each side, down: ${CYCLES} times, nothing left`, { skip: cannotRun() ?? false }, async (t) => {
  await withCleanLab(t, NAME);
  const ups: number[] = [];
  const downs: number[] = [];
  for (let i = 1; i <= CYCLES; i++) {
    const started = Date.now();
    const lab = await labUp({ name: NAME, nodes: 2, token: 1000, log: testLog });
    ups.push(Date.now() - started);
    for (const node of lab.nodes) {
      const xml = await lab.crmMonXml(node);
      t.ok(xml, `cycle ${i}: crm_mon --output-as=xml answers on ${node}`);
      const state = parseCrmMon(xml!);
      t.ok(state.hasDc, `cycle ${i}: ${node} sees a DC`);
      t.same(onlineNodes(state).sort(), ['node1', 'node2'], `cycle ${i}: ${node} sees both nodes Online`);
    }
    if (i === 1) {
      const again = Date.now();
      const same = await labUp({ name: NAME, nodes: 2, token: 1000, log: testLog });
      t.equal(same.record.createdAt, lab.record.createdAt, 'up on a healthy lab with the same options does nothing');
      t.ok(Date.now() - again < 3000, 'and returns at once');
      const host = await lab.exec('node1', ['hostname']);
      t.equal(host.stdout.trim(), 'node1', 'UTS namespace');
    }
    const down = await lab.down();
    downs.push(down.durationMs);
    assertNothingLeft(t, NAME, `cycle ${i}: nothing left after down`);
  }
  t.comment(`up ms: ${ups.join(' ')}; down ms: ${downs.join(' ')}`);
});
