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

t.test('drbd.provider and policy.monitor_timeout: one variable swaps the agent and scales the monitors; both verify', async (t) => {
  const vars = structuredClone(LAB_VARS) as StackVars;
  const before = renderCib(vars, { variant: 'cold' });
  t.match(before.xml, '<primitive id="drbd-data" class="ocf" provider="ocfkit" type="drbd">');
  t.match(before.pcs, 'resource create drbd-data ocf:ocfkit:drbd ');
  vars.drbd.provider = 'linbit';
  vars.policy.monitor_timeout = '90s';
  const r = renderCib(vars, { variant: 'cold' });
  t.match(r.xml, '<primitive id="drbd-data" class="ocf" provider="linbit" type="drbd">');
  t.match(r.pcs, 'resource create drbd-data ocf:linbit:drbd ');
  // Only the provider and the monitor timeouts differ.
  const strip = (x: string) => x.replace(/provider="(ocfkit|linbit)" type="drbd"/, '').replace(/ocf:(ocfkit|linbit):drbd/g, '').replace(/name="monitor"( interval="\w+")? timeout="\w+"/g, '').replace(/op monitor interval=\w+ timeout=\w+/g, '');
  t.equal(strip(r.xml), strip(before.xml), 'nothing else changes in the XML');
  t.equal(strip(r.pcs), strip(before.pcs), 'nothing else changes in the pcs script');
  const monitors = [...r.xml.matchAll(/id="([\w-]+)-monitor-interval-\w+" name="monitor" interval="\w+" timeout="(\w+)"/g)].map((m) => `${m[1]}=${m[2]}`);
  t.same(monitors.sort(), ['app-services=90s', 'drbd-data=90s', 'drbd-data=90s', 'fence-node1=90s', 'fence-node2=90s', 'fs-data=90s', 'haproxy-target=90s', 'vip=90s'].sort(), 'every monitor takes 90s');
  const defaults = [...before.xml.matchAll(/id="([\w-]+)-monitor-interval-\w+" name="monitor" interval="\w+" timeout="(\w+)"/g)].map((m) => `${m[1]}=${m[2]}`);
  t.same(defaults.sort(), ['app-services=40s', 'drbd-data=20s', 'drbd-data=20s', 'fence-node1=20s', 'fence-node2=20s', 'fs-data=40s', 'haproxy-target=20s', 'vip=20s'].sort(), 'the default: 20s, and 40s for the filesystem and the services');
  const dir = tempDir(t);
  writeFileSync(join(dir, 'linbit.xml'), r.xml);
  t.same(crmVerify(join(dir, 'linbit.xml')), { status: 0, output: '' }, 'crm_verify accepts the linbit variant');
  t.equal(renderCib({ ...vars, drbd: { ...vars.drbd, provider: undefined as never } }, { variant: 'cold' }).xml, renderCib({ ...vars, drbd: { ...vars.drbd, provider: 'ocfkit' } }, { variant: 'cold' }).xml, 'provider left out: ocfkit');
});
