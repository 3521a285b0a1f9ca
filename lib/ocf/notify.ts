/**
 * Notification sets of a clone's `notify` action. Pacemaker 2.1 exports the new names
 * (promoted/unpromoted) and the legacy ones (master/slave); read the new, fall back to the old.
 */

export type NotifySetName = 'start' | 'stop' | 'promote' | 'demote' | 'active' | 'inactive' | 'promoted' | 'unpromoted';

export interface NotifyEntry {
  resource: string;
  uname: string;
}

export interface NotifyInfo {
  type: 'pre' | 'post';
  operation: string;
  sets: Record<NotifySetName, NotifyEntry[]>;
  /** Nodes where the clone may run (`notify_available_uname`). */
  available: string[];
  /** Every node of the cluster (`notify_all_uname`). */
  all: string[];
}

const SETS: NotifySetName[] = ['start', 'stop', 'promote', 'demote', 'active', 'inactive', 'promoted', 'unpromoted'];
const LEGACY: Partial<Record<NotifySetName, string>> = { promoted: 'master', unpromoted: 'slave' };

function words(value: string | undefined): string[] {
  return value ? value.split(/\s+/).filter(Boolean) : [];
}

/** `meta` holds the CRM_meta_* values without the prefix (e.g. `notify_type`). */
export function readNotify(meta: Record<string, string>): NotifyInfo | null {
  const type = meta.notify_type;
  const operation = meta.notify_operation;
  if ((type !== 'pre' && type !== 'post') || !operation) return null;

  const pick = (set: string, field: 'resource' | 'uname'): string | undefined => meta[`notify_${set}_${field}`];
  const sets = {} as Record<NotifySetName, NotifyEntry[]>;
  for (const set of SETS) {
    const legacy = LEGACY[set];
    const resources = words(pick(set, 'resource') ?? (legacy ? pick(legacy, 'resource') : undefined));
    const unames = words(pick(set, 'uname') ?? (legacy ? pick(legacy, 'uname') : undefined));
    const n = Math.max(resources.length, unames.length);
    sets[set] = Array.from({ length: n }, (_, i) => ({ resource: resources[i] ?? '', uname: unames[i] ?? '' }));
  }
  return { type, operation, sets, available: words(meta.notify_available_uname), all: words(meta.notify_all_uname) };
}
