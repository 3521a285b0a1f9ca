/**
 * What the real scheduler does with the rendered CIB when the active node dies (crm_simulate
 * --node-fail, the transition graph it computes): fence first, then promote → mount → VIP →
 * HAProxy → services on the survivor, each waiting for the one before; hot standby: the
 * survivor's read-only services stop before its DRBD is promoted. And a graceful move (the
 * restore window opening) stops in reverse before the other side starts.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCib, LAB_VARS } from '../../lib/cib/render.ts';
import { placement, settle, setPromotionScore, startPair, tempDir, transitionGraph, waitsFor } from './helpers.ts';

const NOON = '2026-11-27T12:00:00Z';
const CHAIN = ['promote drbd-data@node2', 'start fs-data@node2', 'start vip@node2', 'start haproxy-target@node2', 'start app-services@node2'];

for (const variant of ['cold', 'hot'] as const) {
  t.test(`${variant}: hard kill of the active node → fence, then promote → mount → VIP → HAProxy → services on the survivor`, async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'cib.xml');
    writeFileSync(file, renderCib(LAB_VARS, { variant }).xml);
    startPair(file, NOON);
    const before = placement(file);
    t.same(before.promoted, ['node1']);
    t.same(before.started['app-services'], ['node1']);
    t.same(before.started['app-services-ro'], variant === 'hot' ? ['node2'] : [], variant === 'hot' ? 'read-only services on the standby' : 'nothing on the standby but DRBD');

    const graph = transitionGraph(file, NOON, ['--node-fail', 'node1'], join(dir, 'graph.xml'));
    t.ok(waitsFor(graph, CHAIN[0]!, 'stonith node1'), 'promote waits for node1 to be fenced');
    for (let i = 1; i < CHAIN.length; i++) t.ok(waitsFor(graph, CHAIN[i]!, CHAIN[i - 1]!), `${CHAIN[i]} waits for ${CHAIN[i - 1]}`);
    t.notOk(waitsFor(graph, CHAIN[0]!, CHAIN[4]!), 'and not the other way round');
    if (variant === 'hot') t.ok(waitsFor(graph, 'promote drbd-data@node2', 'stop app-services-ro@node2'), "the survivor's read-only services stop before its DRBD is promoted");

    settle(file, NOON, ['--node-fail', 'node1']);
    const after = placement(file);
    t.same(after.promoted, ['node2']);
    for (const id of ['fs-data', 'vip', 'haproxy-target', 'app-services']) t.same(after.started[id], ['node2'], `${id} on the survivor`);
    t.same(after.started['app-services-ro'], [], 'no read-only services while there is no standby');

    settle(file, NOON, ['--node-up', 'node1']);
    setPromotionScore(file, 'node1', 10000);
    settle(file, NOON);
    const rejoined = placement(file);
    t.same(rejoined.promoted, ['node2'], 'the rejoined node does not take the role back (stickiness)');
    t.same(rejoined.unpromoted, ['node1']);
    t.same(rejoined.started['app-services-ro'], variant === 'hot' ? ['node1'] : [], 'the rejoined node is the standby');
  });
}

t.test('a graceful move (restore window opening) stops in reverse, then starts on the other side', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cib.xml');
  writeFileSync(file, renderCib(LAB_VARS, { variant: 'cold', restoreWindow: { start: '0 22 * * 6', length: '4h' } }).xml);
  startPair(file, NOON);
  settle(file, NOON, ['--node-fail', 'node1']);
  settle(file, NOON, ['--node-up', 'node1']);
  setPromotionScore(file, 'node1', 10000);
  settle(file, NOON);
  const graph = transitionGraph(file, '2026-11-28T22:05:00Z', [], join(dir, 'graph.xml'));
  const stops = ['stop app-services@node2', 'stop haproxy-target@node2', 'stop vip@node2', 'stop fs-data@node2', 'demote drbd-data@node2'];
  for (let i = 1; i < stops.length; i++) t.ok(waitsFor(graph, stops[i]!, stops[i - 1]!), `${stops[i]} waits for ${stops[i - 1]}`);
  t.ok(waitsFor(graph, 'promote drbd-data@node1', 'demote drbd-data@node2'), 'node1 is promoted only after node2 is demoted');
  t.ok(waitsFor(graph, 'start app-services@node1', 'start haproxy-target@node1'));
});
