/**
 * The seed's way (002: "The Node status can get through pcs status resources"), measured like
 * the monitor: `pcs status resources` in a loop inside a lab node, one JSON line on stdout each
 * time this node's role for the clone changes. Run by bench/monitor.ts inside the node.
 *   node --import tsx bench/monitor-pcs-poll.ts <clone>
 */
import { hostname } from 'node:os';
import { Deadline } from '../lib/exec/deadline.ts';
import { run } from '../lib/exec/run.ts';
import { parsePcsStatus } from '../lib/cluster/pcs-status.ts';

const clone = process.argv[2] ?? 'stateful-clone';
const node = hostname();
let last = '';
let stop = false;
process.once('SIGTERM', () => (stop = true));
while (!stop) {
  const started = Date.now();
  const r = await run('pcs', ['status', 'resources'], { deadline: Deadline.after(10_000) });
  let role = 'unknown';
  if (!r.failed) {
    try {
      const s = parsePcsStatus(r.stdout);
      const mine = s.instances.filter((i) => i.cloneId === clone && i.nodes.includes(node));
      role = mine.some((i) => i.role === 'Promoted') ? 'active' : 'standby';
    } catch {
      role = 'unknown';
    }
  }
  if (role !== last) {
    process.stdout.write(`${JSON.stringify({ type: 'role', role, previous: last || 'unknown', at: Date.now(), callMs: Date.now() - started })}\n`);
    last = role;
  }
}
