/**
 * The VM lab's pure parts: qemu's command line (TCG, networking that never leaves 127.0.0.1,
 * the three disks, the SBD disk shared writable), ssh's quoting, the guest files.
 */
import t from 'tap';
import { qemuArgs, kernelCommandLine } from '../../lib/vm/qemu-args.ts';
import { vmNode, vmPaths } from '../../lib/vm/paths.ts';
import { shQuote, sshArgs } from '../../lib/vm/ssh.ts';
import { guestFiles } from '../../lib/vm/guest-files.ts';

const paths = vmPaths('/var/cache/x');
const opts = { memoryMb: 1536, kernel: '/k', initrd: '/i', sbdDisk: paths.sbdDisk };
const value = (args: string[], flag: string): string[] => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));

t.test('qemu: TCG, daemonized with a pid file, nothing but 127.0.0.1', async (t) => {
  for (const n of ['node1', 'node2'] as const) {
    const node = vmNode(n);
    const a = qemuArgs(node, paths.node(n), opts);
    t.same(value(a, '-accel'), ['tcg']);
    t.same(value(a, '-pidfile'), [paths.node(n).pid]);
    t.ok(a.includes('-daemonize'));
    const nets = value(a, '-netdev');
    t.equal(nets.length, 2);
    t.match(nets[0], /^user,id=mgmt,restrict=on,hostfwd=tcp:127\.0\.0\.1:\d+-:22$/);
    t.match(nets[1], /^socket,id=lab,udp=127\.0\.0\.1:\d+,localaddr=127\.0\.0\.1:\d+$/);
    t.notOk(nets.some((x) => /^(tap|bridge|vde|l2tpv3|vhost)/.test(x)), 'no host network device');
    const drives = value(a, '-drive');
    t.same(drives.map((d) => /file=([^,]+)/.exec(d)![1]), [paths.node(n).root, paths.node(n).drbdDisk, paths.sbdDisk], 'vda root overlay, vdb DRBD, vdc SBD');
    t.match(value(a, '-device').find((d) => d.includes('drive=sbd')), /share-rw=on/);
    t.match(drives[2], /cache=none/);
    t.match(kernelCommandLine(node), new RegExp(`systemd\\.hostname=${n}\\b`));
  }
  const [n1, n2] = [vmNode('node1'), vmNode('node2')];
  t.equal(n1.linkPort, n2.peerLinkPort, "node1's link end is node2's peer");
  t.equal(n2.linkPort, n1.peerLinkPort, "node2's link end is node1's peer");
  t.not(n1.sshPort, n2.sshPort);
  t.not(n1.machineId, n2.machineId);
});

t.test('ssh: every argument reaches the remote shell as one word', async (t) => {
  t.equal(shQuote('crm_mon'), 'crm_mon');
  t.equal(shQuote('a b'), "'a b'");
  t.equal(shQuote("it's"), "'it'\\''s'");
  t.equal(shQuote('$(reboot)'), "'$(reboot)'");
  t.equal(shQuote(''), "''");
  const a = sshArgs('/k', 2201, ['echo', '$HOME', 'x;y']);
  t.equal(a[a.length - 1], "echo '$HOME' 'x;y'");
  t.same(a.slice(-3, -1), ['root@127.0.0.1', '--'], 'the command comes last, after --');
  t.ok(a.includes('UserKnownHostsFile=/dev/null'));
  t.equal(a[a.indexOf('-p') + 1], '2201');
});

t.test('guest files: one image for both nodes, networking by MAC', async (t) => {
  const files = guestFiles('ssh-ed25519 AAAA test');
  const byPath = new Map(files.map((f) => [f.path, f]));
  t.match(byPath.get('/etc/systemd/network/20-lab-node1.network')?.content, /MACAddress=52:54:00:0c:f1:01[\s\S]*Address=192\.168\.56\.11\/24/);
  t.match(byPath.get('/etc/systemd/network/20-lab-node2.network')?.content, /MACAddress=52:54:00:0c:f1:02[\s\S]*Address=192\.168\.56\.12\/24/);
  t.equal(byPath.get('/root/.ssh/authorized_keys')?.content, 'ssh-ed25519 AAAA test\n');
  t.equal(byPath.get('/root/.ssh/authorized_keys')?.mode, 0o600);
  t.equal(byPath.get('/etc/machine-id')?.content, '', 'machine-id comes from the kernel command line');
  t.match(byPath.get('/etc/hosts')?.content, /192\.168\.56\.11 node1\n192\.168\.56\.12 node2/);
});
