/**
 * The DRBD fencing handlers' pure parts over real CIB captures (every Pacemaker spelling), and
 * the handler's side effects through an injected runner that answers with those captures.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvents2 } from 'drbd-status-parser';
import { parseCibXml } from '../../lib/cluster/index.ts';
import { factsFromStatus, type DrbdFacts } from '../../lib/drbd/facts.ts';
import { allowedNode, constraintId, constraintXml, ownConstraint, promotableCloneOf, promotedSpelling } from '../../lib/drbd/fence/constraint.ts';
import { FENCE_EXIT, peersOf, peerState, planFence, planUnfence, type PeerView } from '../../lib/drbd/fence/decide.ts';
import { fencePeer, namedPeers, unfencePeer } from '../../lib/drbd/fence/handler.ts';
import { Deadline } from '../../lib/exec/deadline.ts';
import type { ExecResult, Runner } from '../../lib/exec/run.ts';

const HERE = join(import.meta.dirname, '..', 'fixtures', 'cluster-drbd');
const CLUSTER = join(import.meta.dirname, '..', 'fixtures', 'cluster');
const VM = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'drbd-vm');
const text = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
const cibOf = (dir: string, f: string) => parseCibXml(text(dir, f));
const events2 = (state: string, node: string) => text(join(VM, state, node), 'drbdsetup-events2-now.txt');
const facts = (state: string, node: string): DrbdFacts => factsFromStatus(parseEvents2(events2(state, node)), 'r0');

const FENCED = 'pcmk2.1.5-cibadmin-query-drbd-fenced.xml';
const LEGACY = 'pcmk2.1.5-cibadmin-query-drbd-legacy-master.xml';
const TIMESTAMPS = 'upstream-pcmk3.0.1-clusters-from-scratch-cib-timestamps.xml';

t.test('our constraint in the CIB, in both role spellings', async (t) => {
  const cib = cibOf(HERE, FENCED);
  t.equal(promotableCloneOf(cib, 'r0'), 'drbd_r0-clone', 'a <clone promotable=true> of ocf:ocfkit:drbd');
  const own = ownConstraint(cib, 'r0')!;
  t.equal(own.id, 'ocfkit-drbd-fence-r0');
  t.equal(allowedNode(own, 'drbd_r0-clone'), 'node1', 'role="Promoted"');
  t.equal(allowedNode(own, 'other-clone'), null, 'on another clone it is not our shape');
  t.equal(cib.configuration.constraints.location.length, 2, 'the operator constraint is there too');

  const legacy = cibOf(HERE, LEGACY);
  t.equal(promotableCloneOf(legacy, 'r1'), 'ms_r1', 'a legacy <master> of ocf:linbit:drbd');
  t.equal(allowedNode(ownConstraint(legacy, 'r1')!, 'ms_r1'), 'node1', 'role="Master" reads as Promoted');
  t.throws(() => promotableCloneOf(legacy, 'r9'), { name: 'FenceConfigError', message: /no promotable clone in the CIB runs DRBD resource 'r9'/ });

  t.equal(promotedSpelling('pacemaker-3.9'), 'Promoted');
  t.equal(promotedSpelling('pacemaker-4.0'), 'Promoted');
  t.equal(promotedSpelling('pacemaker-3.7'), 'Promoted');
  t.equal(promotedSpelling('pacemaker-3.6'), 'Master');
  t.equal(promotedSpelling('pacemaker-2.10'), 'Master');
  // what we write is what the captured CIB holds (ids, rule, expression), parsed back as ours
  const mine = parseCibXml(text(HERE, FENCED).replace(/<rsc_location id="ocfkit-drbd-fence-r0"[\s\S]*?<\/rsc_location>/, constraintXml('r0', 'drbd_r0-clone', 'node1', 'Promoted')));
  t.same(ownConstraint(mine, 'r0'), own, 'constraintXml = the constraint cibadmin stored');
  t.match(constraintXml('r"0', 'c<', 'n&', 'Master'), /id="ocfkit-drbd-fence-r&quot;0" rsc="c&lt;".*role="Master".*value="n&amp;"/, 'attribute values escaped');
});

t.test('peer states: booleans (2.1.5), timestamps (2.1.7+), missing', async (t) => {
  const healthy = cibOf(CLUSTER, 'pcmk2.1.5-cibadmin-query-two-node-healthy.xml');
  t.equal(peerState(healthy.status, 'node2').state, 'online', 'in_ccm="true" crmd="online"');
  t.equal(peerState(cibOf(CLUSTER, 'pcmk2.1.5-cibadmin-query-offline-node.xml').status, 'node2').state, 'down-clean', 'in_ccm="false" crmd="offline" expected="down"');
  t.equal(peerState(cibOf(CLUSTER, 'pcmk2.1.5-cibadmin-query-unclean-node.xml').status, 'node2').state, 'unclean', 'lost while expected="member"');
  const ts = text(HERE, TIMESTAMPS);
  t.equal(peerState(parseCibXml(ts).status, 'pcmk-2').state, 'online', 'in_ccm/crmd join timestamps');
  // Pacemaker Explained (status.rst): out of the membership is 0; a clean stop leaves expected="down"
  const downTs = ts.replace(/uname="pcmk-2" in_ccm="\d+" crmd="\d+"(.*?)expected="member"/, 'uname="pcmk-2" in_ccm="0" crmd="0"$1expected="down"');
  t.not(downTs, ts);
  t.equal(peerState(parseCibXml(downTs).status, 'pcmk-2').state, 'down-clean', 'in_ccm="0" crmd="0" expected="down"');
  const lostTs = ts.replace(/uname="pcmk-2" in_ccm="\d+" crmd="\d+"/, 'uname="pcmk-2" in_ccm="0" crmd="0"');
  t.equal(peerState(parseCibXml(lostTs).status, 'pcmk-2').state, 'unclean', 'in_ccm="0" while expected="member"');
  t.equal(peerState(cibOf(HERE, FENCED).status, 'node2').state, 'unclean', 'no node_state at all');
  t.same(peersOf(healthy, 'node1', []).map((p) => p.name), ['node2'], 'peers default to the other CIB nodes');
  t.same(peersOf(healthy, 'node1', ['node2', 'node1']).map((p) => p.name), ['node2'], 'or those DRBD named, never me');
});

t.test('the handler environment: DRBD 8.4 and 9 name the peers differently', async (t) => {
  t.same(namedPeers({ DRBD_PEERS: 'node2' }), ['node2']);
  t.same(namedPeers({ DRBD_PEER: 'node2' }), ['node2'], 'deprecated 8.3 name');
  t.same(namedPeers({ DRBD_MY_NODE_ID: '0', DRBD_NODE_ID_0: 'node1', DRBD_NODE_ID_1: 'node2', DRBD_NODE_ID_2: 'node3' }), ['node2', 'node3']);
  t.same(namedPeers({}), []);
});

const peer = (state: PeerView['state']): PeerView => ({ name: 'node2', state, evidence: '' });
const ID = constraintId('r0');

t.test('fence-peer decisions (exit codes of the DRBD handler convention)', async (t) => {
  const primaryAlone = facts('05-peer-killed-primary-wfconnection', 'node1');
  const none = { present: false } as const;
  const rows: [string, DrbdFacts, PeerView[], Parameters<typeof planFence>[3], string, number][] = [
    ['UpToDate, peer unclean', primaryAlone, [peer('unclean')], none, 'place', FENCE_EXIT.unreachable],
    ['UpToDate, peer cleanly down', primaryAlone, [peer('down-clean')], none, 'place', FENCE_EXIT.stonithed],
    ['UpToDate, peer online (replication link lost)', primaryAlone, [peer('online')], none, 'place', FENCE_EXIT.fenced],
    ['already ours for me: idempotent', primaryAlone, [peer('unclean')], { present: true, allowed: 'node1' }, 'none', FENCE_EXIT.fenced],
    ['ours for the peer: it fenced us; left alone', primaryAlone, [peer('online')], { present: true, allowed: 'node2' }, 'none', FENCE_EXIT.failed],
    ['ours in another shape: replaced', primaryAlone, [peer('unclean')], { present: true, allowed: null }, 'place', FENCE_EXIT.unreachable],
    ['Inconsistent, peer unclean: never the only Promoted copy', facts('11-standalone-inconsistent-after-interrupted-sync-i-shall-become-syncsource', 'node1'), [peer('unclean')], none, 'none', FENCE_EXIT.failed],
    ['connected, peer UpToDate: nothing to fence', facts('04-connected-primary-secondary-uptodate', 'node1'), [peer('online')], none, 'none', FENCE_EXIT.failed],
    ['DRBD down here', facts('06-rebooted-peer-drbd-not-started', 'node2'), [peer('online')], none, 'none', FENCE_EXIT.failed],
  ];
  for (const [what, f, peers, existing, kind, exit] of rows) {
    const p = planFence(f, 'node1', peers, existing, ID);
    t.same([p.kind, p.exit], [kind, exit], `${what}: ${p.message}`);
    if (p.kind === 'place') t.equal(p.replace, existing.present, `${what}: replace only what is ours`);
  }
});

t.test('unfence-peer decisions: only once every disk is UpToDate', async (t) => {
  const present = { present: true, allowed: 'node1' } as const;
  const ok = planUnfence(facts('04-connected-primary-secondary-uptodate', 'node2'), present, ID);
  t.equal(ok.kind, 'remove');
  const syncing = planUnfence(facts('02-initial-sync-in-progress', 'node2'), present, ID);
  t.same([syncing.kind, (syncing as { ok: boolean }).ok], ['none', false]);
  t.match(syncing.message, /^not removing ocfkit-drbd-fence-r0: local disk is Inconsistent/);
  const peerGone = planUnfence(facts('05-peer-killed-primary-wfconnection', 'node1'), present, ID);
  t.match(peerGone.message, /the peer's disk is unknown \(not connected\)/);
  t.same(planUnfence(facts('02-initial-sync-in-progress', 'node2'), { present: false }, ID), { kind: 'none', ok: true, message: `no constraint ${ID}: nothing to remove` }, 'no constraint: success, whatever the disks');
  const twoVolumes = factsFromStatus(parseEvents2(`exists resource name:r0 role:Secondary suspended:no
exists connection name:r0 peer-node-id:0 conn-name:peer connection:Connected role:Primary
exists device name:r0 volume:0 minor:0 disk:UpToDate
exists device name:r0 volume:1 minor:1 disk:Inconsistent
exists peer-device name:r0 peer-node-id:0 conn-name:peer volume:0 replication:Established peer-disk:UpToDate resync-suspended:no
exists peer-device name:r0 peer-node-id:0 conn-name:peer volume:1 replication:SyncTarget peer-disk:UpToDate resync-suspended:no
exists -
`), 'r0');
  t.match(planUnfence(twoVolumes, present, ID).message, /local disk is Inconsistent \(volume 1 Inconsistent\)/, 'every volume, not only the first');
});

/** A runner answering drbdsetup, crm_node and cibadmin from captures; records the calls. */
function fakeCluster(opts: { events2: string; cib: string[]; cibadmin?: Partial<ExecResult> }) {
  const calls: string[][] = [];
  let query = 0;
  const result = (command: string, args: readonly string[], over: Partial<ExecResult>): ExecResult => ({
    command, args, exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, durationMs: 1, spawnError: null, pid: 1, failed: false, ...over,
  });
  const runner: Runner = async (command, args) => {
    calls.push([command, ...args]);
    if (command === 'drbdsetup') return result(command, args, { stdout: opts.events2 });
    if (command === 'crm_node') return result(command, args, { stdout: 'node1\n' });
    if (command === 'cibadmin' && args[0] === '--query') return result(command, args, { stdout: opts.cib[Math.min(query++, opts.cib.length - 1)] });
    if (command === 'cibadmin') return result(command, args, opts.cibadmin ?? {});
    return result(command, args, { exitCode: 127, failed: true, spawnError: 'ENOENT' });
  };
  return { runner, calls };
}

