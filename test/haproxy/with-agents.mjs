// Run a command with dist/resource.d/ocfkit bind-mounted on /usr/lib/ocf/resource.d/ocfkit, in a
// private mount namespace (start it under `unshare --mount --propagation private`): pcs and
// crm_resource find the built agents, the host's /usr/lib/ocf never changes.
// usage: node with-agents.mjs <dist agents dir> <command> [args…]
import { execFileSync, spawnSync } from 'node:child_process';

const [dir, command, ...args] = process.argv.slice(2);
execFileSync('mount', ['--bind', dir, '/usr/lib/ocf/resource.d/ocfkit']);
const r = spawnSync(command, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
