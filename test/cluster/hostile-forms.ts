/**
 * Generated large inputs of the `pcs status` forms beyond status/resources (see hostile.ts for
 * those), for the complexity and memory tests: each takes a size knob and returns a document of
 * roughly proportional size, shaped like the real form where it should parse.
 */

/** `pcs status nodes both` whose lists are full (MAX_NODES each), then `lines` unrecognised lines. */
export function pcsNodesForm(lines: number): string {
  const names = Array.from({ length: 2_000 }, (_, i) => `node${i}`).join(' ');
  const head = ['Corosync Nodes:', ` Online: ${names}`, ' Offline:', 'Pacemaker Nodes:', ` Online: ${names}`, ' Standby:',
    ' Standby with resource(s) running:', ' Maintenance:', ' Offline:', 'Pacemaker Remote Nodes:', ' Online:', ' Standby:',
    ' Standby with resource(s) running:', ' Maintenance:', ' Offline:'];
  return head.join('\n') + '\n' + ' Unknown list: x\n'.repeat(lines);
}

/** `pcs status quorum` with `rows` membership rows (capped by MAX_NODES) and `keys` distinct unknown keys. */
export function pcsQuorumForm(keys: number, rows = 5_000): string {
  const out = ['Quorum information', '------------------', 'Date:             Fri Nov 27 11:09:35 2026', 'Quorum provider:  corosync_votequorum',
    `Nodes:            ${rows}`, 'Node ID:          1', 'Ring ID:          1.9', 'Quorate:          Yes'];
  for (let i = 0; i < keys; i++) out.push(`Key${i}:  value ${i}`);
  out.push('', 'Votequorum information', '----------------------', 'Expected votes:   2', 'Quorum:           1  ', 'Flags:            2Node Quorate WaitForAll ', '',
    'Membership information', '----------------------', '    Nodeid      Votes    Qdevice Name');
  for (let i = 1; i <= rows; i++) out.push(`${String(i).padStart(10)} ${'1'.padStart(10)} ${'NR'.padStart(10)} node${i}${i === 1 ? ' (local)' : ''}`);
  return out.join('\n') + '\n';
}

/** `pcs status cluster` (pcs 0.11) with `n` lines inside the block it cannot place. */
export function pcsClusterForm(n: number): string {
  return ['Cluster Status:', " Status of pacemakerd: 'Pacemaker is running' (last updated 2026-11-27 11:09:33Z)", ' Cluster Summary:',
    '   * Stack: corosync', '   * Current DC: node2 (version 2.1.5-a3f44794f94) - partition with quorum', ' Node List:',
    '   * Online: [ node1 node2 ]'].join('\n') + '\n' + '   x\n'.repeat(n) + '\nPCSD Status:\n  node1: Offline\n';
}

/** `pcs status pcsd` for `n` nodes, and pcs's stderr kept with it. */
export function pcsPcsdForm(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`  node${i}: ${i % 3 === 0 ? 'Online' : i % 3 === 1 ? 'Offline' : 'Unable to authenticate'}`);
  return out.join('\n') + "\nWarning: Unable to read the known-hosts file: No such file or directory: '/var/lib/pcsd/known-hosts'\n";
}
