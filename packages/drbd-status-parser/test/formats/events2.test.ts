import t from 'tap';
import { DrbdParseError, parseEvents2 } from '../../src/index.ts';
import { clitestOutputs, fixture } from '../helpers.ts';

const VM = 'drbd-vm';

t.test('8.4 events2 --now (conn-name:peer)', async (t) => {
  const doc = parseEvents2(fixture(`${VM}/02-initial-sync-in-progress/node1/drbdsetup-events2-now.txt`));
  t.equal(doc.generation, '8.4');
  const r = doc.resources[0]!;
  t.same([r.name, r.role, r.suspended], ['r0', 'Primary', false]);
  t.same([r.volumes[0]!.minor, r.volumes[0]!.disk], [0, 'UpToDate']);
  const c = r.connections[0]!;
  t.same([c.name, c.peerNodeId, c.state, c.peerRole], ['peer', 0, 'Connected', 'Secondary']);
  t.same([c.volumes[0]!.replication, c.volumes[0]!.peerDisk, c.volumes[0]!.resyncSuspended], ['SyncSource', 'Inconsistent', false]);
});

t.test('--statistics: out-of-sync and size give percent in sync', async (t) => {
  const doc = parseEvents2(fixture(`${VM}/02-initial-sync-in-progress/node1/drbdsetup-events2-now-statistics.txt`));
  const pv = doc.resources[0]!.connections[0]!.volumes[0]!;
  t.equal(pv.outOfSyncKiB, 503740);
  t.equal(pv.percentInSync, Math.round((1 - 503740 / 1048508) * 10000) / 100);
  t.equal(doc.resources[0]!.volumes[0]!.stats['al-writes'], 8);
});

t.test('8.4 StandAlone connection has no conn-name: called peer', async (t) => {
  const doc = parseEvents2(fixture(`${VM}/09-split-brain-both-primary-standalone/node1/drbdsetup-events2-now.txt`));
  t.equal(doc.generation, '8.4');
  const c = doc.resources[0]!.connections[0]!;
  t.same([c.name, c.state], ['peer', 'StandAlone']);
});

t.test('only "exists -": no resources', async (t) => {
  const doc = parseEvents2(fixture(`${VM}/06-rebooted-peer-drbd-not-started/node2/drbdsetup-events2-now.txt`));
  t.same(doc.resources, []);
});

t.test('user guide samples with wrapped lines (DRBD 9)', async (t) => {
  const a = parseEvents2(fixture('drbd-public/events2/drbd9-userguide-events2-now-r0-LINES-BROKEN-BY-DOCS.txt'));
  t.equal(a.generation, '9');
  const r = a.resources[0]!;
  t.same(r.volumes.map((v) => [v.volume, v.minor]), [[0, 7], [1, 8]]);
  t.same(r.connections[0]!.volumes.map((p) => [p.volume, p.replication, p.peerDisk]), [
    [0, 'Established', 'UpToDate'],
    [1, 'Established', 'UpToDate'],
  ]);
  const b = parseEvents2(fixture('drbd-public/events2/drbd9-userguide-events2-statistics-now-r0-LINES-BROKEN-BY-DOCS.txt'));
  const rb = b.resources[0]!;
  t.equal(rb.connections[0]!.peerRole, 'Secondary', 'role: on the wrapped line');
  t.equal(rb.volumes[1]!.sizeKiB, 104854364);
  t.equal(rb.connections[0]!.volumes[1]!.stats['sent'], 6634548);
  t.equal(rb.writeOrdering, 'drain');
});

t.test('drbd-utils instrumented streams: may_promote, promotion_score, done:', async (t) => {
  const sync = clitestOutputs(fixture('drbd-public/events2/drbd-utils-tests-v9-events2-sync.test-INSTRUMENTED.txt'));
  t.equal(sync.length, 2);
  for (const part of sync) {
    t.equal(part.exit, 0);
    const doc = parseEvents2(part.output);
    t.equal(doc.generation, '9');
    const r = doc.resources[0]!;
    t.same([r.name, r.mayPromote, r.promotionScore], ['some-resource', true, 10101]);
    t.same([r.volumes[0]!.disk, r.volumes[0]!.backingDev, r.volumes[0]!.quorum, r.volumes[0]!.client, r.volumes[0]!.open],
      ['UpToDate', '/dev/sda', true, false, false]);
    const c = r.connections[0]!;
    t.same([c.name, c.peerNodeId, c.state], ['some-peer', 1, 'Connected']);
    t.same([c.volumes[0]!.replication, c.volumes[0]!.resyncDone, c.volumes[0]!.peerClient], ['SyncSource', 37.5, false]);
  }
  const stats = parseEvents2(sync[1]!.output).resources[0]!.connections[0]!.volumes[0]!;
  t.equal(stats.stats['eta'], 10);
  t.equal(stats.outOfSyncKiB, 2500);

  const score = clitestOutputs(fixture('drbd-public/events2/drbd-utils-tests-v9-events2-promotion-score-inconsistent.test-INSTRUMENTED.txt'));
  const r = parseEvents2(score[0]!.output).resources[0]!;
  t.same([r.mayPromote, r.promotionScore, r.volumes[0]!.disk], [true, 10001, 'Inconsistent']);
  t.equal(r.connections[0]!.volumes[0]!.replication, 'Established');
});

t.test('destroy, timestamps, helpers', async (t) => {
  const doc = parseEvents2(
    '2024-01-02T03:04:05.123456+01:00 exists resource name:a role:Secondary\n' +
      'exists resource name:b role:Primary\n' +
      'exists device name:b volume:0 minor:1 disk:UpToDate\n' +
      'exists -\n' +
      'call helper name:b peer-node-id:1 conn-name:x volume:0 helper:before-resync-target\n' +
      'destroy resource name:a\n' +
      'destroy device name:b volume:0\n',
  );
  t.same(doc.resources.map((r) => r.name), ['b']);
  t.same(doc.resources[0]!.volumes, []);
});

t.test('errors', async (t) => {
  const e = t.throws(() => parseEvents2('exists resource role:Primary\n')) as DrbdParseError;
  t.same([e.format, e.line], ['events2', 1]);
  t.match(e.reason, /name:/);
  const e2 = t.throws(() => parseEvents2('exists -\nfrobnicate resource name:x\n')) as DrbdParseError;
  t.equal(e2.line, 2);
  const e3 = t.throws(() => parseEvents2('exists device name:r0 volume:zero disk:UpToDate\n')) as DrbdParseError;
  t.match(e3.reason, /volume/);
});
