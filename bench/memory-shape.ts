/**
 * Where a Node single executable's extra resident memory comes from. A probe that loads the
 * same built-ins an agent does (child_process, fs) and prints its own /proc/self/status at exit
 * is built two ways, as a plain CommonJS file run by /usr/bin/node and as a SEA with code
 * cache, exactly as scripts/build.mjs builds the agents. Private (anonymous) pages are what
 * each agent process really costs; file-backed pages are the executable's, shared by all.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, table } from './stats.ts';

const ROOT = join(import.meta.dirname, '..');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const FIELDS = ['VmHWM', 'RssAnon', 'RssFile'] as const;

function probe(argv: string[]): Record<string, number> {
  const r = spawnSync(argv[0]!, argv.slice(1), { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
  const out: Record<string, number> = {};
  for (const f of FIELDS) out[f] = Number(new RegExp(`${f}:\\s+(\\d+)`).exec(r.stdout)?.[1]) / 1024;
  return out;
}

export async function runMemoryShape(runs = 7): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-memshape-'));
  const script = join(dir, 'probe.cjs');
  writeFileSync(
    script,
    `const cp = require('node:child_process'); const fs = require('node:fs'); cp.spawnSync('true');
fs.writeSync(1, fs.readFileSync('/proc/self/status', 'utf8'));\n`,
  );
  const config = join(dir, 'sea.json');
  writeFileSync(config, JSON.stringify({ main: script, output: join(dir, 'probe.blob'), disableExperimentalSEAWarning: true, useCodeCache: true }));
  execFileSync('/usr/bin/node', ['--experimental-sea-config', config], { stdio: 'ignore' });
  const sea = join(dir, 'probe-sea');
  copyFileSync('/usr/bin/node', sea);
  execFileSync('/usr/bin/node', [join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js'), sea, 'NODE_SEA_BLOB', join(dir, 'probe.blob'), '--sentinel-fuse', FUSE], { stdio: 'ignore' });

  const forms: [string, string[]][] = [
    ['CommonJS file, /usr/bin/node', ['/usr/bin/node', script]],
    ['single executable, code cache', [sea]],
  ];
  const samples = new Map(forms.map(([label]) => [label, [] as Record<string, number>[]]));
  for (let i = 0; i < runs; i++) for (const [label, argv] of forms) samples.get(label)!.push(probe(argv));
  const rows = forms.map(([label]) => [label, ...FIELDS.map((f) => fmt(median(samples.get(label)!.map((s) => s[f]!)), 1))]);
  return [
    `Memory at exit of a probe loading child_process and fs (MiB, medians of ${runs}):`,
    '',
    table(['form', 'peak RSS (VmHWM)', 'private (RssAnon)', 'file-backed (RssFile)'], rows),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runMemoryShape());
}
