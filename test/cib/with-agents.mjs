// Run a command where pcs and crm_resource find ocfkit's built agents and the lab's fence agent,
// in a private mount namespace (start it under `unshare --mount --propagation private`):
// <dist agents dir> is bind-mounted on /usr/lib/ocf/resource.d/ocfkit, and <sbin dir> (holding
// fence_ocfkit_lab) is laid over /usr/sbin. The host's /usr/lib/ocf and /usr/sbin never change.
// usage: node with-agents.mjs <dist agents dir> <sbin dir> <command> [args…]
import { execFileSync, spawnSync } from 'node:child_process';

const [agents, sbin, command, ...args] = process.argv.slice(2);
execFileSync('mount', ['--bind', agents, '/usr/lib/ocf/resource.d/ocfkit']);
execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${sbin}:/usr/sbin`, '/usr/sbin']);
const r = spawnSync(command, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
