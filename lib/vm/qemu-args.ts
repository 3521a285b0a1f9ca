/**
 * The qemu command line of a lab node (pure). TCG only: this machine's /dev/kvm is a nested
 * backend that stock kernels hang on (../shared/docs/vm-lab.md). Networking never leaves the
 * host: management is user-mode networking with `restrict=on` and ssh forwarded on 127.0.0.1;
 * the DRBD/corosync link is a UDP socket pair on 127.0.0.1 (connectionless, so either end can be
 * killed and started again). Disks: vda the node's overlay of the base image, vdb its DRBD disk,
 * vdc the SBD disk both nodes share.
 */
import type { VmNodeFacts, VmNodePaths } from './paths.ts';

export interface QemuOptions {
  memoryMb: number;
  kernel: string;
  initrd: string;
  sbdDisk: string;
}

export const DEFAULT_MEMORY_MB = 1536;

export function kernelCommandLine(node: VmNodeFacts): string {
  return [
    'root=/dev/vda',
    'rw',
    'console=ttyS0',
    'net.ifnames=0',
    `systemd.hostname=${node.name}`,
    `systemd.machine_id=${node.machineId}`,
    'mitigations=off',
    'quiet',
  ].join(' ');
}

export function qemuArgs(node: VmNodeFacts, paths: VmNodePaths, o: QemuOptions): string[] {
  const disk = (id: string, file: string, format: 'qcow2' | 'raw', extra = ''): string[] => [
    '-drive',
    `if=none,id=${id},file=${file},format=${format},cache=${extra ? 'none' : 'unsafe'},aio=threads`,
    '-device',
    `virtio-blk-pci,drive=${id}${extra}`,
  ];
  return [
    '-name', `ocfkit-vm-${node.name}`,
    '-accel', 'tcg',
    '-cpu', 'max',
    '-smp', '1',
    '-m', String(o.memoryMb),
    '-kernel', o.kernel,
    '-initrd', o.initrd,
    '-append', kernelCommandLine(node),
    ...disk('root', paths.root, 'qcow2'),
    ...disk('drbd', paths.drbdDisk, 'qcow2'),
    // Both qemus write the SBD disk: no cache, no image locking between them.
    ...disk('sbd', o.sbdDisk, 'raw', ',share-rw=on'),
    '-netdev', `user,id=mgmt,restrict=on,hostfwd=tcp:127.0.0.1:${node.sshPort}-:22`,
    '-device', `virtio-net-pci,netdev=mgmt,mac=${node.mgmtMac}`,
    '-netdev', `socket,id=lab,udp=127.0.0.1:${node.peerLinkPort},localaddr=127.0.0.1:${node.linkPort}`,
    '-device', `virtio-net-pci,netdev=lab,mac=${node.labMac}`,
    '-serial', `file:${paths.serial}`,
    '-monitor', `unix:${paths.monitor},server,nowait`,
    '-display', 'none',
    '-pidfile', paths.pid,
    '-daemonize',
  ];
}
