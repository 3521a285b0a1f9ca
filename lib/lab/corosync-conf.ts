/** corosync.conf for a lab: knet, no crypto, the token as a parameter. A pure renderer. */

export interface CorosyncNode {
  name: string;
  id: number;
  address: string;
}

export interface CorosyncConfOptions {
  clusterName: string;
  /** Totem token timeout in ms (corosync's default is 3000). */
  token: number;
  nodes: readonly CorosyncNode[];
}

export function renderCorosyncConf(options: CorosyncConfOptions): string {
  const { clusterName, token, nodes } = options;
  if (!Number.isInteger(token) || token < 200) throw new Error(`token must be an integer >= 200 ms, not ${token}`);
  if (nodes.length < 1 || nodes.length > 2) throw new Error('a lab cluster has 1 or 2 nodes');
  const nodeBlocks = nodes
    .map((n) => ['    node {', `        ring0_addr: ${n.address}`, `        name: ${n.name}`, `        nodeid: ${n.id}`, '    }'].join('\n'))
    .join('\n');
  // two_node implies wait_for_all: after a full teardown both nodes must be up before quorum.
  const quorum = nodes.length === 2 ? ['    provider: corosync_votequorum', '    two_node: 1'] : ['    provider: corosync_votequorum'];
  return [
    'totem {',
    '    version: 2',
    `    cluster_name: ${clusterName}`,
    '    transport: knet',
    '    crypto_cipher: none',
    '    crypto_hash: none',
    `    token: ${token}`,
    '}',
    '',
    'nodelist {',
    nodeBlocks,
    '}',
    '',
    'quorum {',
    ...quorum,
    '}',
    '',
    'logging {',
    '    to_logfile: yes',
    '    logfile: /var/log/corosync/corosync.log',
    '    to_syslog: no',
    '    to_stderr: no',
    '    timestamp: hires',
    '}',
    '',
  ].join('\n');
}
