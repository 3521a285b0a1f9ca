/**
 * Do the node's names agree? DRBD picks its `on <host>` section by the host name (uname -n),
 * Pacemaker knows the node by its node name (`crm_node -n`, CRM_meta_on_node), and the fencing
 * handlers place constraints on `#uname` with the names DRBD passes (the `on` names). When they
 * differ, drbdadm refuses the resource on this host, or a constraint bans a name Pacemaker does
 * not have. Pure: every name is given.
 */

/** The host names of the `on <host…> {` sections of `resource <res>` in `drbdadm dump` output. */
export function onHostsOfDump(text: string, resource: string): string[] {
  const hosts: string[] = [];
  let depth = 0;
  let inResource = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    if (depth === 0) {
      const m = /^resource\s+(\S+)\s*\{/.exec(line);
      inResource = m !== null && m[1] === resource;
    } else if (depth === 1 && inResource) {
      const m = /^on\s+(.+?)\s*\{/.exec(line);
      if (m) hosts.push(...m[1]!.split(/\s+/).filter(Boolean));
    }
    for (const ch of line) {
      if (ch === '{') depth++;
      else if (ch === '}') depth = Math.max(0, depth - 1);
    }
  }
  return hosts;
}

export interface NameFacts {
  resource: string;
  /** os.hostname() (uname -n). */
  hostName: string;
  /** Pacemaker's node name and where it came from; null when it could not be learnt. */
  pacemaker: { name: string; source: string } | null;
  /** The `on` names from drbdadm dump, or why they could not be read. */
  drbd: { hosts: string[] } | { error: string };
}

const short = (n: string): string => n.split('.')[0]!;

/**
 * null when the names agree; else `reason`, short enough for an exit reason (128 bytes), naming
 * every name (`node names differ: host=node1.example.com pacemaker=node1 drbd(r0)=node1,node2`),
 * and `detail`, which says what differs and what drbdadm said (for the log).
 */
export function nodeNameProblem(f: NameFacts): { reason: string; detail: string } | null {
  const problems: string[] = [];
  const pm = f.pacemaker;
  if (pm && pm.name !== f.hostName) problems.push(`host '${f.hostName}' vs Pacemaker '${pm.name}' (${pm.source})`);
  let drbd: string;
  if ('error' in f.drbd) {
    drbd = 'none-for-this-host';
    problems.push(`no 'on' section of DRBD ${f.resource} for this host (drbdadm dump: ${f.drbd.error})`);
  } else {
    const hosts = f.drbd.hosts;
    drbd = hosts.join(',') || 'none';
    // drbdadm 9 also matches the short host name; 8.4 only the full one
    if (!hosts.includes(f.hostName) && !hosts.includes(short(f.hostName))) problems.push(`host '${f.hostName}' not in DRBD ${f.resource} 'on' names (${drbd})`);
    if (pm && !hosts.includes(pm.name)) problems.push(`Pacemaker '${pm.name}' not in DRBD ${f.resource} 'on' names (${drbd}): the fencing handlers would name nodes Pacemaker does not know`);
  }
  if (problems.length === 0) return null;
  return {
    reason: `node names differ: host=${f.hostName} pacemaker=${pm?.name ?? '-'} drbd(${f.resource})=${drbd}`,
    detail: `node names differ: ${problems.join('; ')}`,
  };
}
