/**
 * The VM lab's disk image, built from Debian's archive without loop devices, and cached:
 *   1. debootstrap (minbase + kernel, systemd, ssh, drbd-utils) into rootfs/   — kept
 *   2. vagrant/provision/packages.sh in a chroot of rootfs/                    — kept
 *   3. ocfkit.sh, haproxy.sh, drbd.sh, sbd.sh, cluster.sh (OCFKIT_CHROOT=1) in the chroot, the
 *      lab's own guest files, then `mkfs.ext4 -d rootfs image/base.img` and the guest's kernel
 *      and initrd next to it                                                   — per image key
 * Each stage runs again only when its inputs change (the debootstrap arguments; packages.sh; for
 * the image: the provisioning scripts, the vars file, dist/, the templates and the host's node).
 * Chroot mounts live in a private mount namespace (unshare), so the host's mounts never change.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mustRun, type Exec } from './command.ts';
import { ENABLED_UNITS, REMOVED_FILES, guestFiles } from './guest-files.ts';
import type { VmPaths } from './paths.ts';
import { VmError } from './errors.ts';

export const DEBIAN_SUITE = 'bookworm';
export const DEBOOTSTRAP_INCLUDE = [
  'linux-image-amd64', 'initramfs-tools', 'systemd-sysv', 'udev', 'dbus', 'iproute2', 'openssh-server',
  'drbd-utils', 'kmod', 'procps', 'psmisc', 'netbase', 'ca-certificates',
];
export const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
/** The provisioning scripts run in the chroot, in order (packages.sh is its own, kept stage). */
export const CHROOT_SCRIPTS = ['ocfkit.sh', 'haproxy.sh', 'drbd.sh', 'sbd.sh', 'cluster.sh'];
export const IMAGE_SIZE = '4G';

export interface ImageOptions {
  paths: VmPaths;
  /** The ocfkit tree: dist/ (built), cib-templates/, vagrant/. */
  repo: string;
  mirror?: string;
  exec: Exec;
  progress: (line: string) => void;
  /** The Node binary copied into the guest for the CLI (default: this process's). */
  nodeBinary?: string;
}

export interface ImageResult {
  reused: boolean;
  key: string;
  /** Which stages ran (debootstrap, packages, image). */
  ran: string[];
  durationMs: number;
}

const sha = (parts: readonly (string | Buffer)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
};

/** Every file under dir (relative paths, sorted), for keys and copies. */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

const DIST_PARTS = ['cli', 'resource.d', 'alerts', 'lab'];

/** The chroot helper, from the tree (the bundled CLI has no lib/ of its own). */
const chrootRun = (repo: string): string => join(repo, 'lib', 'vm', 'chroot-run.sh');

export function debootstrapKey(mirror: string): string {
  return sha([DEBIAN_SUITE, 'minbase', DEBOOTSTRAP_INCLUDE.join(','), mirror]);
}

export function packagesKey(repo: string): string {
  const dir = join(repo, 'vagrant', 'provision');
  return sha([readFileSync(join(dir, 'lib.sh')), readFileSync(join(dir, 'packages.sh'))]);
}

/** What the image depends on beyond the rootfs stages: scripts, vars, dist, templates, node. */
export function imageKey(repo: string, publicKey: string, nodeBinary: string, rootfsKeys: string): string {
  const parts: (string | Buffer)[] = [rootfsKeys, publicKey];
  const provision = join(repo, 'vagrant', 'provision');
  for (const f of listFiles(provision)) parts.push(f, readFileSync(join(provision, f)));
  parts.push(readFileSync(join(repo, 'vagrant', 'vm.vars.json')));
  parts.push(readFileSync(chrootRun(repo)));
  for (const f of listFiles(join(repo, 'cib-templates'))) parts.push(f, readFileSync(join(repo, 'cib-templates', f)));
  for (const d of DIST_PARTS) {
    for (const f of listFiles(join(repo, 'dist', d))) {
      const st = statSync(join(repo, 'dist', d, f));
      parts.push(`${d}/${f}:${st.size}:${st.mtimeMs}`);
    }
  }
  // copied into the image next to them (its "type" decides how Node loads the agents)
  const distPackage = join(repo, 'dist', 'package.json');
  parts.push(existsSync(distPackage) ? readFileSync(distPackage) : 'no dist/package.json');
  const nst = statSync(nodeBinary);
  parts.push(`node:${nst.size}:${nst.mtimeMs}`);
  for (const g of guestFiles(publicKey)) parts.push(g.path, g.content, String(g.mode));
  return sha(parts);
}

