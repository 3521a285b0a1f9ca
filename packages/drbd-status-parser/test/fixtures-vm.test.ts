/**
 * Every file of the drbd-vm lab captures: each DRBD command output parses (or is rejected with a
 * DrbdParseError when the command failed or printed usage text), and within one node directory
 * every format gives the same comparable model.
 */
import t from 'tap';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DrbdParseError, factsFor, parse, type DrbdStatus, type Format } from '../src/index.ts';
import { comparable, FIXTURES, golden, read, rel, walk } from './helpers.ts';

const snap = golden('fixtures-vm');
t.teardown(() => snap.save());

const VM = join(FIXTURES, 'drbd-vm');
const EXPECTED: Record<string, Format> = {
  'proc-drbd.txt': 'proc-drbd',
  'drbdadm-status.txt': 'status-text',
  'drbdadm-status-all.txt': 'status-text',
  'drbdsetup-status.txt': 'status-text',
  'drbdsetup-status-verbose-statistics.txt': 'status-text',
  'drbdsetup-events2-now.txt': 'events2',
  'drbdsetup-events2-now-statistics.txt': 'events2',
  'drbdadm-role.txt': 'short-role',
  'drbdadm-cstate.txt': 'short-cstate',
  'drbdadm-dstate.txt': 'short-dstate',
};
/** Side files: exit codes, stderr, capture times, kernel logs. Not command output. */
const SIDE = /\.(rc|stderr)$|^captured-at\.txt$|^dmesg-drbd\.txt$|^README\.md$/;

const files = walk(VM);
const nodeDirs = [...new Set(files.filter((f) => f.endsWith('proc-drbd.txt')).map(dirname))];
t.equal(nodeDirs.length, 22, 'all 22 node directories are present');

t.test('every file', async (t) => {
  let checked = 0;
  for (const f of files) {
    const name = basename(f);
    if (SIDE.test(name)) {
      t.ok(name.endsWith('.rc') ? /^\d+\n?$/.test(read(f)) : true, `${rel(f)} is a side file`);
      continue;
    }
    checked++;
    const rcFile = f.replace(/\.txt$/, '.rc');
    const rc = existsSync(rcFile) ? Number(read(rcFile).trim()) : 0;
    const text = read(f);
    const expected = EXPECTED[name];
    if (!expected || rc !== 0) {
      // drbd-overview (command not found), --json usage text (rc 20), failed commands (rc 10)
      const e = t.throws(() => parse(text), `${rel(f)} is rejected`) as DrbdParseError;
      t.type(e, DrbdParseError);
      t.equal(e.format, 'unknown');
      if (name.startsWith('drbdsetup-status-json')) t.match(e.reason, /usage text.*--json/, 'says why');
      continue;
    }
    const doc = parse(text);
    t.equal(doc.format, expected, `${rel(f)} detected as ${expected}`);
    t.same(doc.warnings, [], `${rel(f)} has no warnings`);
    if (doc.format === 'proc-drbd') t.equal(doc.version, '8.4.11');
    if (doc.generation !== 'unknown') t.equal(doc.generation, '8.4', `${rel(f)} is 8.4`);
    snap.check(t, rel(f), doc);
  }
  t.equal(checked, 22 * 13, 'thirteen command outputs per node directory');
});

/** Parse a node directory's outputs that succeeded, by file name. */
function parsedIn(dir: string): Map<string, DrbdStatus> {
  const out = new Map<string, DrbdStatus>();
  for (const name of Object.keys(EXPECTED)) {
    const f = join(dir, name);
    if (Number(read(f.replace(/\.txt$/, '.rc')).trim()) !== 0) continue;
    out.set(name, parse(read(f), { resource: 'r0' }));
  }
  return out;
}

t.test('the same state in every format gives the same model', async (t) => {
  for (const dir of nodeDirs) {
    const docs = parsedIn(dir);
    const label = rel(dir);
    const full = ['proc-drbd.txt', 'drbdadm-status.txt', 'drbdadm-status-all.txt', 'drbdsetup-status.txt',
      'drbdsetup-status-verbose-statistics.txt', 'drbdsetup-events2-now.txt', 'drbdsetup-events2-now-statistics.txt']
      .filter((n) => docs.has(n));
    const ref = comparable(docs.get('proc-drbd.txt')!);
    for (const n of full) t.same(comparable(docs.get(n)!), ref, `${label}: ${n} = proc-drbd`);

    const proc = docs.get('proc-drbd.txt')!;
    const r = proc.resources[0];
    if (!r) {
      // 06: DRBD not started; status commands failed, events2 is empty, dstate reads the metadata
      t.same(docs.get('drbdsetup-events2-now.txt')!.resources, [], `${label}: events2 empty too`);
      continue;
    }
    const c = r.connections[0]!;
    const role = docs.get('drbdadm-role.txt')!.resources[0]!;
    t.same([role.role, role.connections[0]!.peerRole], [r.role, c.peerRole], `${label}: role`);
    const cs = docs.get('drbdadm-cstate.txt')!.resources[0]!.connections[0]!;
    t.same([cs.state, cs.volumes[0]!.replication], [c.state, c.volumes[0]!.replication], `${label}: cstate`);
    const ds = docs.get('drbdadm-dstate.txt')!.resources[0]!;
    t.same([ds.volumes[0]!.disk, ds.connections[0]!.volumes[0]!.peerDisk], [r.volumes[0]!.disk, c.volumes[0]!.peerDisk], `${label}: dstate`);
    // Facts agree wherever the format shows the connection.
    const f = factsFor(r);
    for (const n of ['drbdsetup-events2-now.txt', 'drbdsetup-events2-now-statistics.txt']) {
      const g = factsFor(docs.get(n)!.resources[0]!);
      t.same([g.primary, g.allUpToDate, g.peerPrimary, g.anyPeerUpToDate, g.standAlone, g.splitBrainSuspected, g.syncing],
        [f.primary, f.allUpToDate, f.peerPrimary, f.anyPeerUpToDate, f.standAlone, f.splitBrainSuspected, f.syncing], `${label}: facts from ${n}`);
    }
  }
});

t.test('8.4 drbdadm status leaves StandAlone connections out', async (t) => {
  const standAlone = nodeDirs.filter((d) => /\/(09-|11-.*\/node1)/.test(d));
  t.equal(standAlone.length, 3, 'both nodes of scenario 09, node1 of scenario 11 (every assertion below is per directory)');
  for (const dir of standAlone) {
    const docs = parsedIn(dir);
    t.equal(docs.get('proc-drbd.txt')!.resources[0]!.connections[0]!.state, 'StandAlone');
    t.equal(docs.get('drbdsetup-events2-now.txt')!.resources[0]!.connections[0]!.state, 'StandAlone');
    t.equal(docs.get('drbdadm-cstate.txt')!.resources[0]!.connections[0]!.state, 'StandAlone');
    const text = docs.get('drbdadm-status.txt')!;
    t.same(text.resources[0]!.connections, [], `${rel(dir)}: no connection in status text`);
    t.equal(text.generation, 'unknown', 'nothing in that text tells the generation');
  }
});
