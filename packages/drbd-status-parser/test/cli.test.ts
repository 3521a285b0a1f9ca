import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type CliIo } from '../src/cli.ts';
import { fixture, FIXTURES, PKG_DIR } from './helpers.ts';

function io(stdin = ''): CliIo & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    stdout: (s: string) => void (o.out += s),
    stderr: (s: string) => void (o.err += s),
    readStdin: () => stdin,
    readFile: (p: string) => fixture(p),
  };
  return o;
}

t.test('prints the documented fields', async (t) => {
  const x = io();
  t.equal(run(['drbd-vm/09-split-brain-both-primary-standalone/node1/drbdsetup-events2-now.txt'], x), 0);
  const j = JSON.parse(x.out);
  t.same(Object.keys(j), ['format', 'generation', 'version', 'resources', 'unconfiguredMinors', 'warnings']);
  t.equal(j.format, 'events2');
  const r = j.resources[0];
  t.equal(r.name, 'r0');
  t.equal(r.role, 'Primary');
  t.equal(r.volumes[0].disk, 'UpToDate');
  t.equal(r.connections[0].name, 'peer');
  t.equal(r.connections[0].state, 'StandAlone');
  t.equal(r.connections[0].peerRole, 'Unknown');
  t.equal(r.connections[0].volumes[0].peerDisk, 'DUnknown');
  t.equal(r.connections[0].volumes[0].replication, 'Off');
  t.equal(r.connections[0].volumes[0].percentInSync, null);
  t.equal(r.facts.splitBrainSuspected, true);
  t.ok(r.facts.splitBrainEvidence.length > 0);
});

t.test('stdin, options, errors', async (t) => {
  const a = io('Primary/Secondary\n');
  t.equal(run(['--resource', 'r0', '--compact', '-'], a), 0);
  t.equal(a.out.trim().split('\n').length, 1);
  t.equal(JSON.parse(a.out).resources[0].name, 'r0');

  const b = io('USAGE: drbdsetup command\n');
  t.equal(run([], b), 2);
  t.equal(JSON.parse(b.out).error.format, 'unknown');
  t.match(b.err, /usage text/);

  const c = io();
  t.equal(run(['--no-repair', 'drbd-public/status-json/drbd9-primary-syncsource-0pct-with-sync-details-NaN-invalid-json.json'], c), 2);
  t.equal(JSON.parse(c.out).error.line, 59);

  t.equal(run(['--format', 'bogus'], io()), 1);
  t.equal(run(['--wat'], io()), 1);
  const d = io();
  d.readFile = () => {
    throw new Error('ENOENT');
  };
  t.equal(run(['missing.txt'], d), 1);
  const h = io();
  t.equal(run(['--help'], h), 0);
  t.match(h.out, /usage: drbd-status-parser/);
});

t.test('the built bin runs with plain node', async (t) => {
  // Build into a temporary directory with esbuild (a root dev dependency), then run it.
  const out = join(mkdtempSync(join(tmpdir(), 'dsp-')), 'drbd-status-parser.cjs');
  const esbuild = join(PKG_DIR, '..', '..', 'node_modules', '.bin', 'esbuild');
  t.ok(existsSync(esbuild), 'esbuild is installed');
  execFileSync(esbuild, [join(PKG_DIR, 'src/bin.ts'), '--bundle', '--platform=node', '--format=cjs',
    '--banner:js=#!/usr/bin/node', `--outfile=${out}`, '--log-level=warning']);
  const file = join(FIXTURES, 'drbd-vm/02-initial-sync-in-progress/node1/proc-drbd.txt');
  const r = spawnSync(process.execPath, [out, file], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  t.equal(j.format, 'proc-drbd');
  t.same(j.resources[0].facts.sync[0].from, 'local');
  const bad = spawnSync(process.execPath, [out, '-'], { input: 'nonsense\n', encoding: 'utf8' });
  t.equal(bad.status, 2);
});
