/**
 * The full stack's pure parts, checked against the real tools where there is one: the switch's
 * `ip` commands, HAProxy's configuration (`haproxy -c`), the DRBD resource (the simulator's own
 * config reader), the lab's vars and the CIB it loads (`crm_verify`), the client's lines and
 * outages, and the services' refusal to run without their filesystem. No lab needed.
 */
import t from 'tap';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../lib/exec/run.ts';
import { labPaths } from '../../lib/lab/names.ts';
import { switchCommands, switchMembers } from '../../lib/lab/network.ts';
import { renderDrbdConf, renderHaproxyCfg, stackServices, SERVICE_PROGRAM } from '../../lib/lab/stack-files.ts';
import { labStackVars, withLabAdditions, fullPlacement, stackRunning } from '../../lib/lab/stack-full.ts';
import { parseSample, outages, type ClientSample } from '../../lib/lab/client.ts';
import { parseCrmMon } from '../../lib/lab/crm-mon.ts';
import { renderCib, LAB_VARS } from '../../lib/cib/render.ts';
import { SIM_BIN } from '../drbd-sim/helpers.ts';
import { readFileSync } from 'node:fs';
import { fullTimeline } from '../../lib/lab/failover-full.ts';
import { parseAlerts } from '../../lib/lab/timeline.ts';

// The captures' corosync.log times are local times of a UTC machine.
process.env.TZ = 'UTC';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-lab-stack-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const paths = labPaths('ocfkit-t1');
const nodes = [paths.node('node1'), paths.node('node2')];

t.test('switch: a bridge in <name>-sw, one veth per member, lab0 inside with its /24 address', async (t) => {
  const members = switchMembers(paths, nodes);
  t.same(members.map((m) => m.port), ['node1', 'node2', 'client']);
  t.equal(members[2]!.netns, 'ocfkit-t1-client');
  t.equal(members[2]!.address, `${paths.subnet.replace(/\.0\/24$/, '')}.250`);
  const cmds = switchCommands(paths, members).map((c) => c.join(' '));
  t.ok(cmds.includes('netns add ocfkit-t1-sw'), 'the switch namespace');
  t.ok(cmds.includes('-n ocfkit-t1-sw link add br0 type bridge stp_state 0 forward_delay 0'), 'a bridge that forwards at once');
  t.ok(cmds.includes('link add lab0 netns ocfkit-t1-node2 type veth peer name node2 netns ocfkit-t1-sw'), 'node2 plugged in by a veth');
  t.ok(cmds.includes('-n ocfkit-t1-sw link set client master br0'), 'the client port on the bridge');
  t.ok(cmds.includes(`-n ocfkit-t1-node1 addr add ${nodes[0]!.address}/24 dev lab0`));
  t.notOk(cmds.some((c) => !c.includes('-n ') && !c.startsWith('netns ') && !c.startsWith('link add lab0 netns ')), 'nothing is done in the host namespace');
});

t.test("HAProxy's configuration is valid for haproxy -c, writes start disabled and unchecked", async (t) => {
  const cfg = renderHaproxyCfg(nodes.map((n) => ({ name: n.node, address: n.address })));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, cfg.replace('/run/haproxy/admin.sock', join(dir, 'admin.sock')));
  const r = await run('haproxy', ['-c', '-f', file], { timeoutMs: 20_000 });
  t.equal(r.exitCode, 0, `haproxy -c: ${r.stderr}`);
  t.match(cfg, new RegExp(`backend be_write\\n(?:#.*\\n)*?    server node1 ${nodes[0]!.address.replace(/\./g, '\\.')}:8080 disabled\\n    server node2 \\S+:8080 disabled\\n`));
  t.match(cfg, /backend be_read\n    option httpchk GET \/health\n.*\n    server node1 \S+:8080 check\n/);
  t.notMatch(cfg, /^\s*(server-state-file|load-server-state-from-file)/m, 'no state file to bring back an old claim at boot');
});

