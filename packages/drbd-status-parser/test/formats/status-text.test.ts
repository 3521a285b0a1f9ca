import t from 'tap';
import { DrbdParseError, parseStatusText } from '../../src/index.ts';
import { fixture } from '../helpers.ts';

const VM = 'drbd-vm';

t.test('8.4 flavour: peer named "peer", implicit volume 0, done: is percent in sync', async (t) => {
  const doc = parseStatusText(fixture(`${VM}/02-initial-sync-in-progress/node2/drbdadm-status.txt`));
  t.equal(doc.generation, '8.4');
  const r = doc.resources[0]!;
  t.equal(r.name, 'r0');
  t.equal(r.role, 'Secondary');
  t.equal(r.volumes[0]!.volume, 0);
  t.equal(r.volumes[0]!.minor, null);
  t.equal(r.volumes[0]!.disk, 'Inconsistent');
  const c = r.connections[0]!;
  t.equal(c.name, 'peer');
  t.equal(c.state, 'Connected');
  t.equal(c.stateRaw, null, 'inferred: status text omits connection:Connected');
  t.equal(c.peerRole, 'Primary');
  t.equal(c.volumes[0]!.replication, 'SyncTarget');
  t.equal(c.volumes[0]!.peerDisk, 'UpToDate');
  t.equal(c.volumes[0]!.percentInSync, 59.77);
});

t.test('Connecting peer without volume lines gets Off/DUnknown (raw null)', async (t) => {
  const c = parseStatusText(fixture(`${VM}/05-peer-killed-primary-wfconnection/node1/drbdadm-status.txt`)).resources[0]!
    .connections[0]!;
  t.equal(c.state, 'Connecting');
  t.equal(c.stateRaw, 'Connecting');
  t.equal(c.peerRole, 'Unknown');
  t.same(
    c.volumes.map((p) => [p.volume, p.replication, p.replicationRaw, p.peerDisk, p.peerDiskRaw]),
    [[0, 'Off', null, 'DUnknown', null]],
  );
});

t.test('--verbose --statistics: continuation lines go to the right object', async (t) => {
  const doc = parseStatusText(fixture(`${VM}/02-initial-sync-in-progress/node1/drbdsetup-status-verbose-statistics.txt`));
  const r = doc.resources[0]!;
  t.equal(r.suspended, false);
  t.equal(r.writeOrdering, 'flush');
  t.equal(r.volumes[0]!.minor, 0);
  t.equal(r.volumes[0]!.sizeKiB, 1048508);
  t.equal(r.volumes[0]!.stats['lower-pending'], 0);
  t.equal(r.volumes[0]!.stats['blocked'], 'no');
  const c = r.connections[0]!;
  t.equal(c.stateRaw, 'Connected');
  t.equal(c.congested, false);
  const pv = c.volumes[0]!;
  t.equal(pv.resyncSuspended, false);
  t.equal(pv.outOfSyncKiB, 761788);
  t.equal(pv.percentInSync, 27.35);
  t.equal(pv.stats['unacked'], 1);
});

t.test('DRBD 9 diskless, quorum:no, two Connecting peers', async (t) => {
  const doc = parseStatusText(fixture('drbd-public/drbdadm-status/drbd9-diskless-no-quorum-connecting.txt'));
  t.equal(doc.generation, '9');
  const r = doc.resources[0]!;
  t.equal(r.volumes[0]!.disk, 'Diskless');
  t.equal(r.volumes[0]!.quorum, false);
  t.same(r.connections.map((c) => [c.name, c.state]), [['node-2', 'Connecting'], ['node-3', 'Connecting']]);
});

t.test('DRBD 9: peer-disk alone means Established', async (t) => {
  const c = parseStatusText(fixture('drbd-public/drbdadm-status/drbd9-secondary-peer-primary-uptodate.txt')).resources[0]!
    .connections[0]!;
  t.equal(c.name, 'node1');
  t.equal(c.peerRole, 'Primary');
  t.equal(c.volumes[0]!.replication, 'Established');
  t.equal(c.volumes[0]!.replicationRaw, null);
});

t.test('two resources, two volumes, two peers', async (t) => {
  const doc = parseStatusText(fixture('drbd-public/drbdadm-status/drbd9-two-resources-two-volumes-three-nodes-uptodate.txt'));
  t.same(doc.resources.map((r) => r.name), ['test', 'res']);
  for (const r of doc.resources) {
    t.same(r.volumes.map((v) => v.volume), [0, 1]);
    t.same(r.connections.map((c) => c.name), ['node2', 'node3']);
    for (const c of r.connections) t.same(c.volumes.map((p) => p.peerDisk), ['UpToDate', 'UpToDate']);
  }
});

t.test('user guide: disk: for the peer, wrapped verbose lines', async (t) => {
  const a = parseStatusText(fixture('drbd-public/drbdadm-status/drbd9-userguide-home-three-peers-one-connecting.txt'));
  t.same(a.resources[0]!.connections.map((c) => [c.name, c.state, c.volumes[0]!.peerDisk]), [
    ['nina', 'Connected', 'UpToDate'],
    ['nino', 'Connected', 'UpToDate'],
    ['nono', 'Connecting', 'DUnknown'],
  ]);
  const b = parseStatusText(fixture('drbd-public/status-verbose/drbd9-userguide-home-verbose-statistics-LINES-BROKEN-BY-DOCS.txt'));
  const r = b.resources[0]!;
  t.equal(r.nodeId, 1);
  t.equal(r.volumes[0]!.stats['lower-pending'], 0);
  t.same(r.connections.map((c) => [c.name, c.peerNodeId, c.state, c.peerRole]), [
    ['nina', 0, 'Connected', 'Secondary'],
    ['nino', 2, 'Connected', 'Secondary'],
    ['nono', 3, 'Connecting', 'Unknown'],
  ]);
  t.equal(r.connections[0]!.stats['peer'], 'ipv4:10.9.9.103:7010');
  t.equal(r.connections[0]!.congested, false);
  t.equal(r.connections[0]!.volumes[0]!.stats['received'], 1048412);
});

t.test('client:yes, suspended, peer-client, colour codes', async (t) => {
  const doc = parseStatusText(
    '\x1b[1mr9\x1b[0m role:\x1b[1;36mSecondary\x1b[0m suspended:quorum\n' +
      '  volume:0 disk:Diskless client:yes quorum:no\n' +
      '  alpha role:Primary\n' +
      '    volume:0 peer-disk:UpToDate peer-client:no\n',
  );
  const r = doc.resources[0]!;
  t.equal(r.role, 'Secondary');
  t.equal(r.suspended, true);
  t.equal(r.suspendedRaw, 'quorum');
  t.equal(r.volumes[0]!.client, true);
  t.equal(r.connections[0]!.volumes[0]!.peerClient, false);
  t.same(doc.warnings, []);
});

t.test('errors', async (t) => {
  const e1 = t.throws(() => parseStatusText('r0 disk:UpToDate\n')) as DrbdParseError;
  t.equal(e1.format, 'status-text');
  t.equal(e1.line, 1);
  t.match(e1.reason, /role:/);
  const e2 = t.throws(() => parseStatusText('  disk:UpToDate\n')) as DrbdParseError;
  t.match(e2.reason, /before any resource/);
  const e3 = t.throws(() => parseStatusText('r0 role:Primary\n  volume:x disk:UpToDate\n')) as DrbdParseError;
  t.equal(e3.line, 2);
  t.equal(parseStatusText('').resources.length, 0, 'empty output = no resources');
});
