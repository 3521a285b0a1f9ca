/**
 * The alert agent's wall time per event against `node -e 0`: Pacemaker runs it once per event
 * (and recipient) on every node. A clean environment as Pacemaker gives it (a real captured
 * CRM_alert_* set plus the alert's options, nothing else), the built single executable,
 * alternating rounds, medians. Each run appends to the event log with fsync, as in production;
 * with no subscriber (the common case) and with one listening on the socket.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvDump } from '../lib/alert/env.ts';
import { fmt, runAlternating, spread, summarize, table } from './stats.ts';

const ROOT = join(import.meta.dirname, '..');
const CLEAN_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

interface Candidate {
  label: string;
  argv: string[];
  env: Record<string, string>;
}

let timeFile = '';

/** Wall ms of one run, and its CPU ms (user + system, GNU time, 10 ms resolution: averaged). */
function runOnce(c: Candidate): { wall: number; cpu: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%U %S', ...c.argv], { env: c.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || r.stderr.length > 0) throw new Error(`${c.label}: exit ${r.status} ${r.stderr}`);
  const [user, sys] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
  return { wall, cpu: (user! + sys!) * 1000 };
}

export async function runAlertBench(rounds = Number(process.env.BENCH_RUNS ?? 20)): Promise<string> {
  const agent = join(ROOT, 'dist', 'alerts', 'ocfkit-alert');
  if (!existsSync(agent)) throw new Error("run 'npm run build' first");
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-bench-alert-'));
  timeFile = join(dir, 'time.out');
  const logDir = join(dir, 'lib');
  mkdirSync(logDir, { mode: 0o750 });
  chmodSync(logDir, 0o750);
  mkdirSync(join(dir, 'run'));
  const captured = parseEnvDump(readFileSync(join(ROOT, 'test', 'fixtures', 'alert', 'pacemaker-2.1.5-resource-promote.env'), 'utf8'));
  delete captured._;
  const alertEnv = { PATH: CLEAN_PATH, ...captured, log: join(logDir, 'events.jsonl'), socket: join(dir, 'run', 'events.sock') };
  const subscribed = { ...alertEnv, socket: join(dir, 'run', 'sub', 'events.sock') };
  // the same on a tmpfs: what the disk flush (fsync) costs
  const shm = mkdtempSync('/dev/shm/ocfkit-bench-alert-');
  chmodSync(shm, 0o750);
  const onTmpfs = { ...alertEnv, log: join(shm, 'events.jsonl') };
  mkdirSync(join(dir, 'run', 'sub'));
  let received = 0;
  const server = createServer((c) => c.on('data', () => received++));
  await new Promise<void>((r) => server.listen(subscribed.socket, r));

  const candidates: Candidate[] = [
    { label: '`node -e 0`', argv: ['/usr/bin/node', '-e', '0'], env: { PATH: CLEAN_PATH } },
    { label: 'ocfkit-alert, no subscriber', argv: [agent], env: alertEnv },
    { label: 'ocfkit-alert, one subscriber', argv: [agent], env: subscribed },
    { label: 'ocfkit-alert, log on tmpfs (no disk flush)', argv: [agent], env: onTmpfs },
  ];
  // spawnSync blocks this process, so the subscriber is served between runs: run it async-ish
  const runAsync = (c: Candidate): Promise<{ wall: number; cpu: number }> =>
    new Promise((resolve) => setImmediate(() => resolve(runOnce(c))));
  const samples = await runAlternating(candidates, rounds, runAsync, { warmUp: 1 }); // warm-up: the page cache
  const wall = (c: Candidate): number[] => samples.get(c.label)!.map((r) => r.wall);
  const cpu = (c: Candidate): number[] => samples.get(c.label)!.map((r) => r.cpu);
  server.close();
  const lines = readFileSync(alertEnv.log, 'utf8').split('\n').filter(Boolean).length;
  rmSync(dir, { recursive: true, force: true });
  rmSync(shm, { recursive: true, force: true });
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const nodeCpu = mean(cpu(candidates[0]!));
  const rows = candidates.map((c) => {
    const s = summarize(wall(c), wall(candidates[0]!));
    const cm = mean(cpu(c));
    return [c.label, fmt(s.median), spread(s), `${fmt(s.ratio, 2)}x`, fmt(cm), `${fmt(cm / nodeCpu, 2)}x`];
  });
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return [
    `Alert agent per event, clean environment (a captured Pacemaker 2.1.5 promote alert), ${rounds} alternating rounds; wall ms (median) and CPU ms (user + system, mean, GNU time); every run appends + fsyncs one line (${lines} lines written); load average ${load}:`,
    '',
    table(['command', 'median wall ms', 'p10–p90', 'wall vs node -e 0', 'CPU ms', 'CPU vs node -e 0'], rows),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runAlertBench());
}
