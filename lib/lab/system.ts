/** Small host-side facts the lab needs: users, mounts. Reads files; runs nothing. */
import { readFileSync } from 'node:fs';
import { accountId } from '../fs/accounts.ts';

export interface Ids {
  uid: number;
  gid: number;
}

function lookup(file: string, name: string): number {
  const id = accountId(file, name);
  if (id === null) throw new Error(`${name} not found in ${file} (is pacemaker installed?)`);
  return id;
}

let cached: Ids | undefined;
/** hacluster:haclient, the owner of Pacemaker's state. */
export function haclusterIds(): Ids {
  cached ??= { uid: lookup('/etc/passwd', 'hacluster'), gid: lookup('/etc/group', 'haclient') };
  return cached;
}

/** Mount points of this process's mount namespace, in mount order. */
export function mountPoints(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  return mountinfo
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/** Mount points at or under `dir`, deepest (last mounted) first. */
export function mountsUnder(dir: string, mountinfo?: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return mountPoints(mountinfo)
    .filter((m) => m === dir || m.startsWith(prefix))
    .reverse();
}
