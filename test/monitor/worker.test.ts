/**
 * The worker thread: a big crm_mon is read and parsed off the application's event loop (the
 * event-loop delay while the worker parses ~40 MB, against the time the same parse blocks the
 * main thread), and a worker that dies (terminated, out of its memory limit) is reported as
 * `unknown`, restarted, and never takes the application down.
 */
import t from 'tap';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseCrmMonXml } from '../../lib/cluster/index.ts';
import { ClusterMonitor, type RoleChange } from '../../lib/monitor/index.ts';
import { crmMonLarge } from '../cluster/hostile.ts';
import { cibFixture, collectingLogger, scratchDir, until } from './fixtures/helpers.ts';

const dir = scratchDir('worker');
const big = join(dir, 'big.xml');
// ~40 MB of realistic crm_mon: 32 nodes, 100 000 resources; the resource under watch is c0 (Promoted on node0)
writeFileSync(big, crmMonLarge(100_000));
const bin = join(dir, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'crm_mon'), `#!/bin/bash\nexec cat ${big}\n`);
chmodSync(join(bin, 'crm_mon'), 0o755);
const env = { PATH: `${bin}:${process.env.PATH}` };

t.test('a 40 MB crm_mon never stalls the application: event-loop delay vs the same parse inline', async (t) => {
  const { logger } = collectingLogger();
  const h = monitorEventLoopDelay({ resolution: 10 });
  const m = new ClusterMonitor({ resource: 'c0', node: 'node0', pollIntervalMs: 600_000, pollTimeoutMs: 120_000, socketPath: null, logger, env });
  t.teardown(() => m.close());
  await m.ready;
  // ticks keep the loop busy with small work, as an application's would be
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  h.enable();
  const w1 = performance.now();
  const mainCpu1 = mainThreadCpuMs();
  await until(() => m.facts, 120_000, 'the first poll of the big document');
  const pollMs = performance.now() - w1;
  const mainCpuDuringPoll = mainThreadCpuMs() - mainCpu1;
  h.disable();
  clearInterval(ticker);
  // then what the same parse costs on the application's thread (after: its garbage must not be collected during the measurement)
  // (CPU time of this thread alone, from /proc: the machine may be loaded, wall time is not the measure)
  const cpu0 = mainThreadCpuMs();
  const w0 = performance.now();
  const status = parseCrmMonXml(readFileSync(big));
  const inlineMs = performance.now() - w0;
  const inlineCpuMs = mainThreadCpuMs() - cpu0;
  t.ok(status.instances.length > 100_000, `${status.instances.length} instances parsed inline in ${Math.round(inlineMs)} ms (${Math.round(inlineCpuMs)} ms CPU)`);

  const maxDelayMs = h.max / 1e6;
  t.equal(m.facts!.role, 'active', 'c0 Promoted on node0: active');
  t.ok(pollMs > 200, `the worker took ${Math.round(pollMs)} ms to read and parse`);
  // generous bounds: inline, the application's thread spends the whole parse's CPU and is blocked
  // for its whole wall time; with the worker it must spend under a quarter of that CPU, and no
  // single event-loop delay may come near the inline block (half of it, measured under the same load)
  t.ok(mainCpuDuringPoll < inlineCpuMs / 4, `application thread CPU during the worker's poll: ${Math.round(mainCpuDuringPoll)} ms (inline parse: ${Math.round(inlineCpuMs)} ms)`);
  t.ok(maxDelayMs < inlineMs / 2, `largest event-loop delay ${Math.round(maxDelayMs)} ms while the worker parsed (inline: blocked ${Math.round(inlineMs)} ms)`);
  t.comment(`event-loop delay p50 ${Math.round(h.percentile(50) / 1e6)} ms, p99 ${Math.round(h.percentile(99) / 1e6)} ms, max ${Math.round(maxDelayMs)} ms`);
  t.ok(ticks > (pollMs / 5) * 0.25, `the loop kept ticking (${ticks} ticks of 5 ms in ${Math.round(pollMs)} ms)`);
});

t.test('a worker that dies: unknown, restarted, role back; the application keeps running', async (t) => {
  const { logger, lines } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node1', pollIntervalMs: 300, unknownAfterMs: 300, socketPath: null, logger, env: { CIB_file: cibFixture('two-node-healthy') } });
  t.teardown(() => m.close());
  const changes: RoleChange[] = [];
  m.on('role', (c) => changes.push(c));
  await until(() => m.role === 'active', 15_000, 'active');
  await m.worker!.terminate();
  await until(() => m.role === 'unknown', 5000, 'unknown');
  await until(() => m.role === 'active', 15_000, 'active again');
  t.equal(m.workerStarts, 2, 'restarted once');
  t.ok(lines.some((l) => l.msg === 'poll worker died; restarting it'), 'logged');
  t.same(changes.map((c) => `${c.role}:${c.source}`), ['active:poll', 'unknown:monitor', 'active:poll']);
});

t.test('a worker out of its memory limit (a huge crm_mon) dies alone; the application thread is untouched', async (t) => {
  const { logger, lines } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'c0', node: 'node0', pollIntervalMs: 300, unknownAfterMs: 300, workerMaxMemoryMb: 48, socketPath: null, logger, env });
  t.teardown(() => m.close());
  const heap0 = process.memoryUsage().heapUsed;
  await until(() => lines.find((l) => /out of memory/.test(String(l.reason))), 60_000, 'the worker out of memory');
  await until(() => m.role === 'unknown', 5000, 'unknown');
  t.pass('the application is alive and says unknown');
  t.ok(process.memoryUsage().heapUsed - heap0 < 32 * 1024 * 1024, 'the big document never reached this thread');
  await until(() => m.workerStarts >= 2, 10_000, 'a restart');
  t.pass(`restarted (${m.workerStarts} starts so far)`);
});

/** utime + stime of the main thread (its task is the process id), ms. */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // fields 14 and 15, clock ticks of 1/100 s
}
