/**
 * A minimal Debian 12 root with systemd, for booting a real systemd in tests (nspawn-container.ts)
 * and never over the machine's own `/` (that would run systemd's boot-time clean-up on the
 * machine: empty /tmp, start every enabled unit, and remount / read-only at shutdown).
 *
 * Made by `debootstrap --variant=minbase` from the Debian archive in /etc/apt/sources.list*,
 * cached in /var/cache/ocfkit/debian-systemd-root-<key> where the key hashes suite, mirror,
 * package list and the layout below. It is built in a temporary directory beside it and renamed
 * into place, so a half-built root is never used.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../lib/exec/run.ts';

export const SUITE = 'bookworm';
export const VARIANT = 'minbase';
/** systemd and dbus to boot; libstdc++6 for the agents' single executable. */
export const PACKAGES = ['systemd', 'dbus', 'libstdc++6'] as const;
/** Mount points made in the root, for the directories tests bind into it (the root is read-only). */
export const MOUNT_POINTS = ['/opt/ocfkit', '/usr/local/lib/systemd/system'] as const;
/** Bump when what is done to the root after debootstrap changes. */
const LAYOUT = 1;
const READY_MARK = '.ocfkit-root-ready';

export const CACHE_DIR = '/var/cache/ocfkit';

export const TOOLS = { debootstrap: '/usr/sbin/debootstrap', nspawn: '/usr/bin/systemd-nspawn', nsenter: '/usr/bin/nsenter' };

/** Why these tests cannot run here, or null. */
export function missingPrerequisite(): string | null {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root';
  const absent = Object.values(TOOLS).filter((p) => !existsSync(p));
  if (absent.length > 0) return `not installed: ${absent.join(', ')} (Debian packages debootstrap, systemd-container, util-linux)`;
  return null;
}

export interface Mirror {
  uri: string;
  suite: string;
}

/** A Debian archive mirror's path ends in /debian (deb.debian.org/debian, a local mirror's …/debian). */
const ARCHIVE = /\/debian\/?$/;

/**
 * The Debian archive (not -security, not -updates, not a third party's repository) among APT
 * sources, one-line (`deb URI SUITE COMPONENTS`) or deb822 (`URIs:`/`Suites:` stanzas). Null
 * when none has `main` for a plain suite.
 */
export function debianMirror(sources: string[]): Mirror | null {
  for (const text of sources) {
    for (const line of text.split('\n')) {
      const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$/.exec(line);
      if (m && ARCHIVE.test(m[1]!) && /^[a-z]+$/.test(m[2]!) && m[3]!.split(/\s+/).includes('main')) return { uri: m[1]!, suite: m[2]! };
    }
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name: string): string[] => {
        const f = new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(stanza);
        return f ? f[1]!.trim().split(/\s+/) : [];
      };
      if (!field('Types').includes('deb') || !field('Components').includes('main')) continue;
      const suite = field('Suites').find((s) => /^[a-z]+$/.test(s));
      const uri = field('URIs').find((u) => ARCHIVE.test(u));
      if (suite && uri) return { uri, suite };
    }
  }
  return null;
}

function aptSources(): string[] {
  const files = ['/etc/apt/sources.list'];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (/\.(list|sources)$/.test(f)) files.push(join(dir, f));
  return files.filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8'));
}

export function rootKey(mirror: Mirror): string {
  const what = JSON.stringify({ suite: SUITE, variant: VARIANT, packages: [...PACKAGES].sort(), mirror: mirror.uri, layout: LAYOUT, mountPoints: MOUNT_POINTS });
  return createHash('sha256').update(what).digest('hex').slice(0, 12);
}

export interface Root {
  path: string;
  /** How long debootstrap and preparing took, or null when the cached root was used. */
  builtMs: number | null;
}

/** The cached root, built first when missing. Throws with debootstrap's log tail on failure. */
export async function ensureRoot(timeoutMs = 15 * 60_000): Promise<Root> {
  const mirror = debianMirror(aptSources());
  if (!mirror) throw new Error('no Debian archive with main in /etc/apt/sources.list*: cannot debootstrap');
  if (mirror.suite !== SUITE) throw new Error(`APT sources are for ${mirror.suite}, the test root is ${SUITE}`);
  const path = join(CACHE_DIR, `debian-systemd-root-${rootKey(mirror)}`);
  if (existsSync(join(path, READY_MARK))) return { path, builtMs: null };

  mkdirSync(CACHE_DIR, { recursive: true });
  const began = performance.now();
  const work = mkdtempSync(join(CACHE_DIR, '.building-'));
  try {
    const target = join(work, 'root');
    const r = await run(TOOLS.debootstrap, [`--variant=${VARIANT}`, `--include=${PACKAGES.join(',')}`, SUITE, target, mirror.uri], { timeoutMs });
    if (r.failed) {
      const log = existsSync(join(target, 'debootstrap', 'debootstrap.log')) ? readFileSync(join(target, 'debootstrap', 'debootstrap.log'), 'utf8') : r.stderr;
      throw new Error(`debootstrap ${SUITE} from ${mirror.uri} failed (exit ${r.exitCode}${r.timedOut ? ', timed out' : ''}): ${log.trim().split('\n').slice(-5).join(' | ')}`);
    }
    for (const p of MOUNT_POINTS) mkdirSync(join(target, p), { recursive: true });
    writeFileSync(join(target, READY_MARK), `${JSON.stringify({ mirror, packages: PACKAGES, layout: LAYOUT, builtAt: new Date().toISOString() })}\n`);
    try {
      renameSync(target, path);
    } catch (error) {
      // another run finished first: use its root
      if (!existsSync(join(path, READY_MARK))) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { path, builtMs: Math.round(performance.now() - began) };
}
