/**
 * Where a failover's timeline comes from, parsed here (pure):
 * - the lab's alert agent log (Pacemaker's own event timestamps, epoch with sub-second part):
 *   node lost, fencing result, promote / start results;
 * - the survivor's corosync.log (`timestamp: hires`, local time, ms): the new membership.
 */

export interface AlertEvent {
  /** ms since the epoch. */
  at: number;
  kind: string;
  node: string;
  rsc: string;
  task: string;
  rc: number | null;
  targetRc: number | null;
  status: string;
  desc: string;
}

const num = (v: string | undefined): number | null => (v === undefined || v === '' || !/^-?\d+$/.test(v) ? null : Number(v));

export function parseAlerts(text: string): AlertEvent[] {
  const events: AlertEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = line.split('\t');
    const at = Number(f[0]) * 1000;
    if (!Number.isFinite(at) || at <= 0) continue;
    events.push({ at, kind: f[1] ?? '', node: f[2] ?? '', rsc: f[3] ?? '', task: f[4] ?? '', rc: num(f[5]), targetRc: num(f[6]), status: f[7] ?? '', desc: f[8] ?? '' });
  }
  // Alerts run asynchronously and may be written out of order.
  return events.sort((a, b) => a.at - b.at);
}

export interface MembershipEvent {
  at: number;
  /** Node ids (corosync's) that left / joined. */
  left: number[];
  joined: number[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** corosync's "Mon DD HH:MM:SS.mmm" in local time; the year is the one that puts it nearest `now`. */
export function parseSyslogTime(stamp: string, now = Date.now()): number | null {
  const m = /^(\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/.exec(stamp);
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return null;
  const ms = m[6] ? Math.round(Number(`0.${m[6]}`) * 1000) : 0;
  const year = new Date(now).getFullYear();
  let best: number | null = null;
  for (const y of [year - 1, year, year + 1]) {
    const t = new Date(y, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms).getTime();
    if (best === null || Math.abs(t - now) < Math.abs(best - now)) best = t;
  }
  return best;
}

const ids = (text: string | undefined): number[] => (text ? text.trim().split(/\s+/).map(Number).filter(Number.isFinite) : []);

export function parseCorosyncMemberships(text: string, now = Date.now()): MembershipEvent[] {
  const out: MembershipEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('A new membership')) continue;
    const at = parseSyslogTime(line, now);
    if (at === null) continue;
    const left = /Members left: ([\d ]+)/.exec(line);
    const joined = /Members joined: ([\d ]+)/.exec(line);
    out.push({ at, left: ids(left?.[1]), joined: ids(joined?.[1]) });
  }
  return out;
}

/** Seconds with two decimals, for people. */
export function secs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`;
}
