/**
 * Role derivation from real crm_mon captures (test/fixtures/cluster, Pacemaker 2.1.5 on Debian 12;
 * test/lab/fixtures: the lab's reference stack after a failover), and what a pushed event implies.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrmMonXml } from '../../lib/cluster/index.ts';
import { deriveFacts } from '../../lib/monitor/role.ts';
import { roleFromEvent, wantsPoll } from '../../lib/monitor/push-role.ts';
import { parseEventLine, type PushedEvent } from '../../lib/monitor/event.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const fixture = (name: string) => parseCrmMonXml(readFileSync(join(ROOT, 'test/fixtures/cluster', `pcmk2.1.5-crm_mon-xml-${name}.xml`)));
const lab = parseCrmMonXml(readFileSync(join(ROOT, 'test/lab/fixtures/crm_mon-2.1.5-stack-promoted-node2.xml')));

const cases: [string, ReturnType<typeof fixture>, string, string, string, RegExp?][] = [
  ['healthy: promotable Promoted here', fixture('two-node-healthy'), 'db-clone', 'node1', 'active', /Promoted on node1/],
  ['healthy: promotable Unpromoted here', fixture('two-node-healthy'), 'db-clone', 'node2', 'standby', /active on node1/],
  ['healthy: group Started here', fixture('two-node-healthy'), 'g-web', 'node1', 'active'],
  ['healthy: group elsewhere', fixture('two-node-healthy'), 'g-web', 'node2', 'standby'],
  ['healthy: a group member as the resource', fixture('two-node-healthy'), 'vip', 'node1', 'active'],
  ['healthy: plain clone Started on both', fixture('two-node-healthy'), 'ping-clone', 'node2', 'active'],
  ['healthy: primitive elsewhere', fixture('two-node-healthy'), 'fence-virt', 'node2', 'standby'],
  ['no such resource', fixture('two-node-healthy'), 'nope', 'node1', 'unknown', /not configured/],
  ['no such node', fixture('two-node-healthy'), 'db-clone', 'node9', 'unknown', /not in the cluster/],
  ['standby node keeps Unpromoted', fixture('standby-node'), 'db-clone', 'node2', 'standby'],
  // pcs node standby node1 between node1's stop and node2's promote: a switchover, not a stop
  ['mid-switchover: the old Promoted, stopped', fixture('switchover-window'), 'db-clone', 'node1', 'standby', /Unpromoted on node2, Promoted nowhere/],
  ['mid-switchover: the Unpromoted about to be promoted', fixture('switchover-window'), 'db-clone', 'node2', 'standby', /Unpromoted on node2, Promoted nowhere/],
  ['mid-switchover: a group colocated with the clone is stopped', fixture('switchover-window'), 'g-web', 'node1', 'stopped', /active nowhere/],
  ['offline peer: survivor Promoted', fixture('offline-node'), 'db-clone', 'node1', 'active'],
  ['offline node itself', fixture('offline-node'), 'db-clone', 'node2', 'unknown', /offline/],
  ['unclean peer seen from the survivor', fixture('unclean-node'), 'db-clone', 'node1', 'active'],
  ['unclean node itself', fixture('unclean-node'), 'ping-clone', 'node2', 'unknown'],
  ['stopped primitive', fixture('failed-actions'), 'batch', 'node1', 'stopped', /active nowhere/],
  ['legacy master/slave clone stopped', fixture('constraints'), 'legacy-ms', 'node1', 'stopped'],
  ['bundle', fixture('bundle'), 'web-bundle', 'node1', 'active'],
  ['single node Promoted', fixture('single-node-dummy-and-stateful-promoted'), 'st-clone', 'node1', 'active'],
  ['lab after failover: new Promoted', lab, 'stateful-clone', 'node2', 'active'],
  ['lab after failover: old Promoted is standby', lab, 'stateful-clone', 'node1', 'standby'],
  ['lab: colocated primitive', lab, 'dummy', 'node1', 'standby'],
];

for (const [name, status, resource, node, role, reason] of cases) {
  t.test(name, async (t) => {
    const f = deriveFacts(status, resource, node);
    t.equal(f.role, role, `${resource} on ${node}: ${f.reason}`);
    if (reason) t.match(f.reason, reason);
  });
}

t.test('facts carry quorum, maintenance, kind and the primitives alert events name', async (t) => {
  const healthy = deriveFacts(fixture('two-node-healthy'), 'db-clone', 'node1');
  t.same({ kind: healthy.kind, primitives: healthy.primitives, activeOn: healthy.activeOn, quorum: healthy.quorum, maintenance: healthy.maintenance }, { kind: 'promotable', primitives: ['db'], activeOn: ['node1'], quorum: true, maintenance: false });
  t.equal(deriveFacts(fixture('maintenance-cluster'), 'db-clone', 'node1').maintenance, true, 'cluster maintenance-mode');
  t.equal(deriveFacts(fixture('maintenance-node'), 'db-clone', 'node2').maintenance, true, 'node in maintenance');
  t.equal(deriveFacts(fixture('maintenance-node'), 'db-clone', 'node1').maintenance, false, 'the other node is not');
  t.equal(deriveFacts(fixture('sched-node-maintenance-1'), 'rsc1', 'node1').quorum, false, 'no quorum');
  t.same(deriveFacts(fixture('two-node-healthy'), 'g-web', 'node1').primitives, ['vip', 'web']);
});

function event(fields: Record<string, unknown>): PushedEvent {
  const p = parseEventLine(JSON.stringify({ v: 1, id: '0123456789abcdef', time: '2026-11-27T11:22:33.123456Z', kind: 'resource', node: 'node2', seenBy: 'node2', recipient: null, sequence: 1, interval: 0, rc: 0, targetRc: 0, status: 0, desc: 'ok', ...fields }));
  if (!p.ok) throw new Error(p.reason);
  return p.event;
}

t.test('a pushed event: what it implies before a poll confirms it', async (t) => {
  const promotable = { resource: 'db-clone', node: 'node2', kind: 'promotable' as const, primitives: ['db'] };
  t.equal(roleFromEvent(event({ resource: 'db', task: 'promote' }), promotable), 'active', 'promote here');
  t.equal(roleFromEvent(event({ resource: 'db:1', task: 'promote' }), promotable), 'active', 'an anonymous clone instance number');
  t.equal(roleFromEvent(event({ resource: 'db', task: 'demote' }), promotable), 'standby', 'demote here');
  t.equal(roleFromEvent(event({ resource: 'db', task: 'start' }), promotable), null, 'a start of a promotable is not active');
  t.equal(roleFromEvent(event({ resource: 'db', task: 'promote', node: 'node1' }), promotable), null, 'another node');
  t.equal(roleFromEvent(event({ resource: 'db', task: 'promote', rc: 1 }), promotable), null, 'a failed promote');
  t.equal(roleFromEvent(event({ resource: 'other', task: 'promote' }), promotable), null, 'another resource');
  t.equal(roleFromEvent(event({ resource: 'db', task: 'promote' }), { ...promotable, kind: null }), null, 'before the first poll: wait for it');
  const primitive = { resource: 'app', node: 'node2', kind: 'primitive' as const, primitives: ['app'] };
  t.equal(roleFromEvent(event({ resource: 'app', task: 'start' }), primitive), 'active');
  t.equal(roleFromEvent(event({ resource: 'app', task: 'stop' }), primitive), 'standby');
  t.equal(roleFromEvent(event({ resource: 'app', task: 'monitor', interval: 10000 }), primitive), null);
  t.equal(wantsPoll(event({ resource: 'app', task: 'monitor', interval: 10000 })), false, 'a good recurring monitor asks nothing');
  t.equal(wantsPoll(event({ resource: 'app', task: 'monitor', interval: 10000, rc: 7 })), true, 'a failed one does');
  t.equal(wantsPoll(event({ kind: 'node', nodeId: '1', resource: undefined, task: undefined, desc: 'lost' })), true);
});

t.test('event lines: what is refused, and why', async (t) => {
  const good = { v: 1, id: '0123456789abcdef', time: '2026-11-27T11:22:33.123456Z', kind: 'node', node: 'node1', seenBy: 'node1', recipient: null, sequence: 3, nodeId: '1', desc: 'member', future: { any: 1 } };
  const ok = parseEventLine(JSON.stringify(good));
  t.ok(ok.ok, 'unknown extra fields are ignored');
  if (ok.ok) t.equal(ok.event.at, Date.parse('2026-11-27T11:22:33.123Z') + 0.456, 'µs kept');
  const bad: [unknown, RegExp][] = [
    ['not json', /not JSON/],
    [[1], /not a JSON object/],
    [{ ...good, v: 2 }, /version/],
    [{ ...good, id: 'xyz' }, /id/],
    [{ ...good, id: '0123456789ABCDEF' }, /id/],
    [{ ...good, kind: 'weird' }, /kind/],
    [{ ...good, node: '' }, /node/],
    [{ ...good, node: 'x'.repeat(300) }, /node/],
    [{ ...good, time: '2026-11-27 11:22:33' }, /time/],
    [{ ...good, kind: 'resource' }, /resource event/],
  ];
  for (const [value, why] of bad) {
    const r = parseEventLine(typeof value === 'string' ? value : JSON.stringify(value));
    t.notOk(r.ok, JSON.stringify(value).slice(0, 60));
    if (!r.ok) t.match(r.reason, why);
  }
  t.notOk(parseEventLine('{"__proto__":{"v":1}}').ok, 'a __proto__ key is no version');
});
