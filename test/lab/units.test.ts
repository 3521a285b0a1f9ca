import t from 'tap';
import { readFileSync, writeFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labPaths, labSubnet, nodeNames, validateLabName } from '../../lib/lab/names.ts';
import { renderCorosyncConf } from '../../lib/lab/corosync-conf.ts';
import { parseCrmMon, nodesWithRole, onlineNodes } from '../../lib/lab/crm-mon.ts';
import { parseAlerts, parseCorosyncMemberships, parseSyslogTime } from '../../lib/lab/timeline.ts';
import { renderFenceAgent, renderAlertAgent } from '../../lib/lab/fence/agent-script.ts';
import { seedConfiguration } from '../../lib/lab/cib-seed.ts';
import { stackConfiguration, placement } from '../../lib/lab/stack.ts';
import { mountsUnder } from '../../lib/lab/system.ts';
import { run } from '../../lib/exec/run.ts';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

t.test('names: namespaces, state and a per-lab subnet', async (t) => {
  const p = labPaths('ocfkit-t1');
  t.equal(p.node('node2').netns, 'ocfkit-t1-node2');
  t.equal(p.stateDir, '/run/ocfkit-lab/ocfkit-t1');
  t.match(p.subnet, /^10\.(2[0-5]\d)\.\d{1,3}\.0\/24$/);
  t.equal(p.node('node1').address, `${labSubnet('ocfkit-t1')}.1`);
  t.not(labSubnet('ocfkit-t1'), labSubnet('ocfkit-lab'), 'different names, different subnets');
  // stable: a fixed function of the name (32-bit FNV-1a of 'x' = 4245442695, worked out outside
  // ocfkit), so `lab down` in another process finds the subnet `lab up` chose
  t.equal(labSubnet('x'), '10.232.135', 'stable');
  t.same(nodeNames(1), ['node1']);
  t.throws(() => nodeNames(3));
  t.throws(() => validateLabName('Bad_Name'));
  t.throws(() => validateLabName('../etc'));
  t.throws(() => p.node('node3'));
});

t.test('corosync.conf: knet, token, two_node only with two nodes', async (t) => {
  const two = renderCorosyncConf({ clusterName: 'l', token: 1000, nodes: [{ name: 'node1', id: 1, address: '10.1.1.1' }, { name: 'node2', id: 2, address: '10.1.1.2' }] });
  t.match(two, /transport: knet/);
  t.match(two, /token: 1000/);
  t.match(two, /two_node: 1/);
  t.match(two, /timestamp: hires/);
  t.match(two, /ring0_addr: 10\.1\.1\.2\n\s+name: node2\n\s+nodeid: 2/);
  const one = renderCorosyncConf({ clusterName: 'l', token: 3000, nodes: [{ name: 'node1', id: 1, address: '10.1.1.1' }] });
  t.notMatch(one, /two_node/);
  t.throws(() => renderCorosyncConf({ clusterName: 'l', token: 10, nodes: [] }));
});

