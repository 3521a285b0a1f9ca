/**
 * The pcs script is the same stack: run by sh on a blank CIB (`cibadmin --empty`), with the real
 * pcs validating every agent (ocfkit's built agents, the lab's fence agent, Debian's
 * fence_ipmilan), it yields the configuration the XML render describes — compared through
 * lib/cluster's parseCibXml: resources, params, meta, ops, constraints, rules, defaults, alert —
 * and passes crm_verify. Hostile values pass through sh and pcs unchanged and run nothing.
 * About 40 s per script (one pcs process per command, each validating its agent): one script
 * holds every fragment (hot + window, fence_ipmilan, hostile values).
 */
import t, { type Test } from 'tap';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { renderCib, type StackVars, type Variant } from '../../lib/cib/render.ts';
import { parseCibXml } from '../../lib/cluster/index.ts';
import { applyPcs, crmVerify, tempDir } from './helpers.ts';
import { MARK, hostileVars } from './hostile.ts';

// Saturday 22:00 + 4 h: two date_specs (Saturday 22-23, Sunday 0-1), a nested or-rule.
const WINDOW = { start: '0 22 * * 6', length: '4h' };

function samePcsAndXml(t: Test, name: string, vars: StackVars, variant: Variant, window: typeof WINDOW | null) {
  const dir = tempDir(t);
  const r = renderCib(vars, { variant, restoreWindow: window });
  const started = Date.now();
  const run = applyPcs(dir, r.pcs, name);
  t.comment(`${name}: pcs script ran in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  t.equal(run.status, 0, `sh ${name}.sh exits 0`);
  t.notMatch(run.stderr, /Error/, 'pcs reported no error');
  const fromPcs = parseCibXml(readFileSync(run.cib)).configuration;
  const fromXml = parseCibXml(r.xml).configuration;
  t.ok(fromXml.resources.length >= 7 && fromXml.constraints.location.length >= 3, 'a whole stack to compare');
  t.strictSame(fromPcs.resources, fromXml.resources, 'resources: agents, params, meta, ops (ids included)');
  t.strictSame(fromPcs.constraints, fromXml.constraints, 'constraints and their rules');
  t.strictSame(fromPcs.properties, fromXml.properties, 'cluster properties');
  t.strictSame(fromPcs.rscDefaults, fromXml.rscDefaults, 'resource defaults');
  t.strictSame(fromPcs.alerts, fromXml.alerts, 'the alert');
  t.strictSame(fromPcs, fromXml, 'the whole configuration');
  t.same(crmVerify(run.cib), { status: 0, output: '' }, 'crm_verify on the pcs-built CIB says nothing');
}

t.test('hot + restore window, hostile values (fence_ipmilan password, options, socket, paths, service env) through sh and pcs', async (t) => {
  rmSync(MARK, { force: true });
  samePcsAndXml(t, 'hostile-hot-window', hostileVars(), 'hot', WINDOW);
  t.equal(existsSync(MARK), false, 'no $() or backquote was ever run');
});