t.test('unfence-peer: one --delete of our id; loud when the constraint survives it', async (t) => {
  const fenced = text(HERE, FENCED);
  const unfenced = fenced.replace(/\s*<rsc_location id="ocfkit-drbd-fence-r0"[\s\S]*?<\/rsc_location>/, '');
  const env = { DRBD_RESOURCE: 'r0' };
  const good = fakeCluster({ events2: events2('04-connected-primary-secondary-uptodate', 'node2'), cib: [fenced, unfenced] });
  const r = await unfencePeer({ exec: good.runner, deadline: Deadline.after(10_000), env });
  t.same([r.exit, r.wrote], [0, 'deleted'], r.message);
  const writes = good.calls.filter((c) => c[0] === 'cibadmin' && c[1] !== '--query');
  t.same(writes, [['cibadmin', '--delete', '--scope', 'constraints', '--xml-text', '<rsc_location id="ocfkit-drbd-fence-r0"/>']], 'exactly one write, by id; never --modify');
  t.match(unfenced, /location-drbd_r0-clone-node1-50/, 'the operator constraint is not part of what is deleted');

  // the LINBIT bug: the removal "succeeds" and the constraint is still there → must fail loudly
  const stuck = fakeCluster({ events2: events2('04-connected-primary-secondary-uptodate', 'node2'), cib: [fenced, fenced] });
  const s = await unfencePeer({ exec: stuck.runner, deadline: Deadline.after(10_000), env });
  t.equal(s.exit, 1);
  t.match(s.message, /^FAILED to remove ocfkit-drbd-fence-r0: it is still in the CIB/);

  const refused = fakeCluster({ events2: events2('02-initial-sync-in-progress', 'node2'), cib: [fenced] });
  const n = await unfencePeer({ exec: refused.runner, deadline: Deadline.after(10_000), env });
  t.equal(n.exit, 1);
  t.equal(refused.calls.filter((c) => c[0] === 'cibadmin' && c[1] !== '--query').length, 0, 'not UpToDate: no write at all');

  const noEnv = await unfencePeer({ exec: good.runner, deadline: Deadline.after(10_000), env: {} });
  t.match(noEnv.message, /no DRBD resource: DRBD sets DRBD_RESOURCE/);
  const bad = await unfencePeer({ exec: good.runner, deadline: Deadline.after(10_000), env: { DRBD_RESOURCE: '--force' } });
  t.match(bad.message, /^DRBD_RESOURCE: '--force' is not a DRBD resource name/);
});

