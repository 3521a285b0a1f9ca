/**
 * A cgroup of its own for a process the tests start (a container), in the cgroup v2 hierarchy
 * and, on a hybrid host, the v1 `name=systemd` one; killing and removing such trees, also those
 * left behind by test processes that are gone.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const CGROUP_PREFIX = 'ocfkit-sd-';

interface Hierarchy {
  /** Where the hierarchy is mounted. */
  mount: string;
  /** Our cgroup in it. */
  ours: string;
}

/** The cgroup v2 hierarchy and the v1 name=systemd one (on a hybrid host), with our place in each. */
function hierarchies(): Hierarchy[] {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const own = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  const found: Hierarchy[] = [];
  for (const line of mounts) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const mount = pre.split(' ')[4]!;
    const [fstype, , options] = post.split(' ');
    let ours: string | undefined;
    if (fstype === 'cgroup2') ours = own.find((l) => l.startsWith('0::'))?.slice(3);
    else if (fstype === 'cgroup' && options?.split(',').includes('name=systemd')) ours = own.find((l) => /^\d+:name=systemd:/.test(l))?.replace(/^\d+:name=systemd:/, '');
    if (ours !== undefined) found.push({ mount, ours });
  }
  return found;
}

/**
 * Run `start` (which must fork synchronously, as child_process.spawn does) with this process
 * moved for that moment into a new cgroup `name` in each hierarchy, so the child is born there.
 * Returns the cgroup directories made (empty when cgroups could not be used).
 */
export function inOwnCgroup<T>(name: string, start: () => T): { value: T; cgroups: string[] } {
  const made: { dir: string; home: string }[] = [];
  try {
    for (const h of hierarchies()) {
      const home = join(h.mount, h.ours);
      const dir = join(home, name);
      mkdirSync(dir);
      made.push({ dir, home });
    }
    for (const m of made) writeFileSync(join(m.dir, 'cgroup.procs'), `${process.pid}\n`);
  } catch {
    for (const m of made.reverse()) {
      try {
        writeFileSync(join(m.home, 'cgroup.procs'), `${process.pid}\n`);
        rmdirSync(m.dir);
      } catch {
        /* best effort */
      }
    }
    return { value: start(), cgroups: [] };
  }
  try {
    return { value: start(), cgroups: made.map((m) => m.dir) };
  } finally {
    for (const m of made) writeFileSync(join(m.home, 'cgroup.procs'), `${process.pid}\n`);
  }
}

/** Kill everything in a cgroup tree: cgroup.kill where there is one (v2), else each pid (v1). */
export function killCgroupTree(dir: string): void {
  if (!existsSync(dir)) return;
  if (existsSync(join(dir, 'cgroup.kill'))) {
    try {
      writeFileSync(join(dir, 'cgroup.kill'), '1');
      return;
    } catch {
      /* fall back to the pids */
    }
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) killCgroupTree(join(dir, entry.name));
  let pids: string[] = [];
  try {
    pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
  } catch {
    /* gone */
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Containers left by test processes that no longer exist (a SIGKILLed run): kill and remove. */
export async function sweepStale(): Promise<string[]> {
  const stale: string[] = [];
  for (const h of hierarchies()) {
    const home = join(h.mount, h.ours);
    for (const entry of readdirSync(home, { withFileTypes: true })) {
      const owner = new RegExp(`^${CGROUP_PREFIX}(\\d+)-`).exec(entry.name);
      if (!entry.isDirectory() || !owner || existsSync(`/proc/${owner[1]}`)) continue;
      killCgroupTree(join(home, entry.name));
      stale.push(join(home, entry.name));
    }
  }
  if (stale.length > 0) await sleepMs(500);
  for (const dir of stale) removeCgroupTree(dir);
  return stale;
}

/** Whether any process is left in the cgroup tree. */
function populated(dir: string): boolean {
  if (!existsSync(dir)) return false;
  if (existsSync(join(dir, 'cgroup.events'))) return /^populated 1$/m.test(readFileSync(join(dir, 'cgroup.events'), 'utf8'));
  if (readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim() !== '') return true;
  return readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && populated(join(dir, e.name)));
}

/** Block (at exit there is no event loop) until the trees are empty or `ms` passed, then remove them. */
export function reapCgroupsSync(dirs: string[], ms: number): void {
  const tick = new Int32Array(new SharedArrayBuffer(4));
  const until = performance.now() + ms;
  while (dirs.some(populated) && performance.now() < until) Atomics.wait(tick, 0, 0, 50);
  for (const dir of dirs) removeCgroupTree(dir);
}

export function removeCgroupTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) removeCgroupTree(join(dir, entry.name));
  try {
    rmdirSync(dir);
  } catch {
    /* still populated: left for the kernel to report */
  }
}
