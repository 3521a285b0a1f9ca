/** Node names: the `on` names of real `drbdadm dump` output (drbd-utils 9.22, drbdadm and drbdadm-84). */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeNameProblem, onHostsOfDump } from '../../lib/drbd/node-names.ts';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'drbd-conf');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');

t.test('the on names of drbdadm dump (9 and 8.4 layouts)', async (t) => {
  t.same(onHostsOfDump(read('drbd-utils9.22-drbdadm-dump-r0-on-node1.txt'), 'r0'), ['node1', 'node2']);
  t.same(onHostsOfDump(read('drbd-utils9.22-drbdadm-84-dump-r0-on-node1.txt'), 'r0'), ['node1', 'node2']);
  t.same(onHostsOfDump(read('drbd-utils9.22-drbdadm-dump-r0-on-node1.txt'), 'r1'), [], 'another resource');
  t.same(onHostsOfDump('resource r0 {\n  on a b {\n    node-id 0;\n  }\n  on c {\n  }\n}\n', 'r0'), ['a', 'b', 'c'], 'several names in one on section');
});

t.test('which names differ: all named in a short reason, what differs in the detail', async (t) => {
  const hosts = onHostsOfDump(read('drbd-utils9.22-drbdadm-dump-r0-on-node1.txt'), 'r0');
  const pm = (name: string) => ({ name, source: 'CRM_meta_on_node' });
  t.equal(nodeNameProblem({ resource: 'r0', hostName: 'node1', pacemaker: pm('node1'), drbd: { hosts } }), null, 'all agree');
  t.equal(nodeNameProblem({ resource: 'r0', hostName: 'node1', pacemaker: null, drbd: { hosts } }), null, 'outside a cluster: host and DRBD');
  t.same(nodeNameProblem({ resource: 'r0', hostName: 'node1.example.com', pacemaker: pm('node1.example.com'), drbd: { hosts } }), {
    reason: 'node names differ: host=node1.example.com pacemaker=node1.example.com drbd(r0)=node1,node2',
    detail: "node names differ: Pacemaker 'node1.example.com' not in DRBD r0 'on' names (node1,node2): the fencing handlers would name nodes Pacemaker does not know",
  }, 'drbdadm 9 accepts the short host name; the handlers would not');
  t.same(nodeNameProblem({ resource: 'r0', hostName: 'vm', pacemaker: pm('node1'), drbd: { hosts } }), {
    reason: 'node names differ: host=vm pacemaker=node1 drbd(r0)=node1,node2',
    detail: "node names differ: host 'vm' vs Pacemaker 'node1' (CRM_meta_on_node); host 'vm' not in DRBD r0 'on' names (node1,node2)",
  });
  // drbdadm-84 refuses a resource without an on section for this host: that message is the evidence
  const err = read('drbd-utils9.22-drbdadm-84-dump-r0-on-node1-example-com.stderr').trim();
  t.equal(read('drbd-utils9.22-drbdadm-84-dump-r0-on-node1-example-com.rc').trim(), '1');
  const p = nodeNameProblem({ resource: 'r0', hostName: 'node1.example.com', pacemaker: pm('node1'), drbd: { error: err } })!;
  t.equal(p.reason, 'node names differ: host=node1.example.com pacemaker=node1 drbd(r0)=none-for-this-host');
  t.match(p.detail, /no 'on' section of DRBD r0 for this host \(drbdadm dump: 'r0' not defined in your config \(for this host\)\.\)/);
  t.ok(Buffer.byteLength(p.reason) <= 128, 'fits an exit reason');
});