t.test('fence-peer: created once, read back; a second run writes nothing', async (t) => {
  const fenced = text(HERE, FENCED);
  const before = fenced.replace(/\s*<rsc_location id="ocfkit-drbd-fence-r0"[\s\S]*?<\/rsc_location>/, '');
  const env = { DRBD_RESOURCE: 'r0', DRBD_PEERS: 'node2' };
  const c = fakeCluster({ events2: events2('05-peer-killed-primary-wfconnection', 'node1'), cib: [before, fenced] });
  const r = await fencePeer({ exec: c.runner, deadline: Deadline.after(10_000), env });
  t.same([r.exit, r.wrote], [FENCE_EXIT.unreachable, 'created'], r.message);
  const writes = c.calls.filter((x) => x[0] === 'cibadmin' && x[1] !== '--query');
  t.same(writes, [['cibadmin', '--create', '--scope', 'constraints', '--xml-text', constraintXml('r0', 'drbd_r0-clone', 'node1', 'Promoted')]]);
  const again = fakeCluster({ events2: events2('05-peer-killed-primary-wfconnection', 'node1'), cib: [fenced] });
  const r2 = await fencePeer({ exec: again.runner, deadline: Deadline.after(10_000), env });
  t.same([r2.exit, r2.wrote], [FENCE_EXIT.fenced, null]);
  t.equal(again.calls.filter((x) => x[0] === 'cibadmin' && x[1] !== '--query').length, 0, 'idempotent: no write');
  // a write the CIB does not show is a failure, not a success
  const lost = fakeCluster({ events2: events2('05-peer-killed-primary-wfconnection', 'node1'), cib: [before] });
  const r3 = await fencePeer({ exec: lost.runner, deadline: Deadline.after(10_000), env });
  t.equal(r3.exit, FENCE_EXIT.failed);
  t.match(r3.message, /could not place ocfkit-drbd-fence-r0/);
});
