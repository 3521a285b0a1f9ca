// Run INSIDE a lab node by bench/failover.ts (node /…/bench/status-timer.mjs ROUNDS JSON):
// times each command (an argument array, no shell) with spawnSync, output discarded, in rounds
// that rotate the order, and prints {"<label>": {"ms": [...], "fails": n, "lastError": "…"}}.
// Timing here, in the node, keeps nsenter and the host's process start out of the figures.
import { spawnSync } from 'node:child_process';

const rounds = Number(process.argv[2]);
const commands = JSON.parse(process.argv[3] ?? '{}');
const labels = Object.keys(commands);
if (!Number.isInteger(rounds) || rounds < 1 || labels.length === 0) {
  process.stderr.write('usage: status-timer.mjs ROUNDS {"label":["argv",...],...}\n');
  process.exit(2);
}
const out = Object.fromEntries(labels.map((l) => [l, { ms: [], fails: 0, lastError: null }]));
for (let r = 0; r < rounds; r++) {
  const order = labels.map((_, i) => labels[(i + r) % labels.length]);
  for (const label of order) {
    const [cmd, ...args] = commands[label];
    const t0 = process.hrtime.bigint();
    const res = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000, maxBuffer: 16 << 20 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    out[label].ms.push(Math.round(ms * 10) / 10);
    if (res.status !== 0) {
      out[label].fails++;
      out[label].lastError = `${res.error?.message ?? `exit ${res.status ?? res.signal}`}: ${String(res.stderr ?? '').trim().slice(0, 200)}`;
    }
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);
