/**
 * readPcsStatus for every form: the arguments it runs, and pcs's exit codes as the lab showed
 * them (test/fixtures/cluster/lab-forms/exit-codes.tsv), replayed at the process seam.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { readPcsStatus, type PcsStatusForm } from '../../lib/cluster/live.ts';
import { Deadline } from '../../lib/exec/deadline.ts';
import type { ExecResult, Runner } from '../../lib/exec/run.ts';
import { FIXTURES } from './fixtures.ts';

const lab = (name: string) => readFileSync(`${FIXTURES}lab-forms/${name}`, 'utf8');
const replay = (stdout: string, stderr: string, exitCode: number, seen: string[][]): Runner => async (command, args) => {
  seen.push([command, ...args]);
  return { command, args, exitCode, signal: null, stdout, stderr, timedOut: false, durationMs: 1, spawnError: null, pid: null, failed: exitCode !== 0 };
};

t.test('each form runs its own arguments and parses into its kind', async (t) => {
  const forms: [PcsStatusForm, string, string[], string][] = [
    ['status', 'status', ['status'], 'status'],
    ['resources', 'status-resources', ['status', 'resources'], 'resources'],
    ['nodes', 'status-nodes', ['status', 'nodes'], 'nodes'],
    ['nodes both', 'status-nodes-both', ['status', 'nodes', 'both'], 'nodes'],
    ['nodes corosync', 'status-nodes-corosync', ['status', 'nodes', 'corosync'], 'nodes'],
    ['nodes config', 'status-nodes-config', ['status', 'nodes', 'config'], 'nodes'],
    ['cluster', 'status-cluster', ['status', 'cluster'], 'cluster'],
    ['corosync', 'status-corosync', ['status', 'corosync'], 'corosync'],
    ['quorum', 'status-quorum', ['status', 'quorum'], 'quorum'],
  ];
  for (const [form, file, args, kind] of forms) {
    const seen: string[][] = [];
    const r = await readPcsStatus({ deadline: Deadline.after(1000), form, runner: replay(lab(`pcs-0.11.5-${file}-healthy.txt`), '', 0, seen) });
    t.same(seen, [['pcs', ...args]], `${form}: arguments`);
    t.match(r, { kind: 'ok', value: { kind } }, `${form}: parsed`);
  }
  const seen: string[][] = [];
  await readPcsStatus({ deadline: Deadline.after(1000), full: true, runner: replay(lab('pcs-0.11.5-status-full-healthy.txt'), '', 0, seen) });
  t.same(seen, [['pcs', 'status', '--full']]);
});

t.test('pcs status pcsd: exit 2 with every node listed is an answer', async (t) => {
  const r = await readPcsStatus({
    deadline: Deadline.after(1000), form: 'pcsd',
    runner: replay(lab('pcs-0.11.5-status-pcsd-healthy.txt'), lab('pcs-0.11.5-status-pcsd-healthy.stderr'), 2, []),
  });
  t.match(r, { kind: 'ok', value: { kind: 'pcsd', pcsdStatus: { node1: 'Offline', node2: 'Offline' } } });
  // Exit 2 with nothing on stdout (no nodes in corosync.conf) stays a failure.
  const none = await readPcsStatus({ deadline: Deadline.after(1000), form: 'pcsd', runner: replay('', 'Error: no nodes found\n', 2, []) });
  t.equal(none.kind, 'command-failed');
});

t.test('pcs status quorum without quorum fails as pcs does (exit 1, stderr only)', async (t) => {
  const r = await readPcsStatus({ deadline: Deadline.after(1000), form: 'quorum', runner: replay('', lab('pcs-0.11.5-status-quorum-no-quorum.stderr'), 1, []) });
  t.match(r, { kind: 'command-failed', message: /exit 1: Error: Unable to get quorum status/ });
});
