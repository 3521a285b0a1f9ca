/**
 * One field table serves status text, events2 and JSON: the same values under each format's
 * names give the same model, and every name is claimed by exactly one field per object.
 */
import t from 'tap';
import { FIELD_NAMES, parse, type DrbdStatus } from '../src/index.ts';

const TEXT = `r0 node-id:0 role:Primary suspended:no write-ordering:flush
  volume:0 minor:1 disk:UpToDate client:no quorum:yes open:yes size:1048508 al-writes:3
  peer node-id:1 connection:Connected role:Secondary congested:no ap-in-flight:0
    volume:0 replication:SyncSource peer-disk:Inconsistent peer-client:no resync-suspended:no out-of-sync:906748 pending:7
`;
const EVENTS2 = `exists resource name:r0 node-id:0 role:Primary suspended:no write-ordering:flush
exists device name:r0 volume:0 minor:1 disk:UpToDate client:no quorum:yes open:yes size:1048508 al-writes:3
exists connection name:r0 peer-node-id:1 conn-name:peer connection:Connected role:Secondary congested:no ap-in-flight:0
exists peer-device name:r0 peer-node-id:1 conn-name:peer volume:0 replication:SyncSource peer-disk:Inconsistent peer-client:no resync-suspended:no out-of-sync:906748 pending:7
exists -
`;
const JSON_TEXT = JSON.stringify([{
  name: 'r0', 'node-id': 0, role: 'Primary', suspended: false, 'write-ordering': 'flush',
  devices: [{ volume: 0, minor: 1, 'disk-state': 'UpToDate', client: false, quorum: true, open: true, size: 1048508, 'al-writes': 3 }],
  connections: [{
    'peer-node-id': 1, name: 'peer', 'connection-state': 'Connected', 'peer-role': 'Secondary', congested: false, 'ap-in-flight': 0,
    peer_devices: [{ volume: 0, 'replication-state': 'SyncSource', 'peer-disk-state': 'Inconsistent', 'peer-client': false, 'resync-suspended': 'no', 'out-of-sync': 906748, pending: 7 }],
  }],
}]);

/** The model without the fields that say how the document was printed. */
function model(doc: DrbdStatus): unknown {
  const r = doc.resources[0]!;
  return { ...r, suspendedRaw: undefined };
}

t.test('the same resource in text, events2 and JSON gives the same model', async (t) => {
  const text = parse(TEXT);
  const events2 = parse(EVENTS2);
  const json = parse(JSON_TEXT);
  t.same([text.format, events2.format, json.format], ['status-text', 'events2', 'status-json']);
  for (const d of [text, events2, json]) t.same(d.warnings, [], `${d.format}: no warnings`);
  t.same(model(events2), model(text), 'events2 = status text');
  t.same(model(json), model(text), 'JSON = status text');
  const pv = text.resources[0]!.connections[0]!.volumes[0]!;
  t.equal(pv.outOfSyncKiB, 906748);
  t.equal(pv.percentInSync, 13.52, 'computed from out-of-sync and size in every format');
  t.same(text.resources[0]!.volumes[0]!.stats, { 'al-writes': 3 }, 'unknown keys are statistics');
});

t.test('done: is percent in sync in status text and resync progress in events2', async (t) => {
  const text = parse('r0 role:Primary\n  disk:UpToDate\n  peer role:Secondary\n    replication:SyncSource peer-disk:Inconsistent done:17.11\n');
  const ev = parse('exists peer-device name:r0 conn-name:peer volume:0 replication:SyncSource done:17.11\n');
  t.equal(text.resources[0]!.connections[0]!.volumes[0]!.percentInSync, 17.11);
  t.equal(ev.resources[0]!.connections[0]!.volumes[0]!.resyncDone, 17.11);
});

t.test('each name belongs to one field of its object', async (t) => {
  for (const [object, names] of Object.entries(FIELD_NAMES)) {
    const once = names.filter((n) => n !== 'done');
    t.equal(new Set(once).size, once.length, `${object}: no name listed twice`);
  }
  t.ok(FIELD_NAMES.volume.includes('disk') && FIELD_NAMES.volume.includes('disk-state'), 'text and JSON names side by side');
});