interface Stages {
  debootstrap?: string;
  packages?: string;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}


async function inChroot(o: ImageOptions, args: readonly string[], env: Record<string, string>, timeoutMs: number): Promise<void> {
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const r = await mustRun(o.exec, 'unshare', ['--mount', '--propagation', 'private', '--fork', '--', '/bin/sh', chrootRun(o.repo), o.paths.rootfs, '/usr/bin/env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'LANG=C.UTF-8', ...envArgs, ...args], { timeoutMs });
  // The scripts' own log lines (`HH:MM:SS script: what`), not apt's or dpkg's chatter.
  for (const line of r.stderr.split('\n')) if (/^\d\d:\d\d:\d\d [\w.-]+\.sh: /.test(line)) o.progress(`  chroot ${line}`);
}

export async function ensureSshKey(o: Pick<ImageOptions, 'paths' | 'exec'>): Promise<string> {
  const pub = `${o.paths.sshKey}.pub`;
  if (!existsSync(o.paths.sshKey) || !existsSync(pub)) {
    rmSync(o.paths.sshKey, { force: true });
    rmSync(pub, { force: true });
    await mustRun(o.exec, 'ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ocfkit-vm-lab', '-f', o.paths.sshKey], { timeoutMs: 30_000 });
  }
  return readFileSync(pub, 'utf8');
}

export async function ensureImage(o: ImageOptions): Promise<ImageResult> {
  const started = Date.now();
  const { paths } = o;
  const mirror = o.mirror ?? DEFAULT_MIRROR;
  const nodeBinary = o.nodeBinary ?? process.execPath;
  mkdirSync(paths.cache, { recursive: true, mode: 0o700 });
  const publicKey = await ensureSshKey(o);
  for (const d of DIST_PARTS) {
    if (!existsSync(join(o.repo, 'dist', d))) throw new VmError(`${join(o.repo, 'dist', d)} missing: run 'npm run build' first`);
  }
  const stages: Stages = readJson<Stages>(paths.stages) ?? {};
  const dKey = debootstrapKey(mirror);
  const pKey = packagesKey(o.repo);
  const key = imageKey(o.repo, publicKey, nodeBinary, `${dKey}/${pKey}`);
  const record = readJson<{ key: string }>(paths.imageRecord);
  if (record?.key === key && existsSync(paths.baseImage) && existsSync(paths.kernel) && existsSync(paths.initrd) && stages.debootstrap === dKey && stages.packages === pKey) {
    o.progress(`image ${key} reused from ${paths.imageDir}`);
    return { reused: true, key, ran: [], durationMs: Date.now() - started };
  }
  const ran: string[] = [];
  const saveStages = (): void => writeFileSync(paths.stages, `${JSON.stringify(stages, null, 2)}\n`);

  if (stages.debootstrap !== dKey || !existsSync(join(paths.rootfs, 'usr'))) {
    const t = Date.now();
    o.progress(`debootstrap ${DEBIAN_SUITE} from ${mirror} (1.5-2.5 min)`);
    const partial = `${paths.rootfs}.partial`;
    rmSync(partial, { recursive: true, force: true });
    rmSync(paths.rootfs, { recursive: true, force: true });
    delete stages.debootstrap;
    delete stages.packages;
    saveStages();
    await mustRun(o.exec, 'debootstrap', ['--variant=minbase', `--include=${DEBOOTSTRAP_INCLUDE.join(',')}`, DEBIAN_SUITE, partial, mirror], { timeoutMs: 20 * 60_000 });
    renameSync(partial, paths.rootfs);
    stages.debootstrap = dKey;
    saveStages();
    ran.push('debootstrap');
    o.progress(`debootstrap done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  const provisionTmp = join(paths.rootfs, 'tmp', 'ocfkit-src');
  const copySource = async (): Promise<void> => {
    rmSync(provisionTmp, { recursive: true, force: true });
    mkdirSync(join(provisionTmp, 'dist'), { recursive: true });
    mkdirSync(join(provisionTmp, 'vagrant'), { recursive: true });
    await mustRun(o.exec, 'cp', ['-a', join(o.repo, 'vagrant', 'provision'), join(o.repo, 'vagrant', 'vm.vars.json'), join(provisionTmp, 'vagrant')], { timeoutMs: 60_000 });
  };
  if (stages.packages !== pKey) {
    const t = Date.now();
    o.progress('packages.sh in the image: pacemaker, corosync, pcs, drbd-utils, haproxy, sbd, fence-agents (about 30-60 s)');
    await copySource();
    await inChroot(o, ['/bin/sh', '/tmp/ocfkit-src/vagrant/provision/packages.sh'], { OCFKIT_CHROOT: '1', OCFKIT_SRC: '/tmp/ocfkit-src' }, 20 * 60_000);
    stages.packages = pKey;
    saveStages();
    ran.push('packages');
    o.progress(`packages done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }

  const t = Date.now();
  o.progress('installing ocfkit and the node configuration into the image (provision scripts in a chroot)');
  await copySource();
  await mustRun(o.exec, 'cp', ['-a', ...DIST_PARTS.map((d) => join(o.repo, 'dist', d)), join(o.repo, 'dist', 'package.json'), join(provisionTmp, 'dist')], { timeoutMs: 120_000 });
  await mustRun(o.exec, 'cp', ['-a', join(o.repo, 'cib-templates'), provisionTmp], { timeoutMs: 60_000 });
  await mustRun(o.exec, 'cp', [nodeBinary, join(provisionTmp, 'node')], { timeoutMs: 60_000 });
  const env = { OCFKIT_CHROOT: '1', OCFKIT_SRC: '/tmp/ocfkit-src', OCFKIT_NODE_BIN: '/tmp/ocfkit-src/node' };
  for (const script of CHROOT_SCRIPTS) await inChroot(o, ['/bin/sh', `/tmp/ocfkit-src/vagrant/provision/${script}`], env, 10 * 60_000);
  for (const g of guestFiles(publicKey)) {
    const target = join(paths.rootfs, g.path);
    mkdirSync(dirname(target), { recursive: true, mode: g.path.startsWith('/root/') ? 0o700 : 0o755 });
    writeFileSync(target, g.content);
    chmodSync(target, g.mode);
  }
  for (const f of REMOVED_FILES) rmSync(join(paths.rootfs, f), { force: true });
  await inChroot(o, ['systemctl', 'enable', ...ENABLED_UNITS], {}, 60_000);
  rmSync(provisionTmp, { recursive: true, force: true });

  mkdirSync(paths.imageDir, { recursive: true });
  const partialImage = `${paths.baseImage}.partial`;
  rmSync(partialImage, { force: true });
  rmSync(paths.imageRecord, { force: true });
  o.progress(`mkfs.ext4 -d: ${paths.baseImage} (${IMAGE_SIZE}, no loop device)`);
  await mustRun(o.exec, 'mkfs.ext4', ['-q', '-F', '-L', 'ocfkit-root', '-d', paths.rootfs, partialImage, IMAGE_SIZE], { timeoutMs: 10 * 60_000 });
  renameSync(partialImage, paths.baseImage);
  const boot = readdirSync(join(paths.rootfs, 'boot'));
  const pick = (prefix: string): string => {
    const found = boot.filter((f) => f.startsWith(prefix)).sort();
    if (found.length === 0) throw new VmError(`no ${prefix}* in ${join(paths.rootfs, 'boot')}`);
    return join(paths.rootfs, 'boot', found[found.length - 1]!);
  };
  await mustRun(o.exec, 'cp', [pick('vmlinuz-'), paths.kernel], { timeoutMs: 60_000 });
  await mustRun(o.exec, 'cp', [pick('initrd.img-'), paths.initrd], { timeoutMs: 60_000 });
  ran.push('image');
  writeFileSync(paths.imageRecord, `${JSON.stringify({ key, builtAt: new Date().toISOString(), imageStageMs: Date.now() - t }, null, 2)}\n`);
  o.progress(`image ${key} built in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  return { reused: false, key, ran, durationMs: Date.now() - started };
}
