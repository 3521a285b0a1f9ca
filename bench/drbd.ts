/**
 * `monitor` and `promote` of ocf:ocfkit:drbd against ocf:linbit:drbd (drbd-utils 9.22, installed
 * at /usr/lib/ocf/resource.d/linbit/drbd), on the same steady state: Secondary, Connected,
 * UpToDate/UpToDate (the real 8.4.11 capture drbd-vm/03), answered by the stand-in drbdadm,
 * drbdsetup and crm_attribute of test/fixtures/drbd-standin (shell built-ins, ≈ the cost of
 * the C tools). Whole processes in a clean environment, alternating rounds, medians; child
 * processes counted by strace in a separate, untimed pass.
 *
 * LINBIT's agent looks for /proc/drbd and a block device before it reads any status; this
 * machine has no DRBD module, so it runs from a copy in a temporary directory whose only
 * change is that test (`test -f /proc/drbd` → a file of the stand-in's), and the stand-in's
 * `sh-dev` names an existing block device.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, runAlternating, spread, summarize, table } from './stats.ts';

const ROOT = join(import.meta.dirname, '..');
const CLEAN_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
const STANDIN = join(ROOT, 'test', 'fixtures', 'drbd-standin');
const VM = join(ROOT, '..', 'shared', 'fixtures', 'drbd-vm');
const LINBIT = '/usr/lib/ocf/resource.d/linbit';
const SECONDARY = join(VM, '03-connected-secondary-secondary-uptodate', 'node1');
const PRIMARY = join(VM, '04-connected-primary-secondary-uptodate', 'node1');

interface Candidate {
  label: string;
  argv: string[];
  env: Record<string, string>;
  ok: number[];
}

function blockDevice(): string {
  for (const name of readdirSync('/dev')) {
    try {
      if (statSync(join('/dev', name)).isBlockDevice()) return join('/dev', name);
    } catch {
      /* next */
    }
  }
  throw new Error('no block device in /dev for LINBIT’s test -b');
}

function linbitCopy(dir: string, standin: string): string {
  const d = join(dir, 'linbit');
  mkdirSync(d);
  const text = readFileSync(join(LINBIT, 'drbd'), 'utf8');
  if (!text.includes('test -f /proc/drbd')) throw new Error('LINBIT agent changed: no `test -f /proc/drbd`');
  writeFileSync(join(d, 'drbd'), text.replace('test -f /proc/drbd', `test -f ${standin}/proc-drbd`), { mode: 0o755 });
  copyFileSync(join(LINBIT, 'drbd.shellfuncs.sh'), join(d, 'drbd.shellfuncs.sh'));
  return join(d, 'drbd');
}

function runOnce(c: Candidate): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.argv[0]!, c.argv.slice(1), { env: c.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!c.ok.includes(r.status ?? -1)) throw new Error(`${c.label}: exit ${r.status}: ${r.stderr.toString().slice(-500)}`);
  return ms;
}