t.test('seed and stack configuration validate with crm_verify', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-lab-unit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cib = join(dir, 'cib.xml');
  const empty = await run('cibadmin', ['--empty']);
  writeFileSync(cib, empty.stdout);
  const seed = seedConfiguration({ nodes: ['node1', 'node2'], stonith: true, fenceDelayMs: 5000, fenceDelayTarget: 'node2' });
  t.match(seed, /<nvpair id="fence-node2-instance_attributes-pcmk_delay_base" name="pcmk_delay_base" value="5000ms"\/>/);
  t.notMatch(seed, /fence-node1-instance_attributes-pcmk_delay_base/);
  t.match(seed, /name="stonith-enabled" value="true"/);
  t.match(seed, /name="dc-deadtime" value="2s"/);
  const r1 = await run('cibadmin', ['--replace', '--scope', 'configuration', '--xml-text', seed], { env: { CIB_file: cib } });
  t.equal(r1.exitCode, 0, r1.stderr);
  const stack = stackConfiguration({ services: [{ name: 'a', command: ['/bin/sleep', 'infinity'] }] });
  const r2 = await run('cibadmin', ['--modify', '--allow-create', '--scope', 'configuration', '--xml-text', stack], { env: { CIB_file: cib } });
  t.equal(r2.exitCode, 0, r2.stderr);
  const verify = await run('crm_verify', ['--xml-file', cib]);
  // Only stonith warnings (the fence agent is not installed on the host) are acceptable.
  t.notMatch(verify.stderr, /error: (?!.*fence)/i, verify.stderr);
  t.match(stack, /services" value="\[\{&quot;name&quot;:&quot;a&quot;/);
});

t.test('crm_mon parser on a real capture', async (t) => {
  const state = parseCrmMon(fixture('crm_mon-2.1.5-stack-promoted-node2.xml'));
  t.equal(state.dc, 'node2');
  t.ok(state.quorum);
  t.same(onlineNodes(state), ['node1', 'node2']);
  t.same(nodesWithRole(state, 'stateful-clone', 'Promoted'), ['node2']);
  t.same(nodesWithRole(state, 'stateful-clone', 'Unpromoted'), ['node1']);
  t.same(nodesWithRole(state, 'dummy', 'Started'), ['node2']);
  const p = placement(state, ['dummy', 'svc']);
  t.same(p, { promoted: 'node2', unpromoted: ['node1'], started: { dummy: ['node2'], svc: ['node2'] } });
  t.throws(() => parseCrmMon('<cib/>'), { name: 'ClusterParseError' }, 'not crm_mon output');
});

t.test('timeline parsers', async (t) => {
  const alerts = parseAlerts(
    '1795313315.476185\tfencing\tnode1\t\tst_notify_fence\t0\t\t\tOperation reboot of node1 by node2: OK\n' +
      '1795313314.372185\tnode\tnode1\t\t\t\t\t\tlost\n' +
      'garbage\n',
  );
  t.equal(alerts.length, 2);
  t.equal(alerts[0]!.kind, 'node', 'sorted by time');
  t.equal(alerts[1]!.rc, 0);
  t.equal(alerts[0]!.at, 1795313314372.185);
  const now = new Date(2026, 10, 22, 2, 9, 0).getTime();
  const m = parseCorosyncMemberships(
    'Nov 22 02:08:34.364 [19779] node2 corosync notice  [TOTEM ] A new membership (2.d) was formed. Members left: 1\n' +
      'Nov 22 02:08:25.132 [19781] node1 corosync notice  [TOTEM ] A new membership (1.9) was formed. Members joined: 2\n',
    now,
  );
  t.same(m.map((x) => [x.left, x.joined]), [[[1], []], [[], [2]]]);
  t.equal(m[0]!.at, new Date(2026, 10, 22, 2, 8, 34, 364).getTime());
  t.equal(parseSyslogTime('Dec 31 23:59:59.500 x', new Date(2027, 0, 1, 0, 0, 1).getTime()), new Date(2026, 11, 31, 23, 59, 59, 500).getTime(), 'year boundary');
});

t.test('fence agent script: API without touching any process', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-lab-fence-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const agent = join(dir, 'fence_ocfkit_lab');
  // Inodes that no namespace has: status must say off, and off must succeed with nothing to kill.
  writeFileSync(agent, renderFenceAgent('unit', [{ node: 'node1', netInode: 1 }, { node: 'node2', netInode: 2 }]));
  chmodSync(agent, 0o755);
  const call = (input: string, args: string[] = []) => run(agent, args, { input, timeoutMs: 10_000 });
  const meta = await call('action=metadata\n');
  t.equal(meta.exitCode, 0);
  t.match(meta.stdout, /<resource-agent name="fence_ocfkit_lab"/);
  t.match(meta.stdout, /<action name="reboot" \/>/);
  const lint = await run('xmllint', ['--noout', '-'], { input: meta.stdout });
  if (!lint.spawnError) t.equal(lint.exitCode, 0, 'metadata is well-formed XML');
  t.equal((await call('', ['-o', 'metadata'])).exitCode, 0, 'command-line form');
  t.equal((await call('action=list\n')).stdout, 'node1\nnode2\n');
  t.equal((await call('action=monitor\n')).exitCode, 0);
  t.equal((await call('action=status\nport=node1\n')).exitCode, 2, 'no process: off');
  t.equal((await call('action=off\nplug=node2\n')).exitCode, 0);
  t.equal((await call('action=reboot\nnodename=node1\n')).exitCode, 0, 'nodename is enough');
  t.equal((await call('action=reboot\nport=node9\n')).exitCode, 1, 'unknown node');
  t.equal((await call('action=reboot\n')).exitCode, 1, 'no target');
  t.equal((await call('action=on\nport=node1\n')).exitCode, 1);
  t.throws(() => renderFenceAgent('x', [{ node: 'node1', netInode: 0 }]));
  t.match(renderAlertAgent(), /alerts\.log/);
});

t.test('mountsUnder', async (t) => {
  const info = [
    '22 1 8:1 / / rw - ext4 /dev/vda rw',
    '90 22 8:1 /run/ocfkit-lab/a/ns /run/ocfkit-lab/a/ns rw - ext4 /dev/vda rw',
    '91 90 0:4 net:[1] /run/ocfkit-lab/a/ns/node1.uts rw - nsfs nsfs rw',
    '92 22 8:1 / /run/ocfkit-lab/ab rw - ext4 /dev/vda rw',
  ].join('\n');
  t.same(mountsUnder('/run/ocfkit-lab/a', info), ['/run/ocfkit-lab/a/ns/node1.uts', '/run/ocfkit-lab/a/ns']);
});
