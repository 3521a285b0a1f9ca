/**
 * Bad vars are typed errors naming the source and the variable; hostile values (XML and shell
 * metacharacters, quotes, `$()`) come out as the same value in the rendered CIB; ids cannot
 * collide. (The pcs side of the hostile values: pcs.test.ts.)
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCib, validateVars, loadVars, LAB_VARS, EXAMPLE_VARS, type StackVars } from '../../lib/cib/render.ts';
import { parseCibXml } from '../../lib/cluster/index.ts';
import { crmVerify, tempDir } from './helpers.ts';
import { HOSTILE, hostileVars } from './hostile.ts';

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const lab = (): Mutable => structuredClone(LAB_VARS) as Mutable;

const BAD: [string, (v: Mutable) => void, string, RegExp][] = [
  ['missing top-level', (v) => delete v.vip, 'vip', /is required/],
  ['unknown top-level (a typo)', (v) => (v.polcy = {}), 'polcy', /unknown variable/],
  ['unknown nested', (v) => (v.vip.netmask = 24), 'vip.netmask', /unknown variable/],
  ['one node', (v) => v.nodes.pop(), 'nodes', /exactly two/],
  ['node name with a space', (v) => (v.nodes[0].name = 'node 1'), 'nodes[0].name', /not a node name/],
  ['node name a pcs rule word', (v) => (v.nodes[1].name = 'and'), 'nodes[1].name', /pcs's rule language/],
  ['node name missing', (v) => delete v.nodes[1].name, 'nodes[1].name', /is required/],
  ['same node twice', (v) => (v.nodes[1].name = 'node1'), 'nodes[1].name', /also nodes\[0\]\.name/],
  ['node address', (v) => (v.nodes[0].address = '10.0.0.300'), 'nodes[0].address', /not an IPv4/],
  ['preferred node unknown', (v) => (v.preferred_node = 'node3'), 'preferred_node', /not one of the nodes/],
  ['fence agent', (v) => (v.fence.agent = 'ipmilan; reboot'), 'fence.agent', /fence agent name/],
  ['fence params for a node missing', (v) => delete v.fence.params.node2, 'fence.params.node2', /is required/],
  ['fence params for an unknown node', (v) => (v.fence.params.node3 = {}), 'fence.params.node3', /unknown variable/],
  ['fence param reserved', (v) => (v.fence.params.node1.pcmk_host_list = 'node2'), 'fence.params.node1.pcmk_host_list', /set by the template/],
  ['fence param name', (v) => (v.fence.params.node1['ip addr'] = 'x'), 'fence.params.node1.ip addr', /parameter name/],
  ['fence param not a string', (v) => (v.fence.params.node1.ip = ['a']), 'fence.params.node1.ip', /must be a string/],
  ['fence delay without a delay node', (v) => (v.fence.delay = 'soon'), 'fence.delay', /not a Pacemaker duration/],
  ['drbd resource starting with -', (v) => (v.drbd.resource = '-r0'), 'drbd.resource', /DRBD resource name/],
  ['drbd device', (v) => (v.drbd.device = '/dev/sda1'), 'drbd.device', /DRBD device/],
  ['directory relative', (v) => (v.filesystem.directory = 'srv'), 'filesystem.directory', /absolute path/],
  ['directory /', (v) => (v.filesystem.directory = '/'), 'filesystem.directory', /must not be \//],
  ['newline in a value', (v) => (v.filesystem.options = 'ro\nrw'), 'filesystem.options', /control character/],
  ['NUL in a value', (v) => (v.haproxy.socket = '/run/a\u0000b'), 'haproxy.socket', /control character/],
  ['vip not an address', (v) => (v.vip.ip = 'vip.example.com'), 'vip.ip', /not an IPv4/],
  ['vip is a node address', (v) => (v.vip.ip = v.nodes[0].address), 'vip.ip', /node's own address/],
  ['netmask out of range', (v) => (v.vip.cidr_netmask = 33), 'vip.cidr_netmask', /between 1 and 32/],
  ['netmask as a string', (v) => (v.vip.cidr_netmask = '24'), 'vip.cidr_netmask', /must be an integer/],
  ['backend with a ;', (v) => (v.haproxy.backends = 'be_write;shutdown'), 'haproxy.backends', /backend name/],
  ['backend twice', (v) => (v.haproxy.backends = 'a a'), 'haproxy.backends', /appears twice/],
  ['read backend also written', (v) => (v.haproxy.read_backends = 'be_write'), 'haproxy.read_backends', /also in haproxy.backends/],
  ['servers pair', (v) => (v.haproxy.servers = 'node3=x'), 'haproxy.servers', /node=server/],
  ['services empty', (v) => (v.services.active = []), 'services.active', /is required/],
  ['service without a command', (v) => delete v.services.active[1].command, 'services.active[1]', /exactly one of/],
  ['service name twice', (v) => (v.services.active[2].name = 'mq'), 'services.active[2].name', /appears twice/],
  ['read-only name = active name', (v) => (v.services.read_only[0].name = 'db'), 'services.read_only[0].name', /also a name in services.active/],
  ['start timeout', (v) => (v.services.start_timeout = '1 minute'), 'services.start_timeout', /not a Pacemaker duration/],
  ['stickiness 0', (v) => (v.policy.resource_stickiness = 0), 'policy.resource_stickiness', /between 1/],
  ['preference ≥ stickiness', (v) => (v.policy.preference = v.policy.resource_stickiness), 'policy.preference', /must be below/],
  ['migration threshold', (v) => (v.policy.migration_threshold = 1.5), 'policy.migration_threshold', /integer/],
  ['token', (v) => (v.corosync.token = 50), 'corosync.token', /between 100/],
  ['alert path relative', (v) => (v.alert.path = 'ocfkit-alert'), 'alert.path', /absolute path/],
  ['drbd provider', (v) => (v.drbd.provider = 'heartbeat'), 'drbd.provider', /not one of ocfkit, linbit/],
  ['monitor timeout not a duration', (v) => (v.policy.monitor_timeout = 'slow'), 'policy.monitor_timeout', /not a Pacemaker duration/],
  ['monitor timeout too short', (v) => (v.policy.monitor_timeout = '500ms'), 'policy.monitor_timeout', /at least 1s/],
  ['window without length', (v) => (v.restore_window = { start: '0 2 * * *' }), 'restore_window.length', /is required/],
];

t.test('bad vars: a CibVarsError naming the variable', async (t) => {
  for (const [what, mutate, key, message] of BAD) {
    const v = lab();
    mutate(v);
    t.throws(() => validateVars(v, 'my.vars.json'), { name: 'CibVarsError', source: 'my.vars.json', key, message }, what);
    t.throws(() => renderCib(v as StackVars, { variant: 'cold' }), { name: 'CibVarsError', key }, `${what} (renderCib validates too)`);
  }
  t.throws(() => validateVars([], 'x'), { key: '', message: /must be an object/ });
  t.throws(() => renderCib(lab() as StackVars, { variant: 'warm' as 'hot' }), { name: 'CibVarsError', key: 'variant' });
  const noRo = lab();
  noRo.services.read_only = [];
  t.ok(renderCib(noRo as StackVars, { variant: 'cold' }).xml, 'cold needs no read-only services');
  t.throws(() => renderCib(noRo as StackVars, { variant: 'hot' }), { key: 'services.read_only', message: /hot variant/ });
  const noRead = lab();
  noRead.haproxy.read_backends = '';
  t.throws(() => renderCib(noRead as StackVars, { variant: 'hot' }), { key: 'haproxy.read_backends', message: /hot variant/ });
});

t.test('loadVars: errors name the file, and the line of a JSON mistake', async (t) => {
  const dir = tempDir(t);
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  t.throws(() => loadVars(join(dir, 'none.json')), { name: 'CibVarsError', source: join(dir, 'none.json'), message: /cannot read: ENOENT/ });
  const broken = file('broken.json', '{\n  "cluster_name": "x",\n  "nodes": [,]\n}\n');
  t.throws(() => loadVars(broken), { source: broken, message: /not valid JSON at line 3/ });
  const v = lab();
  v.vip.ip = '10.0.0.999';
  const bad = file('bad.json', JSON.stringify(v));
  t.throws(() => loadVars(bad), { source: bad, key: 'vip.ip', message: new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: vip\\.ip: "10\\.0\\.0\\.999" is not`) });
  const latin1 = join(dir, 'latin1.json');
  writeFileSync(latin1, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
  t.throws(() => loadVars(latin1), { source: latin1, message: /not valid UTF-8/ });
  t.same(loadVars(file('ok.json', JSON.stringify(EXAMPLE_VARS))), EXAMPLE_VARS);
  const proto = file('proto.json', JSON.stringify(EXAMPLE_VARS).replace('{', '{"__proto__": {"polluted": true},'));
  t.throws(() => loadVars(proto), { source: proto, key: '__proto__', message: /unknown variable/ });
  const protoParam = file('proto-param.json', JSON.stringify(EXAMPLE_VARS).replace('"ip":', '"__proto__": {"x": 1}, "ip":'));
  t.throws(() => loadVars(protoParam), { key: 'fence.params.alpha.__proto__', message: /parameter name/ });
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype touched');
});

t.test('hostile values: the rendered CIB holds exactly the value; crm_verify passes', async (t) => {
  const vars = hostileVars();
  const dir = tempDir(t);
  for (const variant of ['cold', 'hot'] as const) {
    const r = renderCib(vars, { variant, restoreWindow: { start: '0 2 * * *', length: '2h' } });
    const cib = parseCibXml(r.xml);
    t.same(cib.warnings, []);
    const params = (id: string) => {
      const res = cib.configuration.resources.find((x) => x.id === id);
      return res?.kind === 'primitive' ? res.params : res?.kind === 'clone' && res.child?.kind === 'primitive' ? res.child.params : {};
    };
    t.equal(params('fs-data').options, HOSTILE);
    t.equal(params('haproxy-target').socket, HOSTILE);
    t.equal(params('fence-alpha').password, HOSTILE);
    t.equal(params('app-services').services, JSON.stringify(vars.services.active));
    t.same(JSON.parse(params('app-services').services!)[1].env, { X: HOSTILE });
    t.equal(cib.configuration.alerts[0]!.params.socket, vars.alert.socket);
    const file = join(dir, `${variant}.xml`);
    writeFileSync(file, r.xml);
    t.same(crmVerify(file), { status: 0, output: '' }, `${variant}: crm_verify`);
  }
});

t.test('ids cannot collide: node names that would make one id twice are refused', async (t) => {
  const v = lab();
  v.nodes[1].name = 'node1-avoids-node1'; // fence-node1-avoids-node1: node1's location and node2's device
  v.fence.params = { node1: {}, 'node1-avoids-node1': {} };
  v.fence.delay_node = '';
  v.fence.delay = '';
  t.throws(() => renderCib(v as StackVars, { variant: 'cold' }), { name: 'CibVarsError', key: 'nodes', message: /'fence-node1-avoids-node1' twice/ });
});
