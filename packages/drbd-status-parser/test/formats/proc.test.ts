import t from 'tap';
import { DrbdParseError, parse, parseProc } from '../../src/index.ts';
import { fixture } from '../helpers.ts';

t.test('8.4 sync in progress (drbd-vm 02 node1)', async (t) => {
  const doc = parseProc(fixture('drbd-vm/02-initial-sync-in-progress/node1/proc-drbd.txt'));
  t.equal(doc.format, 'proc-drbd');
  t.equal(doc.generation, '8.4');
  t.equal(doc.version, '8.4.11');
  t.equal(doc.resources.length, 1);
  const r = doc.resources[0]!;
  t.equal(r.name, 'minor-0');
  t.equal(r.minor, 0);
  t.equal(r.role, 'Primary');
  t.equal(r.protocol, 'C');
  t.equal(r.ioFlags?.raw, 'r-----');
  t.equal(r.volumes[0]!.disk, 'UpToDate');
  t.equal(r.volumes[0]!.stats['ns'], 143360);
  t.equal(r.volumes[0]!.stats['wo'], 'f');
  const c = r.connections[0]!;
  t.equal(c.name, 'peer');
  t.equal(c.state, 'Connected');
  t.equal(c.stateRaw, 'SyncSource');
  t.equal(c.peerRole, 'Secondary');
  const pv = c.volumes[0]!;
  t.equal(pv.replication, 'SyncSource');
  t.equal(pv.peerDisk, 'Inconsistent');
  t.equal(pv.outOfSyncKiB, 906748);
  t.equal(pv.resyncDone, 13.7);
  t.same(pv.sync, {
    percent: 13.7,
    remainingKiB: 906748,
    totalKiB: 1048508,
    finishSeconds: 114,
    speedKiBps: 7872,
    averageSpeedKiBps: 7872,
    wantKiBps: null,
    verify: false,
  });
});

t.test('8.4 SyncTarget with want: (drbd-vm 02 node2)', async (t) => {
  const pv = parseProc(fixture('drbd-vm/02-initial-sync-in-progress/node2/proc-drbd.txt')).resources[0]!
    .connections[0]!.volumes[0]!;
  t.equal(pv.replication, 'SyncTarget');
  t.equal(pv.sync?.wantKiBps, 8192);
  t.equal(pv.sync?.averageSpeedKiBps, 7752);
});

t.test('8.4 WFConnection normalised to Connecting, raw kept', async (t) => {
  const c = parseProc(fixture('drbd-vm/05-peer-killed-primary-wfconnection/node1/proc-drbd.txt')).resources[0]!
    .connections[0]!;
  t.equal(c.state, 'Connecting');
  t.equal(c.stateRaw, 'WFConnection');
  t.equal(c.peerRole, 'Unknown');
  t.equal(c.volumes[0]!.peerDisk, 'DUnknown');
  t.equal(c.volumes[0]!.replication, 'Off');
});

t.test('StandAlone leaves the protocol column empty', async (t) => {
  const r = parseProc(fixture('drbd-vm/09-split-brain-both-primary-standalone/node1/proc-drbd.txt')).resources[0]!;
  t.equal(r.protocol, null);
  t.equal(r.ioFlags?.raw, 'r-----');
  t.equal(r.connections[0]!.state, 'StandAlone');
});

t.test('only the version lines: no resources (drbd-vm 06)', async (t) => {
  const doc = parse(fixture('drbd-vm/06-rebooted-peer-drbd-not-started/node2/proc-drbd.txt'));
  t.equal(doc.format, 'proc-drbd');
  t.same(doc.resources, []);
  t.same(doc.warnings, []);
});

t.test('8.3.1 with NUL bytes in the flags, Unconfigured minors, Diskless', async (t) => {
  const text = fixture('drbd-public/proc/drbd-8.3.1-mixed-with-nul-bytes.txt');
  t.ok(text.includes('\0'), 'fixture really has NUL bytes');
  const doc = parseProc(text);
  t.equal(doc.generation, '8.3');
  t.same(doc.unconfiguredMinors, [2]);
  t.same(doc.resources.map((r) => r.minor), [0, 1, 4, 5, 6, 7, 8]);
  const m1 = doc.resources[1]!;
  t.equal(m1.ioFlags?.raw, 'r---', 'NUL removed');
  t.equal(m1.ioFlags?.congestion, null);
  t.equal(doc.resources[3]!.connections[0]!.volumes[0]!.peerDisk, 'Diskless');
  t.equal(doc.resources[4]!.volumes[0]!.disk, 'Diskless');
  t.equal(doc.resources[6]!.connections[0]!.state, 'StandAlone');
  t.equal(doc.resources[6]!.protocol, null);
  t.same(doc.warnings, []);
});

