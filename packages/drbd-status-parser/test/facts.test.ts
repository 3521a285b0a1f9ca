import t from 'tap';
import { factsFor, parse, withFacts } from '../src/index.ts';
import { fixture } from './helpers.ts';

const vm = (scenario: string, node: string, file: string) =>
  factsFor(parse(fixture(`drbd-vm/${scenario}/${node}/${file}`)).resources[0]!);

t.test('connected primary/secondary (04)', async (t) => {
  const p = vm('04-connected-primary-secondary-uptodate', 'node1', 'proc-drbd.txt');
  t.same(
    [p.primary, p.allUpToDate, p.allConsistent, p.anyPeerConnected, p.anyPeerKnown, p.anyPeerUpToDate, p.peerPrimary, p.syncing, p.splitBrainSuspected, p.quorum],
    [true, true, true, true, true, true, false, false, false, true],
  );
  const s = vm('04-connected-primary-secondary-uptodate', 'node2', 'drbdadm-status.txt');
  t.same([s.primary, s.peerPrimary], [false, true]);
});

t.test('syncing: from where to where, percent (02)', async (t) => {
  const src = vm('02-initial-sync-in-progress', 'node1', 'proc-drbd.txt');
  t.same(src.sync, [{ peer: 'peer', volume: 0, replication: 'SyncSource', from: 'local', to: 'peer', paused: false, percent: 13.7 }]);
  const tgt = vm('02-initial-sync-in-progress', 'node2', 'drbdadm-status.txt');
  t.same([tgt.syncing, tgt.sync[0]!.from, tgt.sync[0]!.to, tgt.sync[0]!.percent], [true, 'peer', 'local', 59.77]);
  t.same([tgt.allUpToDate, tgt.allConsistent, tgt.anyPeerUpToDate], [false, false, true]);
});

t.test('peer lost (05): not split brain', async (t) => {
  const f = vm('05-peer-killed-primary-wfconnection', 'node1', 'proc-drbd.txt');
  t.same([f.anyPeerConnected, f.anyPeerKnown, f.standAlone, f.splitBrainSuspected], [false, false, false, false]);
});

t.test('split brain (09): both nodes StandAlone Primary UpToDate', async (t) => {
  for (const node of ['node1', 'node2']) {
    for (const file of ['proc-drbd.txt', 'drbdsetup-events2-now-statistics.txt']) {
      const f = vm('09-split-brain-both-primary-standalone', node, file);
      t.equal(f.splitBrainSuspected, true, `${node} ${file}`);
      t.equal(f.standAlone, true);
      t.match(f.splitBrainEvidence.join('\n'), /StandAlone/);
      t.match(f.splitBrainEvidence.join('\n'), /Primary/);
      t.match(f.splitBrainEvidence.join('\n'), /UpToDate/);
      t.match(f.splitBrainEvidence.join('\n'), /KiB marked out of sync/);
    }
    // 8.4 status text does not show the StandAlone connection: it cannot tell.
    const s = vm('09-split-brain-both-primary-standalone', node, 'drbdadm-status.txt');
    t.same([s.splitBrainSuspected, s.anyPeerConnected, s.standAlone], [false, false, false]);
  }
});

t.test('StandAlone Inconsistent after a refused handshake (11): not split brain', async (t) => {
  const f = vm('11-standalone-inconsistent-after-interrupted-sync-i-shall-become-syncsource', 'node1', 'proc-drbd.txt');
  t.same([f.standAlone, f.splitBrainSuspected, f.splitBrainEvidence], [true, false, []]);
  const g = vm('11-standalone-inconsistent-after-interrupted-sync-i-shall-become-syncsource', 'node2', 'proc-drbd.txt');
  t.same([g.standAlone, g.splitBrainSuspected], [false, false]);
});

t.test('resolved (10)', async (t) => {
  const f = vm('10-split-brain-resolved-discard-my-data', 'node2', 'drbdsetup-events2-now.txt');
  t.same([f.splitBrainSuspected, f.peerPrimary, f.allUpToDate], [false, true, true]);
});

t.test('DRBD 9 quorum and diskless client', async (t) => {
  const d = factsFor(parse(fixture('drbd-public/drbdadm-status/drbd9-diskless-no-quorum-connecting.txt')).resources[0]!);
  t.same([d.quorum, d.diskless, d.disklessClient, d.allConsistent], [false, true, false, false]);
  const c = factsFor(parse('r role:Secondary\n  disk:Diskless client:yes\n  a role:Primary\n    peer-disk:UpToDate\n').resources[0]!);
  t.same([c.disklessClient, c.quorum, c.anyPeerUpToDate, c.peerPrimary], [true, true, true, true]);
  const s = factsFor(parse('r role:Secondary\n  disk:Consistent\n  a connection:StandAlone\n').resources[0]!);
  t.same([s.allConsistent, s.allUpToDate, s.splitBrainSuspected], [true, false, true]);
});

t.test('paused resync', async (t) => {
  const f = factsFor(parse('r role:Secondary\n  disk:Inconsistent\n  a role:Primary\n    replication:PausedSyncT peer-disk:UpToDate done:10.00 resync-suspended:user\n').resources[0]!);
  t.same(f.sync[0], { peer: 'a', volume: 0, replication: 'PausedSyncT', from: 'a', to: 'local', paused: true, percent: 10 });
});

t.test('withFacts adds facts to every resource and keeps the model', async (t) => {
  const doc = parse(fixture('drbd-public/drbdadm-status/drbd9-two-resources-two-volumes-three-nodes-uptodate.txt'));
  const w = withFacts(doc);
  t.equal(w.resources.length, 2);
  t.equal(w.resources[1]!.facts.allUpToDate, true);
  t.equal(w.resources[1]!.name, 'res');
  t.notOk('facts' in doc.resources[0]!, 'the input is not changed');
});
