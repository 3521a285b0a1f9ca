/**
 * Lab hygiene with the full stack (issue 13): five up/down cycles, each with the stack running
 * and a client answered through VIP → HAProxy, each leaving nothing behind — no process, mount,
 * network namespace (nodes, switch, client), loop device, image or state folder — and the host's
 * network and bound-over files as they were. Needs root and `npm run build`; lab ocfkit-fullcyc.
 */
import t from 'tap';
import { join } from 'node:path';
import { clientRequest, labUp, waitStackRunning } from '../../lib/lab/index.ts';
import { loopsBackedUnder } from '../../lib/lab/stack-node.ts';
import { DEFAULT_STATE_ROOT } from '../../lib/lab/names.ts';
import { assertNothingLeft, cannotRunFullStack, testLog, withCleanLab } from './fixtures/harness.ts';
import { hostSnapshot } from './fixtures/host-snapshot.ts';

const NAME = 'ocfkit-fullcyc';
const CYCLES = 5;
const skip = cannotRunFullStack() ?? false;

t.test(`${CYCLES} full-stack up/down cycles leave nothing behind`, { skip }, async (t) => {
  await withCleanLab(t, NAME);
  const before = await hostSnapshot();
  const ups: number[] = [];
  const downs: number[] = [];
  for (let i = 1; i <= CYCLES; i++) {
    const t0 = Date.now();
    const lab = await labUp({ name: NAME, stack: 'full', log: testLog });
    ups.push(Date.now() - t0);
    const p = await waitStackRunning(lab, { timeoutMs: 30_000 });
    const answer = await lab.waitFor(async () => {
      const s = await clientRequest(lab, { timeoutMs: 1000 });
      return s.ok ? s : null;
    }, { timeoutMs: 20_000, what: 'a client answer' });
    t.equal(answer.node, p.active, `cycle ${i}: the stack runs and the client is answered by ${p.active}`);
    t.equal(lab.leftovers().loops.length, 2, `cycle ${i}: two loop devices while up`);
    const down = await lab.down();
    downs.push(down.durationMs);
    t.same(lab.leftovers(), { processes: [], mounts: [], netns: [], loops: [], stateDir: false }, `cycle ${i}: nothing left`);
    assertNothingLeft(t, NAME, `cycle ${i}: no ip netns entry of the lab`);
  }
  // Other labs (another engineer's full stack) may hold loop devices of their own meanwhile.
  t.same(loopsBackedUnder(join(DEFAULT_STATE_ROOT, NAME)), [], "no loop device backed by this lab's images left on the host");
  t.same(await hostSnapshot(), before, "the host's network, /etc files and /srv as before");
  t.comment(`up ${ups.map((m) => (m / 1000).toFixed(1)).join(' ')} s; down ${downs.map((m) => (m / 1000).toFixed(1)).join(' ')} s`);
});