t.test('8.3.11 SyncTarget with want: and a trailing space', async (t) => {
  const doc = parseProc(fixture('drbd-public/proc/drbd-8.3.11-synctarget-44pct-want.txt'));
  t.same(doc.unconfiguredMinors, [1, 2, 3]);
  const pv = doc.resources[0]!.connections[0]!.volumes[0]!;
  t.equal(pv.resyncDone, 44.4);
  t.equal(pv.sync?.wantKiBps, 61440);
  t.equal(pv.sync?.speedKiBps, 65736);
  t.equal(pv.outOfSyncKiB, 588416);
});

t.test('8.4.2 blank lines between minors; congestion flag n', async (t) => {
  const a = parseProc(fixture('drbd-public/proc/drbd-8.4.2-empty-first-line.txt'));
  t.same(a.resources.map((r) => r.minor), [1, 4, 6, 8]);
  t.same(a.unconfiguredMinors, [2]);
  const b = parseProc(fixture('drbd-public/proc/drbd-8.4.2-syncsource-68pct-plus-standalone.txt'));
  t.equal(b.resources[1]!.ioFlags?.congestion, 'n');
  t.equal(b.resources[1]!.connections[0]!.volumes[0]!.resyncDone, 68.5);
  t.equal(b.resources[1]!.role, 'Secondary');
  t.equal(b.resources[1]!.connections[0]!.peerRole, 'Secondary');
});

t.test('older st: and (x/y)M progress units, verified:', async (t) => {
  const doc = parseProc(
    'version: 8.3.0 (api:88/proto:86-89)\n' +
      ' 0: cs:SyncSource st:Primary/Secondary ds:UpToDate/Inconsistent C r---\n' +
      '    ns:1 nr:0 dw:0 dr:1 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 oos:2048\n' +
      '\t[>...................] sync\'ed:  0.1% (2/4)M\n' +
      '\tfinish: 1:00:01 speed: 1,024 (2,048) K/sec\n' +
      ' 1: cs:VerifyS ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n' +
      '\t[====>...............] verified: 25.0% (75/100)K\n',
  );
  const pv = doc.resources[0]!.connections[0]!.volumes[0]!;
  t.equal(doc.resources[0]!.role, 'Primary');
  t.equal(pv.sync?.totalKiB, 4096);
  t.equal(pv.sync?.finishSeconds, 3601);
  t.equal(doc.resources[1]!.connections[0]!.volumes[0]!.sync?.verify, true);
});

t.test('unknown states are kept raw with a warning', async (t) => {
  const doc = parseProc('version: 8.4.11 (api:1/proto:86-101)\n 0: cs:Weird ro:Boss/Secondary ds:Shiny/UpToDate C r-----\n');
  const r = doc.resources[0]!;
  t.equal(r.role, 'Unknown');
  t.equal(r.roleRaw, 'Boss');
  t.equal(r.volumes[0]!.disk, 'Unknown');
  t.equal(r.volumes[0]!.diskRaw, 'Shiny');
  t.equal(r.connections[0]!.state, 'Unknown');
  t.equal(r.connections[0]!.stateRaw, 'Weird');
  t.equal(doc.warnings.length, 3);
  t.equal(doc.warnings[0]!.line, 2);
});

t.test('structural errors name the line', async (t) => {
  const err = t.throws(() => parseProc('version: 8.4.11\n 0: cs:Connected ds:UpToDate/UpToDate C r-----\n')) as DrbdParseError;
  t.type(err, DrbdParseError);
  t.equal(err.format, 'proc-drbd');
  t.equal(err.line, 2);
  t.match(err.reason, /ro:/);
  t.match(err.lineText, /cs:Connected/);
  const err2 = t.throws(() => parseProc('version: 8.4.11\nhello\n')) as DrbdParseError;
  t.equal(err2.line, 2);
});
