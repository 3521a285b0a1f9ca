/**
 * `ocfkit drbd fence-peer` / `unfence-peer` against a real single-node Pacemaker cluster (the lab,
 * Pacemaker 2.1.5 from Debian), with the drbd stand-ins answering real DRBD captures: the
 * constraint is placed (crm_verify clean), a second fence-peer changes nothing, unfence-peer
 * refuses while the local disk is not UpToDate and then removes exactly its constraint.
 */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labUp, type Lab } from '../../lib/lab/index.ts';
import { scratch } from '../helpers/agent.ts';

const LAB = 'ocfkit-fence1';
const STANDIN = join(import.meta.dirname, '..', 'fixtures', 'drbd-standin');
const VM = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'drbd-vm');

async function ok(t: Test, lab: Lab, args: string[]) {
  const r = await lab.exec('node1', args, { timeoutMs: 60_000 });
  t.equal(r.exitCode, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
}

t.test('fence-peer and unfence-peer in a single-node cluster', async (t) => {
  await labDown(LAB);
  const lab = await labUp({ name: LAB, nodes: 1, stonith: false });
  t.teardown(async () => {
    await lab.down();
  });
  const dir = scratch('drbd-fence');
  const state = (s: string) => writeFileSync(join(dir, 'current'), `${join(VM, s)}\n`);
  const env = { PATH: `${STANDIN}:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, DRBD_STANDIN: dir, DRBD_RESOURCE: 'r0', DRBD_PEERS: 'node2', DRBD_CONF: '/etc/drbd.conf' };
  const handler = (verb: string) => lab.exec('node1', ['ocfkit', 'drbd', verb], { env, timeoutMs: 60_000 });
  const constraints = async () => (await ok(t, lab, ['cibadmin', '--query', '--scope', 'constraints'])).stdout;

  await ok(t, lab, ['pcs', 'resource', 'create', 'drbd_r0', 'ocf:ocfkit:drbd', 'drbd_resource=r0', 'promotable', 'notify=true', '--disabled']);
  await ok(t, lab, ['pcs', 'constraint', 'location', 'drbd_r0-clone', 'prefers', 'node1=50']);
  const operatorOnly = await constraints();
  t.match(operatorOnly, /location-drbd_r0-clone-node1-50/);

  // DRBD lost its peer while Primary with UpToDate data (real capture 05)
  state('05-peer-killed-primary-wfconnection/node1');
  const fence = await handler('fence-peer');
  t.equal(fence.exitCode, 5, `exit 5: peer unreachable, constraint placed (${fence.stderr.trim()})`);
  t.match(fence.stderr, /my disk is UpToDate: Promoted kept on node1 by ocfkit-drbd-fence-r0/);
  const fenced = await constraints();
  t.match(fenced, /<rsc_location id="ocfkit-drbd-fence-r0" rsc="drbd_r0-clone">\s*<rule id="ocfkit-drbd-fence-r0-rule" role="Promoted" score="-INFINITY" boolean-op="and">\s*<expression id="ocfkit-drbd-fence-r0-expr" attribute="#uname" operation="ne" value="node1"\/>/);
  const verify = await lab.exec('node1', ['crm_verify', '--live-check', '-V']);
  t.same([verify.exitCode, verify.stderr.trim(), verify.stdout.trim()], [0, '', ''], 'crm_verify: clean');

  const again = await handler('fence-peer');
  t.equal(again.exitCode, 4, 'a second fence-peer: already fenced');
  t.match(again.stderr, /ocfkit-drbd-fence-r0 is already in place/);
  t.equal(await constraints(), fenced, 'and the CIB is unchanged');

  // the resync after reconnect has not finished here: the local disk is Inconsistent (capture 02)
  state('02-initial-sync-in-progress/node2');
  const refused = await handler('unfence-peer');
  t.equal(refused.exitCode, 1, 'refuses, non-zero');
  t.match(refused.stderr, /not removing ocfkit-drbd-fence-r0: local disk is Inconsistent/);
  t.equal(await constraints(), fenced, 'the constraint stays');

  // resync done: both UpToDate (capture 04)
  state('04-connected-primary-secondary-uptodate/node2');
  const unfence = await handler('unfence-peer');
  t.equal(unfence.exitCode, 0, unfence.stderr.trim());
  t.match(unfence.stderr, /removing ocfkit-drbd-fence-r0: removed/);
  t.equal(await constraints(), operatorOnly, 'exactly its constraint removed: the operator constraint is untouched');
  const twice = await handler('unfence-peer');
  t.equal(twice.exitCode, 0, 'idempotent');
  t.match(twice.stderr, /no constraint ocfkit-drbd-fence-r0: nothing to remove/);
  const verify2 = await lab.exec('node1', ['crm_verify', '--live-check', '-V']);
  t.equal(verify2.exitCode, 0);
});