t.test('the DRBD resource: the simulator reads it as the agent will (r0, /dev/drbd0, each host its address)', async (t) => {
  const conf = join(dir, 'drbd.conf');
  writeFileSync(conf, renderDrbdConf(nodes.map((n) => ({ name: n.node, address: n.drbdAddress }))));
  for (const n of nodes) {
    const env = { DRBD_SIM_HOSTNAME: n.node, DRBD_SIM_STATE_DIR: join(dir, `md-${n.node}`), DRBD_SIM_RUN_DIR: join(dir, `run-${n.node}`), PATH: '/usr/bin:/bin' };
    const dev = await run(join(SIM_BIN, 'drbdadm'), ['-c', conf, 'sh-dev', 'r0'], { timeoutMs: 20_000, env });
    t.equal(dev.stdout.trim(), '/dev/drbd0', `${n.node}: sh-dev`);
    const md = await run(join(SIM_BIN, 'drbdadm'), ['-c', conf, 'create-md', '--force', 'r0'], { timeoutMs: 20_000, env });
    t.equal(md.exitCode, 0, `${n.node}: create-md (${md.stderr.trim()})`);
    const dry = await run(join(SIM_BIN, 'drbdadm'), ['-c', conf, '-d', 'up', 'r0'], { timeoutMs: 20_000, env });
    t.equal(dry.exitCode, 0, `${n.node}: drbdadm -d up r0 (${dry.stderr.trim()})`);
    t.match(dry.stdout, n.drbdAddress, `${n.node} replicates from its own DRBD address`);
  }
  t.throws(() => renderDrbdConf([{ name: 'node1', address: '10.0.0.1' }]), /two nodes/);
});

t.test("the lab's vars and the CIB it loads pass crm_verify", async (t) => {
  const fake = { name: 'ocfkit-t1', nodes: ['node1', 'node2'], paths, record: { fenceDelayMs: 5000, fenceDelayTarget: 'node2', token: 1000 } } as unknown as Parameters<typeof labStackVars>[0];
  const vars = labStackVars(fake);
  t.equal(vars.cluster_name, 'ocfkit-t1');
  t.same(vars.nodes, [{ name: 'node1', address: nodes[0]!.address }, { name: 'node2', address: nodes[1]!.address }]);
  t.equal(vars.vip.ip, paths.vip);
  t.same([vars.fence.delay_node, vars.fence.delay], ['node2', '5000ms']);
  t.same(vars.services.active, LAB_VARS.services.active, 'the services of the templates');
  const noDelay = labStackVars({ ...fake, record: { ...fake.record, fenceDelayMs: 0 } } as typeof fake);
  t.same([noDelay.fence.delay_node, noDelay.fence.delay], ['', '']);

  const rendered = renderCib(vars, { variant: 'cold' });
  const configuration = withLabAdditions(rendered.configuration);
  t.match(configuration, /name="dc-deadtime" value="2s"/);
  t.match(configuration, /<alert id="ocfkit-alert" [^]*<alert id="ocfkit-lab-timeline" path="\/usr\/sbin\/ocfkit_lab_alert"\/><\/alerts>/);
  const whole = rendered.xml.replace(/<configuration>[^]*<\/configuration>/, configuration);
  const file = join(dir, 'cib.xml');
  writeFileSync(file, whole);
  const v = await run('crm_verify', ['--xml-file', file, '-V'], { timeoutMs: 30_000 });
  // The lab's fence agent exists only inside lab nodes: crm_verify on the host may warn about it.
  t.equal(v.exitCode, 0, v.stderr);
  t.notMatch(v.stderr.split('\n').filter((l) => !/fence_ocfkit_lab|stonith/i.test(l)).join('\n'), /error|warning/i, v.stderr);
  t.throws(() => withLabAdditions('<configuration/>'), /no cluster_property_set/);
});

t.test('placement from a real crm_mon capture of the lab (the rendered stack on node1)', async (t) => {
  const xml = readFileSync(join(import.meta.dirname, 'fixtures', 'crm_mon-2.1.5-full-stack-node1.xml'), 'utf8');
  const p = fullPlacement(parseCrmMon(xml))!;
  t.equal(p.active, 'node1');
  t.same(p.standby, ['node2']);
  t.ok(stackRunning(p), 'all four on node1');
  t.same(p.failed, []);
});

