import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEvents2 } from 'drbd-status-parser';
import { factsFromStatus } from '../../lib/drbd/facts.ts';
import { monitorAnswer } from '../../lib/drbd/monitor-code.ts';
import { parseVersion, versionCode } from '../../lib/drbd/version.ts';
import { describeHolders, mountsOf, openHolders } from '../../lib/drbd/holders.ts';
import { trusted, type Memory } from '../../lib/drbd/memory.ts';
import { metaProblems, resourceNameProblem, wfcTimeoutMs, peerPrimaryPolicy } from '../../lib/drbd/validate.ts';
import type { MetaInfo } from '../../lib/ocf/context.ts';

const VM = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'drbd-vm');

function capture(state: string, node: string) {
  const file = join(VM, state, node, 'drbdsetup-events2-now.txt');
  return factsFromStatus(parseEvents2(existsSync(file) ? readFileSync(file, 'utf8') : 'exists -\n'), 'r0');
}

t.test('facts and monitor codes of every real capture', async (t) => {
  const want: Record<string, [string, number, string, string, boolean]> = {
    // state/node: summary, monitor code, local, peer, split brain
    '01-fresh-md-connected-secondary-secondary-inconsistent/node1': ['Secondary disk:Inconsistent peer:Connected/Secondary/Inconsistent', 0, 'Inconsistent', 'Known', false],
    '01b-after-new-current-uuid-clear-bitmap-uptodate/node2': ['Secondary disk:UpToDate peer:Connected/Secondary/UpToDate', 0, 'UpToDate', 'UpToDate', false],
    '02-initial-sync-in-progress/node2': ['Secondary disk:Inconsistent peer:Connected/Primary/UpToDate', 0, 'Inconsistent', 'UpToDate', false],
    '03-connected-secondary-secondary-uptodate/node1': ['Secondary disk:UpToDate peer:Connected/Secondary/UpToDate', 0, 'UpToDate', 'UpToDate', false],
    '04-connected-primary-secondary-uptodate/node1': ['Primary disk:UpToDate peer:Connected/Secondary/UpToDate', 8, 'UpToDate', 'UpToDate', false],
    '04-connected-primary-secondary-uptodate/node2': ['Secondary disk:UpToDate peer:Connected/Primary/UpToDate', 0, 'UpToDate', 'UpToDate', false],
    '05-peer-killed-primary-wfconnection/node1': ['Primary disk:UpToDate peer:Connecting/Unknown/DUnknown', 8, 'UpToDate', 'Unknown', false],
    '06-rebooted-peer-drbd-not-started/node2': ['not configured (down)', 7, 'Diskless', 'Unknown', false],
    '09-split-brain-both-primary-standalone/node1': ['Primary disk:UpToDate peer:StandAlone/Unknown/DUnknown', 191, 'UpToDate', 'Unknown', true],
    '09-split-brain-both-primary-standalone/node2': ['Primary disk:UpToDate peer:StandAlone/Unknown/DUnknown', 191, 'UpToDate', 'Unknown', true],
    '11-standalone-inconsistent-after-interrupted-sync-i-shall-become-syncsource/node1': ['Secondary disk:Inconsistent peer:StandAlone/Unknown/DUnknown', 0, 'Inconsistent', 'Unknown', false],
    '11-standalone-inconsistent-after-interrupted-sync-i-shall-become-syncsource/node2': ['Secondary disk:Inconsistent peer:Connecting/Unknown/DUnknown', 0, 'Inconsistent', 'Unknown', false],
  };
  for (const [key, [summary, code, local, peer, sb]] of Object.entries(want)) {
    const [state, node] = key.split('/') as [string, string];
    const f = capture(state, node);
    t.same([f.summary, monitorAnswer(f).code, f.local, f.peer, f.splitBrain], [summary, code, local, peer, sb], key);
  }
  const sb = monitorAnswer(capture('09-split-brain-both-primary-standalone', 'node1'));
  t.match(sb.reason, /^split brain suspected on r0: Primary disk:UpToDate peer:StandAlone/);
});

