import t from 'tap';
import { detect, parse, parseShort } from '../../src/index.ts';
import { fixture } from '../helpers.ts';

const N = 'drbd-vm/05-peer-killed-primary-wfconnection/node1';

t.test('8.4 role/cstate/dstate', async (t) => {
  const role = parse(fixture(`${N}/drbdadm-role.txt`), { resource: 'r0' });
  t.equal(role.format, 'short-role');
  t.equal(role.generation, '8.4');
  t.same([role.resources[0]!.name, role.resources[0]!.role, role.resources[0]!.connections[0]!.peerRole], ['r0', 'Primary', 'Unknown']);
  const cstate = parse(fixture(`${N}/drbdadm-cstate.txt`));
  t.equal(cstate.format, 'short-cstate');
  t.same([cstate.resources[0]!.connections[0]!.state, cstate.resources[0]!.connections[0]!.stateRaw], ['Connecting', 'WFConnection']);
  const dstate = parse(fixture(`${N}/drbdadm-dstate.txt`));
  t.equal(dstate.format, 'short-dstate');
  t.same([dstate.resources[0]!.volumes[0]!.disk, dstate.resources[0]!.connections[0]!.volumes[0]!.peerDisk], ['UpToDate', 'DUnknown']);
});

t.test('8.4 cstate SyncSource carries the replication state', async (t) => {
  const c = parse(fixture('drbd-vm/02-initial-sync-in-progress/node1/drbdadm-cstate.txt')).resources[0]!.connections[0]!;
  t.same([c.state, c.volumes[0]!.replication], ['Connected', 'SyncSource']);
});

t.test('dstate of a resource that is down: Consistent from the metadata (drbd-vm 06)', async (t) => {
  const doc = parse(fixture('drbd-vm/06-rebooted-peer-drbd-not-started/node2/drbdadm-dstate.txt'));
  t.same([doc.format, doc.resources[0]!.volumes[0]!.disk, doc.resources[0]!.connections.length], ['short-dstate', 'Consistent', 0]);
});

t.test('DRBD 9: one line per connection / per volume with each peer', async (t) => {
  const cs = parseShort('Connected\nConnecting\n', 'short-cstate');
  t.same(cs.resources[0]!.connections.map((c) => [c.name, c.state]), [['peer-0', 'Connected'], ['peer-1', 'Connecting']]);
  t.equal(cs.generation, '9');
  const ds = parseShort('UpToDate/UpToDate/DUnknown\nUpToDate/UpToDate/DUnknown\n', 'short-dstate');
  t.equal(ds.generation, '9');
  t.same(ds.resources[0]!.volumes.map((v) => v.disk), ['UpToDate', 'UpToDate']);
  t.same(ds.resources[0]!.connections.map((c) => c.volumes.map((p) => p.peerDisk)), [
    ['UpToDate', 'UpToDate'],
    ['DUnknown', 'DUnknown'],
  ]);
  t.equal(detect('Secondary\n'), 'short-role');
});

t.test('Unconfigured', async (t) => {
  const doc = parse('Unconfigured\n');
  t.same(doc.resources, []);
  t.match(doc.warnings[0]!.message, /not configured/);
});
