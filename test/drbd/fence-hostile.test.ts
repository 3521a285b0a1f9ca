/**
 * The fencing constraint's id for every resource name the agent accepts: an XML ID (the CIB's
 * schema refuses anything else, so fence-peer could never place it), distinct for distinct names.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constraintId, constraintXml } from '../../lib/drbd/fence/constraint.ts';
import { resourceNameProblem } from '../../lib/drbd/validate.ts';
import { scratch } from '../helpers/agent.ts';

const NAMES = ['r0', 'r_0', 'data.1', 'r0-x', 'r0:data', 'r0@site', 'a+b', 'r%20', 'k=v', 'r_3a', 'r_5f', '_x', 'z'.repeat(64)];

t.test('constraint ids are XML IDs and one-to-one', async (t) => {
  const ids = new Set<string>();
  for (const name of NAMES) {
    t.equal(resourceNameProblem(name), null, `${name} is a name the agent accepts`);
    const id = constraintId(name);
    t.match(id, /^[A-Za-z_][A-Za-z0-9_.-]*$/, `${name} → ${id}`);
    ids.add(id);
  }
  t.equal(ids.size, NAMES.length, 'no two names share an id');
  t.equal(constraintId('r0'), 'ocfkit-drbd-fence-r0', 'ordinary names keep the documented id');
});

t.test("the constraint of a name with ':' passes crm_verify (Pacemaker's schema)", async (t) => {
  const dir = scratch('fence-id');
  const file = join(dir, 'cib.xml');
  writeFileSync(
    file,
    '<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0"><configuration>' +
      '<crm_config><cluster_property_set id="c"><nvpair id="c1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes/>' +
      '<resources><clone id="drbd_r0-clone"><meta_attributes id="m"><nvpair id="m1" name="promotable" value="true"/></meta_attributes>' +
      '<primitive id="drbd_r0" class="ocf" provider="linbit" type="drbd"/></clone></resources>' +
      `<constraints>${constraintXml('r0:data', 'drbd_r0-clone', 'node1', 'Promoted')}</constraints></configuration><status/></cib>`,
  );
  const r = spawnSync('crm_verify', ['--xml-file', file], { encoding: 'utf8', timeout: 30_000 });
  t.equal(r.status, 0, r.stderr);
});
