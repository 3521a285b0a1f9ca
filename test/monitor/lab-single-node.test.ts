/**
 * The monitor while the cluster is down (lab ocfkit-mon1, one node): the test process's monitor
 * runs the node's real crm_mon (through nsenter into the node's namespaces: a wrapper on its PATH
 * that also records each call), sees the cluster go down when the node stops, backs off while it
 * is down (the interval doubles up to maxBackoffMs), and comes back when the node starts again.
 */
import t from 'tap';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labUp } from '../../lib/lab/index.ts';
import { nsenterArgs } from '../../lib/lab/node.ts';
import { outcome } from '../../lib/exec/run.ts';
import { ClusterMonitor, type RoleChange } from '../../lib/monitor/index.ts';
import { cannotRun, testLog, withCleanLab } from '../lab/fixtures/harness.ts';
import { collectingLogger, scratchDir, sleep, until } from './fixtures/helpers.ts';

const NAME = 'ocfkit-mon1';

t.test('cluster down: cluster-down once, polls back off, then cluster-up and the role again', { skip: cannotRun() ?? false }, async (t) => {
  await withCleanLab(t, NAME);
  const lab = await labUp({ name: NAME, nodes: 1, stonith: false, log: testLog });
  const create = await lab.exec('node1', ['cibadmin', '--create', '--scope', 'resources', '--xml-text', '<primitive id="app" class="ocf" provider="heartbeat" type="Dummy"/>']);
  t.equal(create.exitCode, 0, outcome(create));
  await lab.waitFor(async () => (await lab.crmMon('node1'))?.resources.find((r) => r.id === 'app' && r.role === 'Started'), { timeoutMs: 60_000, what: 'app started' });

  const dir = scratchDir('lab1');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const calls = join(dir, 'calls');
  const ns = nsenterArgs(lab.node('node1')).map((a) => `'${a}'`).join(' ');
  writeFileSync(join(bin, 'crm_mon'), `#!/bin/bash\ndate +%s%3N >> ${calls}\nexec nsenter ${ns} /usr/sbin/crm_mon "$@"\n`);
  chmodSync(join(bin, 'crm_mon'), 0o755);
  const { logger } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'app', node: 'node1', pollIntervalMs: 250, maxBackoffMs: 4000, unknownAfterMs: 1000, socketPath: null, logger, env: { PATH: `${bin}:${process.env.PATH}` } });
  t.teardown(() => m.close());
  const changes: RoleChange[] = [];
  const seen: string[] = [];
  m.on('role', (c) => changes.push(c));
  m.on('cluster-down', () => seen.push('down'));
  m.on('cluster-up', () => seen.push('up'));
  await until(() => m.role === 'active', 30_000, 'active');

  await lab.stop('node1');
  await until(() => seen.includes('down'), 30_000, 'cluster-down');
  const downAt = Date.now();
  writeFileSync(calls, '');
  await sleep(14_000);
  const times = readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean).map(Number);
  const gaps = times.slice(1).map((x, i) => x - times[i]!);
  t.ok(times.length >= 3 && times.length <= 9, `${times.length} crm_mon calls in 14 s while down (gaps ${gaps.join(', ')} ms), against 56 at the 250 ms interval`);
  t.ok(gaps.slice(-2).every((g) => g >= 3000 && g <= 5500), 'settled at the 4 s maximum');
  t.equal(m.role, 'unknown', 'unknown while the cluster is down');
  t.ok(Date.now() - downAt > 0);

  await lab.start('node1');
  await until(() => m.role === 'active', 60_000, 'active again');
  t.same(seen, ['down', 'up'], 'one cluster-down, one cluster-up');
  // a graceful stop stops the resource before Pacemaker goes, and a boot starts it after the
  // cluster answers: 'stopped' may be seen on the way down and up
  t.match(changes.map((c) => c.role).join(' '), /^active (stopped )?unknown (stopped )?active$/, `roles: ${changes.map((c) => c.role).join(' → ')}`);
  await m.close();
  await lab.down();
});