t.test('a volume added live is named', async (t) => {
  const text = `exists resource name:r0 role:Secondary suspended:no
exists connection name:r0 peer-node-id:0 conn-name:peer connection:Connected role:Primary
exists device name:r0 volume:0 minor:0 disk:UpToDate
exists device name:r0 volume:1 minor:1 disk:Inconsistent
exists peer-device name:r0 peer-node-id:0 conn-name:peer volume:0 replication:Established peer-disk:UpToDate resync-suspended:no
exists peer-device name:r0 peer-node-id:0 conn-name:peer volume:1 replication:SyncTarget peer-disk:UpToDate resync-suspended:no
exists -
`;
  const f = factsFromStatus(parseEvents2(text), 'r0');
  t.equal(f.local, 'Inconsistent');
  t.same(f.laggingVolumes, [{ volume: 1, disk: 'Inconsistent' }]);
  t.same(f.minors, [0, 1]);
});

t.test('drbdadm --version', async (t) => {
  const host = `DRBDADM_BUILDTAG=GIT-hash:\\ 409097fe\nDRBDADM_API_VERSION=2\nDRBD_KERNEL_VERSION_CODE=0x08040b\nDRBD_KERNEL_VERSION=8.4.11\nDRBDADM_VERSION_CODE=0x091600\nDRBDADM_VERSION=9.22.0\n`;
  t.same(parseVersion(host), { kernelCode: 0x08040b, kernel: '8.4.11', utilsCode: 0x091600, utils: '9.22.0', generation: '8.4' });
  t.equal(parseVersion('DRBD_KERNEL_VERSION_CODE=0x090119\n').generation, '9');
  t.equal(parseVersion('DRBD_KERNEL_VERSION_CODE=0x000000\n').generation, null, 'module not loaded');
  t.throws(() => parseVersion('drbdadm: unknown option'), { name: 'VersionParseError' });
  t.throws(() => parseVersion('DRBD_KERNEL_VERSION_CODE=$(reboot)'), { name: 'VersionParseError' });
  t.equal(versionCode('9.0.16'), 0x090010);
  t.equal(versionCode('9.0'), null);
});

t.test('validation', async (t) => {
  t.equal(resourceNameProblem('r0'), null);
  t.equal(resourceNameProblem('my-res_1.a'), null);
  for (const bad of ['-r0', 'r 0', 'r0;reboot', '', 'a'.repeat(65), 'r/0']) t.ok(resourceNameProblem(bad), `'${bad}' refused`);
  const meta = (m: Partial<MetaInfo>): MetaInfo => ({ intervalMs: 0, timeoutMs: 0, onNode: 'n1', clone: 0, cloneMax: 2, cloneNodeMax: 1, promotable: true, promotedMax: 1, promotedNodeMax: 1, notify: true, raw: {}, ...m });
  const base = { generation: '8.4' as const, ignoreMissingNotifications: false, allowTwoPrimaries: null, checkNotify: true };
  t.same(metaProblems({ ...base, meta: meta({}) }), []);
  t.match(metaProblems({ ...base, meta: meta({ cloneMax: 3 }) }), [/clone-max must be at most 2 with DRBD 8.4/]);
  t.same(metaProblems({ ...base, generation: '9', meta: meta({ cloneMax: 3 }) }), [], 'DRBD 9: three nodes');
  t.match(metaProblems({ ...base, meta: meta({ cloneNodeMax: 2 }) }), [/clone-node-max must be 1/]);
  t.match(metaProblems({ ...base, meta: meta({ promotedMax: 2 }), allowTwoPrimaries: false }), [/allow-two-primaries/]);
  t.same(metaProblems({ ...base, meta: meta({ promotedMax: 2 }), allowTwoPrimaries: true }), []);
  t.match(metaProblems({ ...base, meta: meta({ notify: false }) }), [/notify must be true/]);
  t.same(metaProblems({ ...base, meta: meta({ notify: false }), ignoreMissingNotifications: true }), []);
  t.same(metaProblems({ ...base, meta: meta({ notify: false }), checkNotify: false }), [], 'monitor and stop do not need notify');
  t.same(metaProblems({ ...base, meta: meta({ clone: undefined, cloneMax: undefined, notify: false }) }), [], 'outside a clone (ocf-tester)');
  t.same([wfcTimeoutMs('5'), wfcTimeoutMs(''), wfcTimeoutMs('x'), wfcTimeoutMs(undefined)], [5000, 0, 0, 0]);
  t.same(['true', 'yes', 'unexpected', 'false', 'junk'].map(peerPrimaryPolicy), ['always', 'always', 'unexpected', 'never', 'never']);
});

