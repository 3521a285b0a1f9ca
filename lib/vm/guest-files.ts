/**
 * The files the VM lab writes into the image besides what vagrant/provision/*.sh writes (pure):
 * what Vagrant's box and provider would give a node — networking by MAC (one image serves both
 * nodes: the hostname and machine-id come from the kernel command line), root's ssh key, a
 * root console on the serial port, the nodes' names in /etc/hosts.
 */
import { LAB_PREFIX, VM_NODES, vmNode } from './paths.ts';

export interface GuestFile {
  /** Absolute path inside the guest. */
  path: string;
  content: string;
  mode: number;
}

export function guestFiles(publicKey: string): GuestFile[] {
  const nodes = VM_NODES.map((n) => vmNode(n));
  const files: GuestFile[] = [
    {
      path: '/etc/systemd/network/10-mgmt.network',
      mode: 0o644,
      content: ['[Match]', `MACAddress=${nodes.map((n) => n.mgmtMac).join(' ')}`, '', '[Network]', 'DHCP=ipv4', ''].join('\n'),
    },
    ...nodes.map((n) => ({
      path: `/etc/systemd/network/20-lab-${n.name}.network`,
      mode: 0o644,
      content: ['[Match]', `MACAddress=${n.labMac}`, '', '[Network]', `Address=${n.labAddress}/${LAB_PREFIX}`, 'LinkLocalAddressing=no', 'IPv6AcceptRA=no', ''].join('\n'),
    })),
    {
      path: '/etc/hosts',
      mode: 0o644,
      content: ['127.0.0.1 localhost', ...nodes.map((n) => `${n.labAddress} ${n.name}`), ''].join('\n'),
    },
    { path: '/root/.ssh/authorized_keys', mode: 0o600, content: publicKey.endsWith('\n') ? publicKey : `${publicKey}\n` },
    {
      path: '/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf',
      mode: 0o644,
      content: ['[Service]', 'ExecStart=', 'ExecStart=-/sbin/agetty --autologin root --keep-baud 115200,57600,38400,9600 %I $TERM', ''].join('\n'),
    },
    { path: '/etc/fstab', mode: 0o644, content: '/dev/vda / ext4 rw,noatime 0 1\n' },
    // No DNS and no way out (restrict=on): do not wait for a network that will not come.
    { path: '/etc/systemd/system/systemd-networkd-wait-online.service.d/any.conf', mode: 0o644, content: '[Service]\nExecStart=\nExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=20\n' },
    { path: '/etc/machine-id', mode: 0o444, content: '' },
  ];
  return files;
}

/** Units enabled in the image (systemctl enable in the chroot). */
export const ENABLED_UNITS = ['systemd-networkd.service', 'ssh.service'];
/** Files removed from the image (per-node identity comes from the kernel command line). */
export const REMOVED_FILES = ['/etc/hostname', '/var/lib/dbus/machine-id'];
