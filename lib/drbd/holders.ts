/**
 * Who holds a DRBD device open, for the exit reason of a stop or demote that DRBD refused
 * ("Device is held open by someone"): processes with an open descriptor on it (a scan of
 * /proc/<pid>/fd) and mounts of it (/proc/self/mountinfo, by major:minor). Read only.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

export interface Holder {
  pid: number;
  comm: string;
}

function comm(pid: number, proc: string): string {
  try {
    return readFileSync(`${proc}/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/**
 * Processes with `path` open. A descriptor matches by its link text (the path) or, for a block
 * device, by the device number it points to (so /dev/drbd/by-res/r0/0 is found as /dev/drbd0).
 */
export function openHolders(path: string, opts: { proc?: string; limit?: number } = {}): Holder[] {
  const proc = opts.proc ?? '/proc';
  const limit = opts.limit ?? 8;
  let rdev: number | null = null;
  try {
    const st = statSync(path);
    if (st.isBlockDevice()) rdev = st.rdev;
  } catch {
    /* gone, or never there: match by name */
  }
  const out: Holder[] = [];
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((n) => /^\d+$/.test(n));
  } catch {
    return out;
  }
  for (const p of pids) {
    const pid = Number(p);
    if (pid === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${p}/fd`);
    } catch {
      continue; // gone, or not ours to see
    }
    for (const fd of fds) {
      const link = `${proc}/${p}/fd/${fd}`;
      let hit = false;
      try {
        hit = readlinkSync(link) === path;
        if (!hit && rdev !== null) {
          const st = statSync(link);
          hit = st.isBlockDevice() && st.rdev === rdev;
        }
      } catch {
        continue;
      }
      if (hit) {
        out.push({ pid, comm: comm(pid, proc) });
        break;
      }
    }
    if (out.length >= limit) break;
  }
  return out;
}

/** Mount points of the block device `major:minor`, from a mountinfo text. Pure. */
export function mountsOf(mountinfo: string, major: number, minor: number): string[] {
  const want = `${major}:${minor}`;
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f[2] === want && f[4]) out.push(f[4].replace(/\\040/g, ' '));
  }
  return out;
}

/** DRBD's block major. */
export const DRBD_MAJOR = 147;

/** One phrase naming what holds /dev/drbd<minor>: "held by mount on /srv, pid 812 (postgres)". */
export function describeHolders(minor: number, opts: { proc?: string; mountinfo?: string } = {}): string {
  const dev = `/dev/drbd${minor}`;
  let mountinfo = opts.mountinfo;
  if (mountinfo === undefined) {
    try {
      mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      mountinfo = '';
    }
  }
  const parts = [
    ...mountsOf(mountinfo, DRBD_MAJOR, minor).map((m) => `mounted on ${m}`),
    ...openHolders(dev, { proc: opts.proc }).map((h) => `pid ${h.pid} (${h.comm})`),
  ];
  return parts.length > 0 ? `${dev} held by ${parts.join(', ')}` : `${dev}: no holder found`;
}
