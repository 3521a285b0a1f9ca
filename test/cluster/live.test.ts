import t from 'tap';
import { readCrmMon, readCib, readPcsStatus, CRM_EX_NOT_CONNECTED } from '../../lib/cluster/live.ts';
import { Deadline } from '../../lib/exec/deadline.ts';
import type { ExecResult, Runner } from '../../lib/exec/run.ts';
import { FIXTURES } from './fixtures.ts';

t.test('real crm_mon with no cluster running: exit 102 maps to cluster-not-running', async (t) => {
  const r = await readCrmMon({ deadline: Deadline.after(30_000) });
  t.equal(r.kind, 'cluster-not-running');
  t.equal(r.exec.exitCode, CRM_EX_NOT_CONNECTED);
  t.match(r.exec.args, ['--one-shot', '--inactive', '--output-as=xml']);
});

t.test('real cibadmin with no cluster running: cluster-not-running', async (t) => {
  const r = await readCib({ deadline: Deadline.after(30_000) });
  t.equal(r.kind, 'cluster-not-running');
});

t.test('real crm_mon and cibadmin over a CIB file parse to models', async (t) => {
  const env = { CIB_file: FIXTURES + 'pcmk2.1.5-cibadmin-query-two-node-healthy.xml' };
  const mon = await readCrmMon({ deadline: Deadline.after(30_000), env });
  t.equal(mon.kind, 'ok');
  if (mon.kind === 'ok') t.equal(mon.value.dc, 'node1');
  const cib = await readCib({ deadline: Deadline.after(30_000), env, scope: 'resources' });
  t.equal(cib.kind, 'ok');
  if (cib.kind === 'ok') t.ok(cib.value.configuration.resources.length >= 4);
});

const fake = (partial: Partial<ExecResult>): Runner => async (command, args) => ({
  command, args, exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, durationMs: 1, spawnError: null, pid: null, failed: false, ...partial,
});

t.test('pcs failing to reach the cluster is cluster-not-running; other failures are command-failed', async (t) => {
  const down = await readPcsStatus({
    deadline: Deadline.after(1000),
    runner: fake({ exitCode: 1, failed: true, stderr: 'Error: error running crm_mon, is pacemaker running?\n' }),
  });
  t.equal(down.kind, 'cluster-not-running');
  const timeout = await readPcsStatus({ deadline: Deadline.after(1000), runner: fake({ exitCode: null, timedOut: true, failed: true }) });
  t.match(timeout, { kind: 'command-failed', message: /timed out/ });
  const missing = await readCrmMon({ deadline: Deadline.after(1000), runner: fake({ exitCode: null, spawnError: 'ENOENT', failed: true }) });
  t.match(missing, { kind: 'command-failed', message: /ENOENT/ });
  const garbage = await readCrmMon({ deadline: Deadline.after(1000), runner: fake({ stdout: '<pacemaker-result><nodes><node/></nodes></pacemaker-result>' }) });
  t.match(garbage, { kind: 'parse-error' });
  if (garbage.kind === 'parse-error') t.equal(garbage.error.path, '/pacemaker-result/nodes[1]/node[1]');
});

t.test('an expired deadline never runs the command', async (t) => {
  const r = await readCrmMon({ deadline: Deadline.after(0) });
  t.equal(r.kind, 'command-failed');
  t.equal(r.exec.timedOut, true);
});
