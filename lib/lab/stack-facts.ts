/**
 * What each piece of the full stack looks like inside a lab node, read without disturbing it:
 * files through /proc/<pid>/root of one of the node's processes (the simulator's state, the
 * services agent's status file, the heartbeats), /proc/<pid>/mounts, HAProxy's admin socket,
 * and one `ip addr` for the VIP.
 */
import { readFileSync } from 'node:fs';
import { Deadline } from '../exec/deadline.ts';
import { sendCommand } from '../haproxy/transport.ts';
import { parseServersState } from '../haproxy/servers-state.ts';
import { parseSocketAddress } from '../haproxy/address.ts';
import { readStatus, type ServicesStatus } from '../services/status-file.ts';
import { pidsInNamespaces } from './procs.ts';
import { nodeInodes } from './teardown.ts';
import { DRBD_RESOURCE, HAPROXY_SOCKET, MOUNT_POINT, STACK_SERVICE_NAMES } from './stack-files.ts';
import { FULL } from './stack-full.ts';
import type { Lab } from './lab.ts';

/** Where the services agent writes its steps (contract 6) inside a node. */
export const SERVICES_STATUS_FILE = `/run/resource-agents/ocfkit-services-${FULL.services}.json`;

/** A file inside a running node (through /proc/<pid>/root of one of its processes), or null. */
export function readNodeFile(lab: Lab, node: string, path: string): string | null {
  const inodes = nodeInodes(lab.node(node));
  for (const pid of pidsInNamespaces(inodes)) {
    try {
      return readFileSync(`/proc/${pid}/root${path}`, 'utf8');
    } catch {
      // that process may be gone, or in another root: try the next
    }
  }
  return null;
}

export interface DrbdSimState {
  role: string;
  peerRole: string;
  disk: string;
  pdsk: string;
  conn: string;
  [key: string]: unknown;
}

/** The simulator's runtime state of r0 in a node (`drbd-sim state r0`), or null when r0 is not up. */
export function drbdState(lab: Lab, node: string): DrbdSimState | null {
  const text = readNodeFile(lab, node, `/run/ocfkit-drbd-sim/${DRBD_RESOURCE}.state.json`);
  if (!text) return null;
  try {
    const v = JSON.parse(text) as DrbdSimState & { pid?: number };
    if (typeof v.pid === 'number') process.kill(v.pid, 0);
    return v;
  } catch {
    return null;
  }
}

/** The services agent's status file in a node (contract 6), or null. */
export function servicesStatus(lab: Lab, node: string): ServicesStatus | null {
  const pid = pidsInNamespaces(nodeInodes(lab.node(node)))[0];
  return pid ? readStatus(`/proc/${pid}/root${SERVICES_STATUS_FILE}`) : null;
}

export interface NodeStackFacts {
  node: string;
  drbd: DrbdSimState | null;
  /** /srv/data is mounted (and from which device). */
  mounted: string | null;
  vip: boolean;
  /** HAProxy's be_write servers: name → admin state (ready/drain/maint), from `show servers state`. */
  haproxy: Record<string, string> | null;
  services: Record<string, string>;
  /** Heartbeats on the node's data filesystem: service → ISO time of the last one. */
  heartbeats: Record<string, string>;
}

/** What each piece of the stack looks like inside one node (reads files and runs a few commands). */
export async function nodeStackFacts(lab: Lab, node: string): Promise<NodeStackFacts> {
  const facts: NodeStackFacts = { node, drbd: null, mounted: null, vip: false, haproxy: null, services: {}, heartbeats: {} };
  if (lab.processes(node).length === 0) return facts;
  facts.drbd = drbdState(lab, node);
  const pid = pidsInNamespaces(nodeInodes(lab.node(node)))[0];
  let mounts = '';
  try {
    mounts = pid ? readFileSync(`/proc/${pid}/mounts`, 'utf8') : '';
  } catch {
    // the process just went
  }
  for (const line of mounts.split('\n')) {
    const [dev, target] = line.split(' ');
    if (target === MOUNT_POINT) facts.mounted = dev ?? '';
  }
  const addr = await lab.exec(node, ['ip', '-o', 'addr', 'show', 'dev', 'lab0'], { timeoutMs: 5000, log: undefined });
  facts.vip = addr.stdout.includes(` ${lab.paths.vip}/`);
  facts.haproxy = await haproxyWriteServers(lab, node);
  for (const step of servicesStatus(lab, node)?.steps ?? []) facts.services[step.name] = step.state;
  for (const name of STACK_SERVICE_NAMES) {
    const beat = readNodeFile(lab, node, `${MOUNT_POINT}/heartbeat/${name}.json`);
    if (!beat) continue;
    try {
      facts.heartbeats[name] = (JSON.parse(beat) as { at: string }).at;
    } catch {
      // being renamed in
    }
  }
  return facts;
}

/** `show servers state be_write` on the node's HAProxy (through its admin socket), or null. */
export async function haproxyWriteServers(lab: Lab, node: string): Promise<Record<string, string> | null> {
  const pid = pidsInNamespaces(nodeInodes(lab.node(node)))[0];
  if (!pid) return null;
  try {
    const reply = await sendCommand(parseSocketAddress(`/proc/${pid}/root${HAPROXY_SOCKET}`), 'show servers state be_write', Deadline.after(2000));
    const out: Record<string, string> = {};
    for (const s of parseServersState(reply)) out[s.name] = s.admin;
    return out;
  } catch {
    return null;
  }
}
