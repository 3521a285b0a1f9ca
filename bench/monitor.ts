/**
 * `npm run bench -- monitor`: how soon an application in another process learns that its node
 * became active, from the promote completing (Pacemaker's own timestamp for it, from the lab's
 * alert log) to the callback, over repeated switchovers on the two-node lab (ocfkit-mon2,
 * `pcs node standby` of the active node, then unstandby; `BENCH_RUNS` each way per method, default 3):
 *   push   `ocfkit watch` with the alert agent's push, poll interval 10 s (push decides)
 *   poll   `ocfkit watch --no-push --interval 1000` (the safety net alone)
 *   pcs    `pcs status resources` in a loop (the seed's way), parsed by lib/cluster
 * One method at a time (in both nodes), so that none pays for another's load.
 * Needs root and the built dist/ (the alert agent included).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../lib/log/logger.ts';
import { labUp, labDown, applyStack, waitSettled, readAlerts, STATEFUL, STATEFUL_CLONE, type Lab } from '../lib/lab/index.ts';
import { outcome } from '../lib/exec/run.ts';
import { scratchDir, sleep } from '../test/monitor/fixtures/helpers.ts';
import { roles, spawnInNode, TSX, watcher, type NodeProcess } from '../test/monitor/fixtures/in-node.ts';

const NAME = 'ocfkit-mon2';
const ROOT = join(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const log = createLogger({ name: 'bench:monitor', level: 'warn' });
const say = (line: string): void => void process.stderr.write(`${line}\n`);

async function must(lab: Lab, node: string, argv: string[]): Promise<void> {
  const r = await lab.exec(node, argv, { timeoutMs: 60_000 });
  if (r.failed) throw new Error(`${node}: ${argv.join(' ')}: ${outcome(r)}`);
}

function stats(xs: number[]): string {
  if (xs.length === 0) return '-';
  const v = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return `${Math.round(median)} ms (${Math.round(v[0]!)}-${Math.round(v.at(-1)!)}, n=${v.length})`;
}

if (process.getuid?.() !== 0) {
  console.log('(skipped: the lab needs root)');
  process.exit(0);
}
if (!existsSync(join(ROOT, 'dist', 'alerts', 'ocfkit-alert'))) {
  console.log('(skipped: dist/alerts/ocfkit-alert is not built)');
  process.exit(0);
}

await labDown(NAME, { log });
const lab = await labUp({ name: NAME, nodes: 2, token: 1000, stonith: true, log });
const procs: NodeProcess[] = [];
const result: Record<'push' | 'poll' | 'pcs' | 'received' | 'inMonitor', number[]> = { push: [], poll: [], pcs: [], received: [], inMonitor: [] };
const sources: string[] = [];
try {
  await applyStack(lab, { preferPromoted: 'node1' });
  await waitSettled(lab, { promotedOn: 'node1', unpromotedOn: ['node2'], timeoutMs: 90_000 });
  for (const node of lab.nodes) await must(lab, node, ['/usr/local/bin/ocfkit', 'alert', 'install', '--verify-timeout', '0']);
  const dir = scratchDir('bench');
  let active = 'node1';
  // One method at a time, so that none pays for another's load (the pcs loops alone keep both
  // cores busy: ~1 s of Python per call per node).
  for (const kind of ['push', 'poll', 'pcs'] as const) {
    const subs: Record<string, NodeProcess> = {};
    for (const node of lab.nodes) {
      subs[node] =
        kind === 'push' ? await watcher(lab, node, dir, `push-${node}`, STATEFUL_CLONE, 10_000)
        : kind === 'poll' ? await watcher(lab, node, dir, `poll-${node}`, STATEFUL_CLONE, 1000, ['--no-push'])
        : await spawnInNode(lab, node, [process.execPath, '--import', TSX, join(ROOT, 'bench/monitor-pcs-poll.ts'), STATEFUL_CLONE], dir, `pcs-${node}`);
      procs.push(subs[node]!);
    }
    await lab.waitFor(() => lab.nodes.every((n) => roles(subs[n]!).length > 0), { timeoutMs: 60_000, what: `${kind} subscribers ready` });
    await sleep(2000);
    for (let i = 0; i < 2 * runs; i++) {
      const next = active === 'node1' ? 'node2' : 'node1';
      const since = Date.now();
      const count = roles(subs[next]!).length;
      await must(lab, 'node1', ['pcs', 'node', 'standby', active]);
      const r = await lab.waitFor(() => roles(subs[next]!).slice(count).find((x) => x.role === 'active'), { timeoutMs: 60_000, intervalMs: 50, what: `${kind} on ${next} active` });
      await waitSettled(lab, { from: next, promotedOn: next, timeoutMs: 60_000 });
      const promote = readAlerts(lab, next).find((e) => e.kind === 'resource' && e.rsc === STATEFUL && e.task === 'promote' && e.rc === 0 && e.node === next && e.at >= since - 5);
      if (!promote) throw new Error(`no promote of ${STATEFUL} on ${next} in the alert log`);
      result[kind].push(r.at - promote.at);
      if (kind === 'push') {
        sources.push(r.source);
        // where the push's time goes: Pacemaker → alert agent → socket, then inside the monitor
        const received = (subs[next]!.lines() as { type?: string; at?: number; event?: Record<string, unknown> }[]).find(
          (l) => l.type === 'event' && l.event?.task === 'promote' && l.event?.node === next && l.event?.rc === 0 && Date.parse(String(l.event?.time)) >= since - 5,
        );
        if (received?.at) {
          result.received.push(received.at - promote.at);
          if (r.source === 'push') result.inMonitor.push(r.at - received.at);
        }
      }
      say(`${kind} ${i + 1}/${2 * runs} → ${next}: ${Math.round(r.at - promote.at)} ms (${r.source})`);
      await must(lab, 'node1', ['pcs', 'node', 'unstandby', active]);
      await waitSettled(lab, { from: next, promotedOn: next, unpromotedOn: [active], timeoutMs: 60_000 });
      await sleep(1500);
      active = next;
    }
    for (const node of lab.nodes) await subs[node]!.stop().catch(() => subs[node]!.stop('SIGKILL').catch(() => {}));
  }
} finally {
  for (const p of procs) if (p.alive()) await p.stop('SIGTERM').catch(() => p.stop('SIGKILL').catch(() => {}));
  await lab.down();
}
console.log(`Promote completed (Pacemaker's alert timestamp) → the callback in another process on the newly active node, ${2 * runs} switchovers per method (\`pcs node standby\`, one method at a time), two-node lab, ${new Date().toISOString().slice(0, 10)}:\n`);
console.log('| how the application learns it | median (min-max) |');
console.log('| --- | --- |');
console.log(`| ClusterMonitor, push (alert agent → socket), poll every 10 s | ${stats(result.push)} |`);
console.log(`| ClusterMonitor, poll only, every 1 s (crm_mon in the worker) | ${stats(result.poll)} |`);
console.log(`| \`pcs status resources\` in a loop (seed 002) | ${stats(result.pcs)} |`);
console.log(`\nWhere the push's time goes: the promote event reached the monitor's socket ${stats(result.received)} after Pacemaker's timestamp (the alert agent: started by Pacemaker, then its push); from the socket to the callback ${stats(result.inMonitor)}.`);
console.log(`\npush mode: role learnt from the push ${sources.filter((s) => s === 'push').length} of ${sources.length} times (else its poll came first).`);