t.test('client lines and outages', async (t) => {
  t.same(parseSample('{"at":5,"ms":1.5,"ok":true,"status":200,"node":"node1","service":"db","error":null}'), { at: 5, ms: 1.5, ok: true, status: 200, node: 'node1', service: 'db', error: null });
  t.equal(parseSample('not json'), null);
  t.equal(parseSample('{"at":"x"}'), null);
  const s = (at: number, node: string | null): ClientSample => ({ at, ms: 1, ok: node !== null, status: node ? 200 : null, node, service: node ? 'db' : null, error: node ? null : 'timeout' });
  t.same(outages([s(0, 'node1'), s(100, 'node1'), s(200, null), s(300, null), s(400, 'node2'), s(500, 'node2')]), [{ from: 100, to: 400, ms: 300, lastNode: 'node1', nextNode: 'node2' }]);
  t.same(outages([s(0, 'node1'), s(100, null)]), [{ from: 0, to: null, ms: null, lastNode: 'node1', nextNode: null }]);
  t.same(outages([s(0, 'node1')]), []);
});

t.test('services: the lab stand-ins, and they refuse to run without their filesystem', async (t) => {
  const svc = stackServices();
  t.same(svc.map((x) => x.name), ['mq', 'sched', 'db']);
  t.same(svc[2]!.check, [SERVICE_PROGRAM, '--check-http', '8080']);
  t.ok(stackServices({ readOnly: true }).every((x) => x.command.includes('--read-only')));
  const program = join(import.meta.dirname, '..', '..', 'lib', 'lab', 'stack-services', 'service.mjs');
  const r = await run(program, ['mq', '--dir', dir], { timeoutMs: 20_000 });
  t.equal(r.exitCode, 1);
  t.match(r.stderr, `${dir} is not mounted: refusing to start without the data filesystem`);
  const check = await run(program, ['--check-http', '1'], { timeoutMs: 20_000 });
  t.equal(check.exitCode, 1, 'the check fails when nothing answers');
});

t.test('the failover timeline from a real capture (lab full stack, node1 killed, node2 took over)', async (t) => {
  const fx = (f: string): string => readFileSync(join(import.meta.dirname, 'fixtures', 'full-failover', f), 'utf8');
  const capture = JSON.parse(fx('capture.json')) as { killedAt: number; victim: string; survivor: string };
  const samples = fx('client-samples.jsonl').trim().split('\n').map((l) => parseSample(l)!);
  const tl = fullTimeline({
    victim: capture.victim,
    survivor: capture.survivor,
    victimWasDc: false,
    killedAt: capture.killedAt,
    alerts: parseAlerts(fx('alerts.log')),
    corosyncLog: fx('corosync.log'),
    services: JSON.parse(fx('services-status.json')),
    samples,
  });
  // Read by hand from the files: killedAt 11:44:16.827; each line's time minus that.
  const at = Object.fromEntries(tl.steps.map((s) => [s.key, s.atMs]));
  t.same(at, { membership: 2167, 'node-lost': 2175, fenced: 3539, promote: 4751, mount: 6063, vip: 6439, haproxy: 6963, 'service:mq': 7759, 'service:sched': 7967, 'service:db': 8687, client: at.client });
  t.equal(tl.steps.find((s) => s.key === 'service:db')!.startedAtMs, 8687 - 573, "db's start began 573 ms before it was declared started");
  t.equal(tl.steps.find((s) => s.key === 'mount')!.durationMs, 6063 - 4751, 'a step takes from the previous one');
  const first = samples.find((s) => s.at >= capture.killedAt && s.ok && s.node === 'node2')!;
  t.equal(at.client, Math.round(first.at + first.ms - capture.killedAt), 'the client step ends with the first answer from node2');
  t.equal(tl.totalMs, at.client);
  t.equal(tl.lastAnswerBefore!.node, 'node1');
  t.equal(tl.pacemakerMs, 8687 - 2167, 'membership to the last service');
  const earlier = fullTimeline({ victim: 'node1', survivor: 'node2', victimWasDc: false, killedAt: capture.killedAt + 60_000, alerts: parseAlerts(fx('alerts.log')), corosyncLog: fx('corosync.log'), services: null, samples: [] });
  t.ok(earlier.steps.every((s) => s.atMs === null), 'events before the kill are not this failover');
});
