/**
 * Where the VM lab keeps things, and the fixed facts of its two nodes. Pure.
 *
 * Everything lives under one cache directory (default /var/cache/ocfkit/vm):
 *   rootfs/                 debootstrap + packages.sh (kept between runs)
 *   rootfs.stages.json      which stages rootfs/ went through, with their keys
 *   image/                  base.img (ext4 made with mkfs.ext4 -d), vmlinuz, initrd.img, image.json
 *   id_ed25519[.pub]        the lab's ssh key (baked into the image)
 *   run/                    one lab's disks, pid files, monitors, serial logs (removed by down)
 */
import { join } from 'node:path';

export const DEFAULT_VM_CACHE = '/var/cache/ocfkit/vm';
export const VM_NODES = ['node1', 'node2'] as const;
export type VmNode = (typeof VM_NODES)[number];

export interface VmPaths {
  cache: string;
  rootfs: string;
  stages: string;
  imageDir: string;
  baseImage: string;
  kernel: string;
  initrd: string;
  imageRecord: string;
  sshKey: string;
  run: string;
  state: string;
  sbdDisk: string;
  node(node: VmNode): VmNodePaths;
}

export interface VmNodePaths {
  root: string;
  drbdDisk: string;
  pid: string;
  monitor: string;
  serial: string;
}

export function vmPaths(cache = DEFAULT_VM_CACHE): VmPaths {
  const run = join(cache, 'run');
  return {
    cache,
    rootfs: join(cache, 'rootfs'),
    stages: join(cache, 'rootfs.stages.json'),
    imageDir: join(cache, 'image'),
    baseImage: join(cache, 'image', 'base.img'),
    kernel: join(cache, 'image', 'vmlinuz'),
    initrd: join(cache, 'image', 'initrd.img'),
    imageRecord: join(cache, 'image', 'image.json'),
    sshKey: join(cache, 'id_ed25519'),
    run,
    state: join(run, 'state.json'),
    sbdDisk: join(run, 'sbd.img'),
    node: (node) => ({
      root: join(run, `${node}.qcow2`),
      drbdDisk: join(run, `${node}-drbd.qcow2`),
      pid: join(run, `${node}.pid`),
      monitor: join(run, `${node}.monitor`),
      serial: join(run, `${node}.serial`),
    }),
  };
}

/** The facts of a node that do not depend on where the cache is. */
export interface VmNodeFacts {
  name: VmNode;
  index: 1 | 2;
  /** The DRBD/corosync address on the lab link (vagrant/vm.vars.json). */
  labAddress: string;
  mgmtMac: string;
  labMac: string;
  /** 127.0.0.1 port forwarded to the guest's ssh. */
  sshPort: number;
  /** UDP ports of the lab link: this node's end, the peer's end. */
  linkPort: number;
  peerLinkPort: number;
  machineId: string;
}

export const LAB_PREFIX = 24;
export const DEFAULT_PORT_BASE = 22200;

export function vmNode(node: VmNode, portBase = DEFAULT_PORT_BASE): VmNodeFacts {
  const index = node === 'node1' ? 1 : 2;
  const peer = index === 1 ? 2 : 1;
  return {
    name: node,
    index,
    labAddress: `192.168.56.${10 + index}`,
    mgmtMac: `52:54:00:0c:f0:0${index}`,
    labMac: `52:54:00:0c:f1:0${index}`,
    sshPort: portBase + index,
    linkPort: portBase + 10 + index,
    peerLinkPort: portBase + 10 + peer,
    machineId: `0cf0c0de0cf0c0de0cf0c0de0cf0c0d${index}`,
  };
}
