/**
 * Users and groups by name, read from /etc/passwd and /etc/group (no process spawned: `id` or
 * `getent` would cost an agent a fork). One reader for the alert agent, the monitor and the lab.
 */
import { readFileSync } from 'node:fs';

/** The id (third field) of `name` in a passwd- or group-format file; null when absent or unreadable. */
export function accountId(file: string, name: string): number | null {
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && /^\d+$/.test(f[2] ?? '')) return Number(f[2]);
    }
  } catch {
    // no such file: no such account
  }
  return null;
}

/** hacluster:haclient, the owner of Pacemaker's state and the user alert agents run as; null when either is missing. */
export function haclusterOwner(): { uid: number; gid: number } | null {
  const uid = accountId('/etc/passwd', 'hacluster');
  const gid = accountId('/etc/group', 'haclient');
  return uid === null || gid === null ? null : { uid, gid };
}
