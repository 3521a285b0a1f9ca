import t from 'tap';
import { readdirSync, existsSync } from 'node:fs';
import { labUp, onlineNodes } from '../../lib/lab/index.ts';
import { assertNothingLeft, cannotRun, testLog, withCleanLab } from './fixtures/harness.ts';

const NAME = 'ot-single';

t.test('one node: up, a resource, kill, start, down', { skip: cannotRun() ?? false }, async (t) => {
  await withCleanLab(t, NAME);
  const hostOcf = readdirSync('/usr/lib/ocf/resource.d').sort();
  const hostFence = existsSync('/usr/sbin/fence_ocfkit_lab');
  const lab = await labUp({ name: NAME, nodes: 1, log: testLog });
  t.same(lab.nodes, ['node1']);
  t.equal(lab.record.stonith, false, 'no fencing by default with one node');
  const state = await lab.crmMon('node1');
  t.same(onlineNodes(state!), ['node1'], 'node1 Online');
  t.equal(state!.dc, 'node1', 'and DC');
  t.ok(state!.quorum, 'quorate alone');

  const ls = await lab.exec('node1', ['ls', '/usr/lib/ocf/resource.d']);
  t.match(ls.stdout, /ocfkit/, 'the node sees resource.d/ocfkit');
  t.same(readdirSync('/usr/lib/ocf/resource.d').sort(), hostOcf, "the host's /usr/lib/ocf is unchanged");
  t.equal(existsSync('/usr/sbin/fence_ocfkit_lab'), hostFence, "the host's /usr/sbin is unchanged");
  const which = await lab.exec('node1', ['ls', '-l', '/usr/local/bin/ocfkit']);
  t.match(which.stdout, /dist\/cli\/ocfkit\.mjs/, 'the CLI is reachable in the node');

  const create = await lab.exec('node1', ['cibadmin', '--create', '--scope', 'resources', '--xml-text', '<primitive id="d1" class="ocf" provider="heartbeat" type="Dummy"/>']);
  t.equal(create.exitCode, 0, create.stderr);
  await lab.waitFor(async () => (await lab.crmMon('node1'))?.resources.find((r) => r.id === 'd1' && r.role === 'Started'), { timeoutMs: 30_000, what: 'd1 started' });
  const stateFile = await lab.exec('node1', ['ls', '/run/resource-agents']);
  t.match(stateFile.stdout, /Dummy-d1\.state/, "Dummy's state lives in the node's private /run");
  t.notOk(existsSync('/run/resource-agents/Dummy-d1.state'), 'not in the host /run');

  t.equal((await lab.exec('node1', ['touch', '/run/ocfkit-lab-marker'])).exitCode, 0);
  const killed = await lab.kill('node1');
  t.ok(killed.killed >= 7, `power cut killed the node's ${killed.killed} processes`);
  t.same(lab.processes('node1'), []);
  await lab.start('node1');
  const after = await lab.crmMon('node1');
  t.same(onlineNodes(after!), ['node1'], 'online again after start');
  const marker = await lab.exec('node1', ['test', '-e', '/run/ocfkit-lab-marker']);
  t.equal(marker.exitCode, 1, 'a fresh /run at boot');
  await lab.waitFor(async () => (await lab.crmMon('node1'))?.resources.find((r) => r.id === 'd1' && r.role === 'Started'), { timeoutMs: 30_000, what: 'd1 started again' });

  await lab.stop('node1');
  t.same(lab.processes('node1'), [], 'graceful stop leaves no process');

  const down = await lab.down();
  t.ok(down.existed);
  assertNothingLeft(t, NAME);
});
