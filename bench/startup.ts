/**
 * Agent start-up, the hot path: Pacemaker runs `monitor` as a new process every few seconds per
 * resource. Every command runs in a clean environment as Pacemaker gives it (no
 * NODE_EXTRA_CA_CERTS, no NODE_OPTIONS), rounds alternate the order of the commands, and the
 * figures are medians with ratios to `node -e 0` and to the shell agent Dummy measured in the
 * same run. Peak memory is GNU time's maximum resident set size, in a separate pass.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { fmt, median, runAlternating, spread, summarize, table } from './stats.ts';

const ROOT = join(import.meta.dirname, '..');
const CLEAN_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

interface Candidate {
  label: string;
  argv: string[];
  env: Record<string, string>;
}

async function variantBundles(dir: string): Promise<{ lean: string; heavy: string }> {
  // The same small job (read a parameter, run one subprocess, log one line) two ways.
  const lean = join(dir, 'lean.cjs');
  const heavy = join(dir, 'heavy.cjs');
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', minify: true, logLevel: 'warning' as const };
  await build({
    ...common,
    stdin: {
      contents: `const { spawnSync } = require('node:child_process'); const { writeSync } = require('node:fs');
const r = spawnSync('true', [], { timeout: 5000 }); writeSync(2, 'lean rc=' + r.status + ' p=' + process.env.OCF_RESKEY_x + '\\n');`,
      resolveDir: ROOT,
      loader: 'js',
    },
    outfile: lean,
  });
  await build({
    ...common,
    stdin: {
      contents: `import { execa } from 'execa'; import pino from 'pino';
const log = pino({ name: 'heavy' }, pino.destination({ fd: 2, sync: true }));
const r = await execa('true', [], { timeout: 5000, reject: false }); log.info({ rc: r.exitCode, p: process.env.OCF_RESKEY_x }, 'heavy');`,
      resolveDir: ROOT,
      loader: 'js',
    },
    format: 'esm',
    outfile: heavy.replace(/\.cjs$/, '.mjs'),
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return { lean, heavy: heavy.replace(/\.cjs$/, '.mjs') };
}

function runOnce(c: Candidate): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.argv[0]!, c.argv.slice(1), { env: c.env, stdio: ['ignore', 'ignore', 'ignore'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !(c.label.includes('monitor') && r.status === 7)) throw new Error(`${c.label}: exit ${r.status}`);
  return ms;
}

function peakKiB(c: Candidate): number {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...c.argv], { env: c.env, encoding: 'utf8' });
  const last = r.stderr.trim().split('\n').pop()!;
  return Number(last);
}

export async function runStartupBench(rounds = Number(process.env.BENCH_RUNS ?? 30)): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-bench-'));
  const agents = join(ROOT, 'dist', 'resource.d', 'ocfkit');
  const bundles = join(ROOT, 'dist', 'agents');
  if (!existsSync(join(agents, 'services'))) throw new Error("run 'npm run build' first");
  const services = JSON.stringify(['a', 'b', 'c'].map((name) => ({ name, command: ['/bin/sleep', '86400.123'] })));
  const ocfEnv = {
    PATH: CLEAN_PATH,
    OCF_ROOT: '/usr/lib/ocf',
    HA_RSCTMP: join(dir, 'run'),
    OCF_RESOURCE_INSTANCE: 'bench',
    OCF_RESKEY_services: services,
    OCF_RESKEY_log_dir: join(dir, 'log'),
    OCF_RESKEY_CRM_meta_interval: '10000',
    OCF_RESKEY_CRM_meta_timeout: '20000',
  };
  mkdirSync(join(dir, 'run'), { recursive: true });
  const dummyEnv = { PATH: CLEAN_PATH, OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'd', OCF_RESKEY_state: join(dir, 'dummy.state') };
  writeFileSync(join(dir, 'dummy.state'), '');

  const start = spawnSync(join(agents, 'services'), ['start'], { env: ocfEnv, encoding: 'utf8' });
  if (start.status !== 0) throw new Error(`services start failed: ${start.stderr}`);
  const { lean, heavy } = await variantBundles(dir);

  const candidates: Candidate[] = [
    { label: '`node -e 0`', argv: ['/usr/bin/node', '-e', '0'], env: { PATH: CLEAN_PATH } },
    { label: 'Dummy monitor (shell)', argv: ['/usr/lib/ocf/resource.d/heartbeat/Dummy', 'monitor'], env: dummyEnv },
    { label: 'services monitor (installed form)', argv: [join(agents, 'services'), 'monitor'], env: ocfEnv },
    { label: 'services meta-data (installed form)', argv: [join(agents, 'services'), 'meta-data'], env: ocfEnv },
    { label: 'services monitor (CJS bundle)', argv: [join(bundles, 'services.cjs'), 'monitor'], env: ocfEnv },
    { label: 'services meta-data (CJS bundle)', argv: [join(bundles, 'services.cjs'), 'meta-data'], env: ocfEnv },
    { label: 'small job, built-ins bundle', argv: ['/usr/bin/node', lean], env: { PATH: CLEAN_PATH, OCF_RESKEY_x: '1' } },
    { label: 'small job, execa + pino bundle', argv: ['/usr/bin/node', heavy], env: { PATH: CLEAN_PATH, OCF_RESKEY_x: '1' } },
  ];

  // peak RSS in a separate pass every third round, in that round's order
  const mem = new Map<string, number[]>(candidates.map((c) => [c.label, []]));
  const wall = await runAlternating(candidates, rounds, runOnce, {
    warmUp: 1, // the page cache
    afterRound: (round, order) => {
      if (round % 3 === 0) for (const c of order) mem.get(c.label)!.push(peakKiB(c));
    },
  });
  spawnSync(join(agents, 'services'), ['stop'], { env: ocfEnv });

  const node = wall.get(candidates[0]!.label)!;
  const dummyMs = median(wall.get(candidates[1]!.label)!);
  const rows = candidates.map((c) => {
    const s = summarize(wall.get(c.label)!, node);
    return [c.label, fmt(s.median), spread(s), fmt(s.ratio, 2) + 'x', fmt(s.median / dummyMs, 1) + 'x', fmt(median(mem.get(c.label)!) / 1024, 1)];
  });
  return [
    `Agent start-up, clean environment, ${rounds} alternating rounds (wall ms; peak RSS from GNU time):`,
    '',
    table(['command', 'median ms', 'p10–p90', 'vs node -e 0', 'vs Dummy', 'peak MiB'], rows),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runStartupBench());
}
