/**
 * Every variant × format renders, deterministically, from the documented vars; every rendered CIB
 * passes the real crm_verify with nothing to say; the ids other code relies on are there.
 */
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCib, loadTemplates, templatesDir, EXAMPLE_VARS, LAB_VARS, VARIANTS, loadVars, type StackVars } from '../../lib/cib/render.ts';
import { templateKeys } from '../../lib/cib/template.ts';
import { parseCibXml } from '../../lib/cluster/index.ts';
import { crmVerify, emptyCib, tempDir, tool } from './helpers.ts';

const VARS: [string, StackVars][] = [
  ['example', EXAMPLE_VARS],
  ['lab', LAB_VARS],
];
const WINDOWS = [null, { start: '0 22 * * 6', length: '4h' }] as const;

t.test('the vars files are the documented constants', async (t) => {
  t.same(loadVars(join(templatesDir(), 'example.vars.json')), EXAMPLE_VARS);
  t.same(loadVars(join(templatesDir(), 'lab.vars.json')), LAB_VARS);
  t.same(JSON.parse(readFileSync(join(templatesDir(), 'example.vars.json'), 'utf8')), EXAMPLE_VARS, 'byte for byte the same values');
});

t.test('every template key is filled and every template is used', async (t) => {
  const templates = loadTemplates();
  const r = renderCib(LAB_VARS, { variant: 'hot', restoreWindow: WINDOWS[1] });
  // Every key a template names exists for these vars (renderCib throws on an unknown one; this names them).
  const used = new Set(Object.values(templates).flatMap((text) => templateKeys(text).values));
  t.ok(used.has('drbd.resource') && used.has('corosync.token') && used.has('restore_window.score'));
  // The pcs and XML template sets name the same fragments.
  const xml = Object.keys(templates).filter((k) => k.startsWith('xml/')).map((k) => k.slice(4, -4));
  const pcs = Object.keys(templates).filter((k) => k.startsWith('pcs/')).map((k) => k.slice(4, -3));
  t.same(pcs.map((n) => (n === 'stack' ? 'cib' : n)).sort(), xml.sort());
  t.notMatch(r.xml + r.pcs + r.corosync, /\{\{|\}\}/, 'no placeholder left');
});

for (const [name, vars] of VARS) {
  for (const variant of VARIANTS) {
    for (const window of WINDOWS) {
      const label = `${name} ${variant}${window ? ' + restore window' : ''}`;
      t.test(`${label}: renders every format; crm_verify -V says nothing`, async (t) => {
        const r = renderCib(vars, { variant, restoreWindow: window });
        const again = renderCib(structuredClone(vars) as StackVars, { variant, restoreWindow: window });
        t.same([again.xml, again.configuration, again.pcs, again.corosync], [r.xml, r.configuration, r.pcs, r.corosync], 'deterministic');
        t.match(r.pcs, /^#!\/bin\/sh\n/);
        t.match(r.corosync, new RegExp(`token: ${vars.corosync.token}\\n`));
        t.match(r.configuration, /^<configuration>\n[\s\S]*<\/configuration>\n$/);

        const dir = tempDir(t);
        const file = join(dir, 'cib.xml');
        writeFileSync(file, r.xml);
        const verify = crmVerify(file);
        t.equal(verify.status, 0, 'crm_verify exit 0');
        t.equal(verify.output, '', 'crm_verify printed no error and no warning');

        // The configuration format, as the lab and an operator load it: cibadmin --replace --scope configuration.
        const replaced = join(dir, 'replaced.xml');
        emptyCib(replaced);
        writeFileSync(join(dir, 'configuration.xml'), r.configuration);
        const rep = tool('cibadmin', ['--replace', '--scope', 'configuration', '--xml-file', join(dir, 'configuration.xml')], { env: { CIB_file: replaced } });
        t.equal(rep.status, 0, `cibadmin --replace --scope configuration: ${rep.stderr}`);
        t.strictSame(parseCibXml(readFileSync(replaced)).configuration, parseCibXml(r.xml).configuration, 'the configuration format loads as the same configuration');

        const cib = parseCibXml(r.xml);
        t.same(cib.warnings, [], 'lib/cluster reads it without a warning');
        const conf = cib.configuration;
        const ids = conf.resources.map((x) => x.id);
        const expected = [...vars.nodes.map((n) => `fence-${n.name}`), 'drbd-data-clone', 'fs-data', 'vip', 'haproxy-target', 'app-services'];
        t.same(ids, variant === 'hot' ? [...expected, 'app-services-ro-clone'] : expected, 'resource ids (contract 5)');
        const clone = conf.resources.find((x) => x.id === 'drbd-data-clone');
        t.equal(clone?.kind, 'clone');
        if (clone?.kind === 'clone') {
          t.equal(clone.child?.id, 'drbd-data');
          t.equal(clone.promotable, true);
          t.match(clone.meta, { notify: 'true', 'promoted-max': '1', 'clone-max': '2' });
        }
        t.same(conf.alerts.map((a) => [a.id, a.path]), [['ocfkit-alert', '/usr/lib/ocf/alerts/ocfkit-alert']]);
        t.equal(conf.properties['stonith-enabled'], 'true');
        t.match(conf.rscDefaults[0]?.values, { 'resource-stickiness': String(vars.policy.resource_stickiness), 'migration-threshold': String(vars.policy.migration_threshold), 'failure-timeout': vars.policy.failure_timeout });
        const order = conf.constraints.order.map((o) => `${o.first}:${o.firstAction}>${o.then}:${o.thenAction}`);
        t.same(order.slice(0, 4), ['drbd-data-clone:promote>fs-data:start', 'fs-data:start>vip:start', 'vip:start>haproxy-target:start', 'haproxy-target:start>app-services:start'], 'promote → mount → VIP → HAProxy → services');
        const haproxy = conf.resources.find((x) => x.id === 'haproxy-target');
        t.equal(haproxy?.kind === 'primitive' && haproxy.params.read_backends, variant === 'hot' ? vars.haproxy.read_backends : undefined, 'read backends only when hot');
        t.equal(/restore-window/.test(r.xml), window !== null);
      });
    }
  }
}

t.test("the README's fence_sbd example renders and verifies", async (t) => {
  const vars = structuredClone(EXAMPLE_VARS) as StackVars;
  const disk = '/dev/disk/by-id/wwn-0x5000c500a1b2c3d4';
  vars.fence = { agent: 'fence_sbd', params: { alpha: { devices: disk }, beta: { devices: disk } }, delay_node: 'alpha', delay: '5s' };
  const r = renderCib(vars, { variant: 'cold' });
  const dir = tempDir(t);
  writeFileSync(join(dir, 'sbd.xml'), r.xml);
  t.same(crmVerify(join(dir, 'sbd.xml')), { status: 0, output: '' });
  t.match(r.pcs, `pcs -f "$cib" stonith create fence-beta fence_sbd \\\n  pcmk_host_list=beta \\\n  devices=${disk} \\\n`);
});