/** Processes a run starts (execve calls after the agent's own, strace -f), and how many were crm_attribute. */
function children(c: Candidate, dir: string): { procs: number; attr: number } {
  const trace = join(dir, 'trace');
  const envArgs = Object.entries(c.env).map(([k, v]) => `${k}=${v}`);
  spawnSync('/usr/bin/env', ['-i', ...envArgs, 'strace', '-f', '-qq', '-e', 'trace=execve', '-o', trace, ...c.argv], { stdio: 'ignore' });
  const lines = readFileSync(trace, 'utf8').split('\n').filter((l) => /execve\(/.test(l) && !/= -1 /.test(l));
  return { procs: lines.length - 1, attr: lines.filter((l) => /crm_attribute"/.test(l)).length };
}

export async function runDrbdBench(rounds = Number(process.env.BENCH_RUNS ?? 21)): Promise<string> {
  const ours = join(ROOT, 'dist', 'resource.d', 'ocfkit', 'drbd');
  if (!existsSync(ours)) throw new Error("run 'npm run build' first");
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-bench-drbd-'));
  const st = join(dir, 'standin');
  mkdirSync(join(st, 'run'), { recursive: true });
  writeFileSync(join(st, 'current'), SECONDARY + '\n');
  writeFileSync(join(st, 'calls'), '');
  writeFileSync(join(st, 'proc-drbd'), '');
  writeFileSync(join(st, 'dev'), blockDevice() + '\n');
  writeFileSync(join(st, 'next.primary'), PRIMARY + '\n');
  const linbit = linbitCopy(dir, st);
  const common = {
    PATH: `${STANDIN}:${CLEAN_PATH}`,
    OCF_ROOT: '/usr/lib/ocf',
    DRBD_STANDIN: st,
    HA_RSCTMP: join(st, 'run'),
    OCF_RESOURCE_INSTANCE: 'drbd_r0',
    OCF_RESKEY_drbd_resource: 'r0',
    OCF_RESKEY_CRM_meta_on_node: 'node1',
    OCF_RESKEY_CRM_meta_clone: '0',
    OCF_RESKEY_CRM_meta_clone_max: '2',
    OCF_RESKEY_CRM_meta_clone_node_max: '1',
    OCF_RESKEY_CRM_meta_master_max: '1',
    OCF_RESKEY_CRM_meta_master_node_max: '1',
    OCF_RESKEY_CRM_meta_promoted_max: '1',
    OCF_RESKEY_CRM_meta_promoted_node_max: '1',
    OCF_RESKEY_CRM_meta_promotable: 'true',
    OCF_RESKEY_CRM_meta_notify: 'true',
    OCF_RESKEY_CRM_meta_timeout: '20000',
  };
  const mon = { ...common, OCF_RESKEY_CRM_meta_interval: '20000' };
  const candidates: Candidate[] = [
    { label: '`node -e 0`', argv: ['/usr/bin/node', '-e', '0'], env: { PATH: CLEAN_PATH }, ok: [0] },
    { label: 'ocf:linbit:drbd monitor', argv: [linbit, 'monitor'], env: mon, ok: [0] },
    { label: 'ocf:ocfkit:drbd monitor', argv: [ours, 'monitor'], env: mon, ok: [0] },
  ];
  // steady state for both: scores written once (two passes, not counted)
  const wall = await runAlternating(candidates, rounds, runOnce, { warmUp: 2 });
  // promote: from the Secondary state each time
  const promote = (c: Candidate): number => {
    writeFileSync(join(st, 'current'), SECONDARY + '\n');
    return runOnce(c);
  };
  const promoters: Candidate[] = [
    { label: 'ocf:linbit:drbd promote', argv: [linbit, 'promote'], env: common, ok: [0] },
    { label: 'ocf:ocfkit:drbd promote', argv: [ours, 'promote'], env: common, ok: [0] },
  ];
  const pwall = await runAlternating(promoters, Math.ceil(rounds / 2), promote);
  writeFileSync(join(st, 'current'), SECONDARY + '\n');
  // count children (untimed): the stand-in's calls per steady-state monitor, and strace
  const counts = new Map<string, { procs: number; attr: number }>();
  for (const c of candidates.slice(1)) {
    runOnce(c);
    counts.set(c.label, children(c, dir));
  }
  // ours: one parent (strace) runs it twice, as execd does; count the second run's children
  const twice = { ...candidates[2]!, argv: ['/bin/sh', '-c', `"${ours}" monitor && "${ours}" monitor`] };
  const both = children(twice, dir);
  const first = children({ ...candidates[2]!, argv: ['/bin/sh', '-c', `"${ours}" monitor`] }, dir);
  // both − first = the second agent and its children; less the agent itself
  counts.set(candidates[2]!.label, { procs: both.procs - first.procs - 1, attr: both.attr - first.attr });

  const node = wall.get(candidates[0]!.label)!;
  const linbitMs = median(wall.get(candidates[1]!.label)!);
  const rows = candidates.map((c) => {
    const s = summarize(wall.get(c.label)!, node);
    const n = counts.get(c.label);
    return [c.label, fmt(s.median), spread(s), fmt(s.ratio, 2) + 'x', fmt(s.median / linbitMs, 2) + 'x', n ? String(n.procs) : '–', n ? String(n.attr) : '–'];
  });
  const prow = promoters.map((c) => {
    const s = summarize(pwall.get(c.label)!);
    return [c.label, fmt(s.median), spread(s)];
  });
  return [
    `Steady state Secondary/UpToDate (drbd-vm 03) on stand-ins, clean environment, ${rounds} alternating rounds (wall ms); processes started per monitor counted with strace -f (LINBIT's includes its shell's own forks):`,
    '',
    table(['command', 'median ms', 'p10–p90', 'vs node -e 0', 'vs LINBIT', 'child processes', 'crm_attribute calls'], rows),
    '',
    `Promote (Secondary → Primary, one \`drbdadm primary\`), ${Math.ceil(rounds / 2)} alternating rounds:`,
    '',
    table(['command', 'median ms', 'p10–p90'], prow),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runDrbdBench());
}
