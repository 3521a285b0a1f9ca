/**
 * The image cache's keys: a second `up` reuses the image only while nothing it was built from
 * changed (provision scripts, vars, dist/, templates, the node binary, the ssh key), and the
 * kept rootfs stages have their own keys (debootstrap arguments; packages.sh + lib.sh).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_MIRROR, debootstrapKey, imageKey, packagesKey } from '../../lib/vm/image.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'ocfkit-vm-key-'));
  const files: Record<string, string> = {
    'vagrant/provision/lib.sh': 'lib',
    'vagrant/provision/packages.sh': 'packages',
    'vagrant/provision/drbd.sh': 'drbd',
    'vagrant/vm.vars.json': '{}',
    'lib/vm/chroot-run.sh': 'chroot',
    'cib-templates/corosync.conf': 'totem',
    'dist/cli/ocfkit.mjs': 'cli',
    'dist/resource.d/ocfkit/.ocfkit-agents': 'agents',
    'dist/alerts/ocfkit-alert': 'alert',
    'dist/lab/stack-services/service.mjs': 'svc',
    'dist/package.json': '{ "type": "commonjs" }',
    node: 'node',
  };
  for (const [f, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), c);
    utimesSync(join(root, f), 1_700_000_000, 1_700_000_000);
  }
  return root;
}

t.test('image key: stable for the same inputs, changed by any of them', async (t) => {
  const root = tree();
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const key = (pub = 'ssh-ed25519 A'): string => imageKey(root, pub, join(root, 'node'), 'd/p');
  const k0 = key();
  t.equal(key(), k0, 'same inputs, same key');
  t.not(key('ssh-ed25519 B'), k0, 'another ssh key');
  t.not(imageKey(root, 'ssh-ed25519 A', join(root, 'node'), 'd2/p'), k0, 'another rootfs stage');
  const changes: [string, string][] = [
    ['vagrant/provision/drbd.sh', 'drbd 2'],
    ['vagrant/vm.vars.json', '{"a":1}'],
    ['cib-templates/corosync.conf', 'totem 2'],
    ['lib/vm/chroot-run.sh', 'chroot 2'],
  ];
  for (const [f, c] of changes) {
    const before = key();
    writeFileSync(join(root, f), c);
    t.not(key(), before, `${f} changed`);
  }
  const before = key();
  utimesSync(join(root, 'dist/cli/ocfkit.mjs'), 1_700_000_100, 1_700_000_100);
  t.not(key(), before, 'a rebuilt dist/ file (new mtime)');
  const b2 = key();
  writeFileSync(join(root, 'vagrant/provision/new.sh'), 'x');
  t.not(key(), b2, 'a new provision script');
  // copied into the image beside the agents: its "type" decides how Node loads them (same mtime,
  // so only the content can make the difference)
  const b3 = key();
  writeFileSync(join(root, 'dist/package.json'), '{ "type": "module" }');
  utimesSync(join(root, 'dist/package.json'), 1_700_000_000, 1_700_000_000);
  t.not(key(), b3, 'another dist/package.json, another image');
});

t.test('rootfs stage keys', async (t) => {
  const root = tree();
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  // the same mirror, the same key in another process (a later run reuses the cached rootfs)
  const here = debootstrapKey(DEFAULT_MIRROR);
  t.match(here, /^[0-9a-f]{16}$/);
  const there = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('./lib/vm/image.ts').then((m) => process.stdout.write(m.debootstrapKey(m.DEFAULT_MIRROR)))`], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  t.equal(there.stdout, here, `the same key in another process ${there.stderr}`);
  t.not(debootstrapKey('http://mirror.example/debian'), debootstrapKey(DEFAULT_MIRROR), 'another mirror: another rootfs');
  const p0 = packagesKey(root);
  writeFileSync(join(root, 'vagrant/provision/drbd.sh'), 'drbd changed');
  t.equal(packagesKey(root), p0, 'other scripts do not redo the packages stage');
  writeFileSync(join(root, 'vagrant/provision/packages.sh'), 'packages + sbd');
  t.not(packagesKey(root), p0, 'packages.sh changed');
  const p1 = packagesKey(root);
  writeFileSync(join(root, 'vagrant/provision/lib.sh'), 'lib changed');
  t.not(packagesKey(root), p1, 'lib.sh changed');
});
