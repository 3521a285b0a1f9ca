import t from 'tap';
import { DrbdParseError, parse, parseStatusJson } from '../../src/index.ts';
import { fixture } from '../helpers.ts';

const J = 'drbd-public/status-json';

t.test('valid JSON (drbd 9.0.16 / utils 9.6.0)', async (t) => {
  const doc = parseStatusJson(fixture(`${J}/drbd9.0.16-utils9.6.0-primary-one-peer-established.json`));
  t.equal(doc.format, 'status-json');
  t.equal(doc.generation, '9');
  const r = doc.resources[0]!;
  t.equal(r.name, 'beijing');
  t.equal(r.nodeId, 1);
  t.equal(r.role, 'Primary');
  t.equal(r.suspended, false);
  t.same(
    r.volumes.map((v) => [v.volume, v.minor, v.disk, v.client, v.quorum, v.sizeKiB]),
    [[0, 5, 'UpToDate', false, true, 307152]],
  );
  const c = r.connections[0]!;
  t.same([c.name, c.peerNodeId, c.state, c.peerRole, c.congested], ['salt-node3', 2, 'Connected', 'Secondary', false]);
  const pv = c.volumes[0]!;
  t.same([pv.replication, pv.peerDisk, pv.peerClient, pv.resyncSuspended, pv.resyncSuspendedRaw, pv.percentInSync],
    ['Established', 'UpToDate', false, false, 'no', 100]);
  t.same(doc.warnings, []);
});

t.test('nan is repaired to null with a warning naming the line', async (t) => {
  const text = fixture(`${J}/drbd9-primary-syncsource-0pct-with-sync-details-NaN-invalid-json.json`);
  t.throws(() => JSON.parse(text), 'really not JSON');
  const doc = parseStatusJson(text);
  t.equal(doc.warnings.length, 1);
  t.equal(doc.warnings[0]!.line, 59);
  t.match(doc.warnings[0]!.message, /nan/);
  t.match(text.split('\n')[58], /estimated-seconds-to-finish": nan/);
  const pv = doc.resources[0]!.connections[0]!.volumes[0]!;
  t.equal(pv.replication, 'SyncSource');
  t.equal(pv.percentInSync, 0);
  t.equal(pv.resyncDone, 0);
  t.equal(pv.sync?.finishSeconds, null);
  t.equal(pv.sync?.totalKiB, 409600);
  t.equal(pv.stats['estimated-seconds-to-finish'], undefined);
});

t.test('nan rejected on request, with the reason and line', async (t) => {
  const text = fixture(`${J}/drbd9-primary-syncsource-0pct-with-sync-details-NaN-invalid-json.json`);
  const e = t.throws(() => parse(text, { repairJson: false })) as DrbdParseError;
  t.type(e, DrbdParseError);
  t.equal(e.format, 'status-json');
  t.equal(e.line, 59);
  t.match(e.reason, /bare nan/);
});

t.test('tab-indented, lone commas, trailing spaces: five resources', async (t) => {
  const doc = parseStatusJson(fixture(`${J}/drbd9-sle15sp1-five-resources-secondary-tab-indented.json`));
  t.same(doc.resources.map((r) => r.name), ['1-single-0', '1-single-1', 'vg1', 'vg2', 'vg3']);
  t.same(doc.resources.map((r) => r.volumes[0]!.minor), [2, 3, 6, 7, 8]);
  for (const r of doc.resources) t.equal(r.connections[0]!.peerRole, 'Primary');
});

t.test('secondary shanghai', async (t) => {
  const doc = parseStatusJson(fixture(`${J}/drbd9-secondary-one-peer-established-shanghai.json`));
  t.equal(doc.resources[0]!.connections[0]!.name, 'dummytest-drbd02');
});

t.test('broken JSON is rejected with a line', async (t) => {
  const e = t.throws(() => parseStatusJson('[\n{\n  "name": "r0",\n  "role": "Primary"\n  "devices": []\n}\n]\n')) as DrbdParseError;
  t.equal(e.line, 5);
  t.match(e.reason, /expected , or }/);
  const e2 = t.throws(() => parseStatusJson('[\n{\n  "role": "Primary"\n}\n]\n')) as DrbdParseError;
  t.equal(e2.line, 2, 'semantic errors are located too');
  t.match(e2.reason, /name/);
  const e3 = t.throws(() => parseStatusJson('{"name": "r0"}')) as DrbdParseError;
  t.match(e3.reason, /array/);
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  const e4 = t.throws(() => parseStatusJson(deep.replace('[[', '[nan,['))) as DrbdParseError;
  t.match(e4.reason, /nesting/);
});

t.test('wrong types become warnings, not crashes', async (t) => {
  const doc = parseStatusJson(
    '[{"name":"r0","role":7,"devices":[{"volume":"0","disk-state":"UpToDate"}],' +
      '"connections":[{"peer-node-id":1,"connection-state":"Connected","peer_devices":[{"volume":0,"replication-state":"Foo","peer-disk-state":"UpToDate","resync-suspended":"user"}]}]}]',
  );
  const r = doc.resources[0]!;
  t.equal(r.role, 'Unknown');
  t.equal(r.connections[0]!.name, 'peer-node-1');
  t.equal(r.connections[0]!.volumes[0]!.replication, 'Unknown');
  t.equal(r.connections[0]!.volumes[0]!.replicationRaw, 'Foo');
  t.equal(r.connections[0]!.volumes[0]!.resyncSuspended, true);
  t.ok(doc.warnings.length >= 4);
});
