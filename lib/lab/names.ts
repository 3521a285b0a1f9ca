/**
 * Names and addresses of a lab, all derived from its name: namespaces, state folders, the
 * private /24 used on the veth pair. Pure; nothing here touches the system.
 */
import { join } from 'node:path';

export type NodeName = `node${number}`;

export const DEFAULT_LAB_NAME = 'ocfkit-lab';
export const DEFAULT_STATE_ROOT = '/run/ocfkit-lab';
export const DEFAULT_LOGS_ROOT = '/var/tmp/ocfkit-lab-logs';
/** The veth end's name inside each node (names are per network namespace). */
export const LINK_NAME = 'lab0';
/** The bridge inside the switch namespace `<name>-sw`. */
export const BRIDGE_NAME = 'br0';
/** Host part of the client namespace's address and of the full stack's VIP in the lab's /24. */
export const CLIENT_HOST = 250;
export const VIP_HOST = 100;
/** DRBD's replication addresses: `<net>.11`, `<net>.12`. */
export const DRBD_HOST_BASE = 10;

const NAME_RE = /^[a-z][a-z0-9-]{0,23}$/;

export function validateLabName(name: string): string {
  if (!NAME_RE.test(name) || name.endsWith('-')) {
    throw new Error(`invalid lab name '${name}': lowercase letters, digits and '-', starting with a letter, at most 24 characters`);
  }
  return name;
}

export function nodeNames(count: number): NodeName[] {
  if (count !== 1 && count !== 2) throw new Error(`a lab has 1 or 2 nodes, not ${count}`);
  return Array.from({ length: count }, (_, i) => `node${i + 1}` as NodeName);
}

export function nodeId(node: string): number {
  const m = /^node([12])$/.exec(node);
  if (!m) throw new Error(`unknown node '${node}' (node1 or node2)`);
  return Number(m[1]);
}

/** FNV-1a, 32 bits: a stable spread of lab names over subnets. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(text, 'utf8')) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A /24 inside 10.200.0.0 - 10.255.255.0, derived from the name; used only inside the lab. */
export function labSubnet(name: string): string {
  const h = fnv1a(name);
  return `10.${200 + ((h >>> 8) % 56)}.${h & 0xff}`;
}

export interface LabPaths {
  name: string;
  stateDir: string;
  /** The lab's lock (lock.ts), beside its state folder: `down` removes that folder while holding it. */
  lockFile: string;
  /** Folder bind-mounted onto itself (private) that holds the mount/uts namespace files. */
  nsDir: string;
  labFile: string;
  /** Lower layer of the read-only overlay on the nodes' /usr/sbin (fence and alert agents). */
  sbinDir: string;
  /** Lower layer of the overlay on the nodes' /usr/lib/ocf/resource.d (the ocfkit provider). */
  ocfDir: string;
  /** Lower layer of the overlay on the nodes' /usr/local/bin (the ocfkit CLI). */
  binDir: string;
  /** Lower layer of the overlay on the nodes' /usr/lib/ocf (`alerts` → `<dist>/alerts`). */
  ocfTopDir: string;
  subnet: string;
  /** The network namespace holding the bridge (two-node labs). */
  swNetns: string;
  swNetnsFile: string;
  /** The client namespace (two-node labs): the place clients of the VIP run. */
  clientNetns: string;
  clientNetnsFile: string;
  clientAddress: string;
  /** The full stack's virtual IP. */
  vip: string;
  node(node: string): NodePaths;
}

export interface NodePaths {
  node: string;
  id: number;
  netns: string;
  netnsFile: string;
  mntFile: string;
  utsFile: string;
  dir: string;
  etcCorosync: string;
  libCorosync: string;
  libPacemaker: string;
  log: string;
  address: string;
  /** Full stack: DRBD's replication address, a second address on `lab0` (cut it alone with a blackhole route). */
  drbdAddress: string;
  /** Bound over /var/lib/ocfkit in the node (the alert agent's event log), hacluster:haclient 0750. */
  libOcfkit: string;
  /** Full stack: the node's private /etc files (drbd.conf, haproxy.cfg), bound over the host's in the node. */
  etcDir: string;
  /** Full stack: bound over /srv in the node (the Filesystem agent mounts /srv/data). */
  srvDir: string;
  /** Full stack: bound over /var/lib/haproxy in the node. */
  haproxyDir: string;
  /** Full stack: bound over /var/lib/ocfkit-drbd-sim in the node (the simulator's metadata). */
  drbdMdDir: string;
  /** Full stack: the ext4 image behind the node's loop device (its "/dev/drbd0"). */
  image: string;
}

export function labPaths(name: string, stateRoot = DEFAULT_STATE_ROOT): LabPaths {
  validateLabName(name);
  const stateDir = join(stateRoot, name);
  const nsDir = join(stateDir, 'ns');
  const subnet = labSubnet(name);
  return {
    name,
    stateDir,
    lockFile: join(stateRoot, `${name}.lock`),
    nsDir,
    labFile: join(stateDir, 'lab.json'),
    sbinDir: join(stateDir, 'layers', 'sbin'),
    ocfDir: join(stateDir, 'layers', 'ocf'),
    binDir: join(stateDir, 'layers', 'bin'),
    ocfTopDir: join(stateDir, 'layers', 'ocf-top'),
    subnet: `${subnet}.0/24`,
    swNetns: `${name}-sw`,
    swNetnsFile: `/run/netns/${name}-sw`,
    clientNetns: `${name}-client`,
    clientNetnsFile: `/run/netns/${name}-client`,
    clientAddress: `${subnet}.${CLIENT_HOST}`,
    vip: `${subnet}.${VIP_HOST}`,
    node(node: string): NodePaths {
      const id = nodeId(node);
      const dir = join(stateDir, node);
      return {
        node,
        id,
        netns: `${name}-${node}`,
        netnsFile: `/run/netns/${name}-${node}`,
        mntFile: join(nsDir, `${node}.mnt`),
        utsFile: join(nsDir, `${node}.uts`),
        dir,
        etcCorosync: join(dir, 'etc-corosync'),
        libCorosync: join(dir, 'var-lib-corosync'),
        libPacemaker: join(dir, 'var-lib-pacemaker'),
        log: join(dir, 'log'),
        address: `${subnet}.${id}`,
        libOcfkit: join(dir, 'var-lib-ocfkit'),
        drbdAddress: `${subnet}.${DRBD_HOST_BASE + id}`,
        etcDir: join(dir, 'etc'),
        srvDir: join(dir, 'srv'),
        haproxyDir: join(dir, 'var-lib-haproxy'),
        drbdMdDir: join(dir, 'var-lib-drbd-sim'),
        image: join(dir, 'data.img'),
      };
    },
  };
}
