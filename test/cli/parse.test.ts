import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fx = (name: string) => `test/fixtures/cluster/${name}`;

function ocfkit(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/bin.ts', ...args], { cwd: root, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('parse crm-mon prints the documented JSON fields', async (t) => {
  const r = ocfkit(['parse', 'crm-mon', fx('pcmk2.1.5-crm_mon-xml-failed-actions.xml')]);
  t.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  t.match(m, { dc: 'node1', quorum: true, maintenanceMode: false, promotionScores: { node1: { db: 10 } } });
  t.match(m.nodes[0], { name: 'node1', online: true, standby: false, maintenance: false, unclean: false, isDc: true });
  t.match(m.instances.find((i: { id: string }) => i.id === 'db'), { cloneId: 'db-clone', agent: 'ocf:pacemaker:Stateful', role: 'Promoted', nodes: ['node1'], managed: true, failed: false });
  t.match(m.failures[0], { resource: 'web', node: 'node1', task: 'monitor', exitCode: 1, exitReason: 'state file /run/web.state is missing' });
  t.ok(r.stdout.startsWith('{\n  "source"'), '2-space indent');
});

t.test('parse cib and pcs-status from stdin', async (t) => {
  const cib = ocfkit(['parse', 'cib', '-'], readFileSync(root + fx('pcmk2.1.5-cibadmin-query-constraints.xml'), 'utf8'));
  t.equal(cib.code, 0, cib.stderr);
  t.equal(JSON.parse(cib.stdout).configuration.constraints.ticket[0].ticket, 'site-a');
  const pcs = ocfkit(['parse', 'pcs-status'], readFileSync(root + fx('pcs0.11.5-status-standby-node.txt'), 'utf8'));
  t.equal(pcs.code, 0, pcs.stderr);
  t.match(JSON.parse(pcs.stdout), { kind: 'status', limits: { knowsNodeAttributes: false } });
});

t.test('parse errors exit 1 naming source and path/line, without a stack', async (t) => {
  const r = ocfkit(['parse', 'crm-mon', '-'], '<pacemaker-result>\n<nodes><node id="1"/></nodes></pacemaker-result>');
  t.equal(r.code, 1);
  t.match(r.stderr, /crm_mon-xml: <node> has no name attribute \(at \/pacemaker-result\/nodes\[1\]\/node\[1\](, line \d+)?\)/);
  t.notMatch(r.stderr, /\n\s+at /);
  const text = ocfkit(['parse', 'pcs-status', '-'], 'nothing here\n');
  t.equal(text.code, 1);
  t.match(text.stderr, /pcs-status: no pcs status content recognised \(line 1\)/);
  const missing = ocfkit(['parse', 'cib', '/nonexistent.xml']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /cannot read \/nonexistent.xml: ENOENT/);
});

t.test('warnings go to stderr, JSON still printed', async (t) => {
  const r = ocfkit(['parse', 'crm-mon', '-'], '<crm_mon version="1"><resources><resource id="x" role="Weird"/></resources></crm_mon>');
  t.equal(r.code, 0);
  t.match(r.stderr, /warning: crm_mon-xml: unknown role "Weird"/);
  t.equal(JSON.parse(r.stdout).instances[0].role, 'Unknown');
});

t.test('parse drbd delegates to drbd-status-parser', async (t) => {
  const text = readFileSync('/work/shared/fixtures/drbd-public/drbdadm-status/drbd9-secondary-peer-primary-uptodate.txt', 'utf8');
  const r = ocfkit(['parse', 'drbd', '-'], text);
  t.equal(r.code, 0, r.stderr);
  t.ok(Array.isArray(JSON.parse(r.stdout).resources), 'a DRBD model with resources');
  const bad = ocfkit(['parse', 'drbd', '-'], '\u0000garbage\n');
  t.equal(bad.code, 1);
  t.match(bad.stderr, /^ocfkit: drbd: /);
});