t.test('the memory is trusted only when written by the same execd, recently', async (t) => {
  const writer = { pid: 100, start: '555' };
  const m: Memory = { v: 1, attr: 'master-d', node: 'n1', score: 10000, splitBrain: null, writer, at: 1_000_000, refusal: null, version: null };
  const base = { memory: m, attr: 'master-d', node: 'n1', writer, now: 1_000_000 + 60_000, maxAgeMs: 300_000 };
  t.equal(trusted(base), true);
  t.equal(trusted({ ...base, writer: { pid: 100, start: '777' } }), false, 'Pacemaker restarted (same pid, new execd)');
  t.equal(trusted({ ...base, writer: { pid: 101, start: '555' } }), false);
  t.equal(trusted({ ...base, now: m.at + 300_000 }), false, 'too old');
  t.equal(trusted({ ...base, now: m.at - 1 }), false, 'wall clock stepped back');
  t.equal(trusted({ ...base, node: 'n2' }), false);
  t.equal(trusted({ ...base, memory: null }), false);
});

t.test('who holds a device open: processes by /proc/*/fd, mounts by major:minor', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-holders-'));
  const file = join(dir, 'dev');
  writeFileSync(file, '');
  const child = spawn('/bin/sh', ['-c', `exec 3<"${file}"; exec sleep 30`], { stdio: 'ignore' });
  t.teardown(() => void child.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, 300));
  const found = openHolders(file);
  t.same(found.map((h) => h.pid), [child.pid]);
  t.equal(found[0]?.comm, 'sleep');
  const mi = '36 25 147:0 / /srv rw,relatime shared:1 - ext4 /dev/drbd0 rw\n37 25 8:1 / / rw - ext4 /dev/sda1 rw\n38 25 147:0 / /mnt/with\\040space rw - ext4 /dev/drbd0 rw\n';
  t.same(mountsOf(mi, 147, 0), ['/srv', '/mnt/with space']);
  t.equal(describeHolders(0, { mountinfo: mi }), '/dev/drbd0 held by mounted on /srv, mounted on /mnt/with space');
  t.equal(describeHolders(0, { mountinfo: '' }), '/dev/drbd0: no holder found');
});

t.test('a volume added live, Inconsistent on every node: a Primary keeps its score, a Secondary gets none', async (t) => {
  const state = (role: string, peerRole: string) => `exists resource name:r0 role:${role} suspended:no
exists connection name:r0 peer-node-id:0 conn-name:peer connection:Connected role:${peerRole}
exists device name:r0 volume:0 minor:0 disk:UpToDate
exists device name:r0 volume:1 minor:1 disk:Inconsistent
exists peer-device name:r0 peer-node-id:0 conn-name:peer volume:0 replication:Established peer-disk:UpToDate resync-suspended:no
exists peer-device name:r0 peer-node-id:0 conn-name:peer volume:1 replication:Established peer-disk:Inconsistent resync-suspended:no
exists -
`;
  const p = factsFromStatus(parseEvents2(state('Primary', 'Secondary')), 'r0');
  t.equal(p.local, 'UpToDate', 'the never-synced volume does not count on the Primary');
  t.same(p.unsyncedVolumes, [1]);
  t.same(p.laggingVolumes, [{ volume: 1, disk: 'Inconsistent' }], 'still named for the warning');
  const s = factsFromStatus(parseEvents2(state('Secondary', 'Primary')), 'r0');
  t.equal(s.local, 'Inconsistent', 'on a Secondary it counts: DRBD would refuse its promotion');
  t.same(s.unsyncedVolumes, [1]);
  // a resync target is not "never synced": the peer has the data
  const target = factsFromStatus(parseEvents2(state('Primary', 'Secondary').replace('volume:1 replication:Established peer-disk:Inconsistent', 'volume:1 replication:SyncTarget peer-disk:UpToDate')), 'r0');
  t.equal(target.local, 'Inconsistent');
  t.same(target.unsyncedVolumes, []);
});
