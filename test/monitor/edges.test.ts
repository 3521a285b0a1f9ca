/** The cluster-state events (pure): each on its edge, once. */
import t from 'tap';
import { clusterEdges, INITIAL, type ClusterState } from '../../lib/monitor/edges.ts';
import type { MonitorFacts } from '../../lib/monitor/types.ts';

const facts = (quorum: boolean, maintenance: boolean): MonitorFacts => ({ role: 'active', reason: '', node: 'n1', quorum, maintenance, kind: 'primitive', primitives: ['a'], activeOn: ['n1'], dc: 'n1' });

t.test('a sequence of polls gives each event once, on its edge', async (t) => {
  let state: ClusterState = INITIAL;
  const names: string[] = [];
  for (const seen of [facts(true, false), facts(true, false), { down: 'x' }, { down: 'x' }, facts(false, false), facts(false, true), facts(true, true), facts(true, false)]) {
    const r = clusterEdges(state, seen);
    state = r.state;
    names.push(r.edges.map((e) => (e.name === 'maintenance' ? `maintenance:${e.on}` : e.name)).join('+') || '-');
  }
  t.same(names, ['-', '-', 'cluster-down', '-', 'cluster-up+quorum-lost', 'maintenance:true', 'quorum', 'maintenance:false']);
});

t.test('the first poll reports what an application must know: no quorum, maintenance on', async (t) => {
  t.same(clusterEdges(INITIAL, facts(false, true)).edges.map((e) => e.name), ['quorum-lost', 'maintenance']);
  t.same(clusterEdges(INITIAL, { down: 'not running' }).edges, [{ name: 'cluster-down', message: 'not running' }]);
});
