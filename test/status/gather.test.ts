/**
 * Attacks on the gathering, with the real tools of this machine where they can run: the cluster
 * down (the real crm_mon, exit 102), crm_mon hanging (a stand-in that never answers, at the
 * process seam: the deadline ends it), no DRBD tools (not on PATH), a garbage and a huge event
 * log, a status file that is not ours (JSON of another shape, a directory, a FIFO). Every
 * failure is one line in its source; the report is still built.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type Runner } from '../../lib/exec/run.ts';
import { buildStatus } from '../../lib/status/build.ts';
import { gatherFacts } from '../../lib/status/gather.ts';
import { EVENTS } from './helpers.ts';
import { readFileSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'ocfkit-status-gather-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** A runner whose PATH is exactly `bin` (the tools linked there, nothing else). */
function pathRunner(bin: string): Runner {
  return (cmd, args, o) => run(cmd, args, { ...o, env: { ...o?.env, PATH: bin } });
}
function binWith(name: string, tools: Record<string, string>): string {
  const bin = join(dir, name);
  mkdirSync(bin);
  for (const [tool, target] of Object.entries(tools)) {
    if (target.startsWith('#!')) {
      writeFileSync(join(bin, tool), target);
      chmodSync(join(bin, tool), 0o755);
    } else symlinkSync(target, join(bin, tool));
  }
  return bin;
}
const clusterUp = ((): boolean => {
  try {
    execFileSync('crm_mon', ['-1'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
})();

t.test('the cluster down here (real crm_mon, exit 102) and no DRBD tools: two lines, a report', { skip: clusterUp ? 'a cluster runs on this host' : false }, async (t) => {
  const bin = binWith('down', { crm_mon: '/usr/sbin/crm_mon' });
  const f = await gatherFacts({ runner: pathRunner(bin), eventLog: join(dir, 'none.jsonl'), localNode: 'node1' });
  t.match(f.cluster, { ok: false, notRunning: true, reason: /^the cluster is not running here \(crm_mon exit 102: .*Connection/ });
  t.match(f.drbd, { ok: false, reason: /^drbdsetup could not start \(.*ENOENT.*\): no DRBD tools on this node$/ });
  const r = buildStatus(f);
  t.equal(r.verdict.state, 'unknown');
  t.equal(r.sources.filter((s) => !s.ok).length, 4, 'crm_mon, DRBD, event log, services status: one line each');
});

t.test('crm_mon hanging: cut at its deadline, the rest still gathered', async (t) => {
  const bin = binWith('hang', { crm_mon: '#!/bin/sh\nexec /bin/sleep 60\n', drbdsetup: '#!/bin/sh\nexec /bin/cat "$OCFKIT_TEST_DRBD"\n' });
  const started = Date.now();
  const f = await gatherFacts({
    runner: (cmd, args, o) => run(cmd, args, { ...o, env: { ...o?.env, PATH: bin, OCFKIT_TEST_DRBD: join(import.meta.dirname, '../../../shared/fixtures/drbd-vm/13-pacemaker-managed-promoted-node2/node2/drbdsetup-events2-now-statistics.txt') } }),
    crmMonTimeoutMs: 800,
    eventLog: EVENTS,
    localNode: 'node2',
  });
  const took = Date.now() - started;
  t.ok(took < 5000, `returned after ${took} ms`);
  t.match(f.cluster, { ok: false, reason: /crm_mon.*timed out after \d+ ms/ });
  t.match(f.drbd, { ok: true });
  t.match(f.events, { ok: true });
  const r = buildStatus(f);
  t.equal(r.drbd[0]!.local.role, 'Primary', 'DRBD shown though crm_mon hung');
});

t.test('garbage, a FIFO and a huge log as the event log; status files that are not ours', async (t) => {
  const bin = binWith('quiet', { crm_mon: '#!/bin/sh\necho "<pacemaker-result><status code=\\"102\\" message=\\"Not connected\\"><errors><error>crm_mon: Connection to cluster failed: Connection refused</error></errors></status></pacemaker-result>"; exit 102\n' });
  const garbage = join(dir, 'garbage.jsonl');
  writeFileSync(garbage, '\u0000\u0001binary\n' + readFileSync(EVENTS, 'utf8') + '{"v":1,"id":"0123456789abcdef","kind":"node"}\n');
  const g = await gatherFacts({ runner: pathRunner(bin), eventLog: garbage });
  t.match(g.events, { ok: true, value: { skipped: 2 } });
  t.match(g.cluster, { ok: false, reason: /crm_mon exit 102: crm_mon: Connection to cluster failed: Connection refused\)$/ });
  t.match(buildStatus(g).sources.find((s) => s.name === 'event-log')!.detail, /2 lines skipped \(first: .* at byte 0: not JSON\)/);

  const fifo = join(dir, 'fifo.jsonl');
  execFileSync('mkfifo', [fifo]);
  const ff = await gatherFacts({ runner: pathRunner(bin), eventLog: fifo });
  t.match(ff.events, { ok: false, reason: /fifo\.jsonl: cannot read/ });

  for (const [name, make, why] of [
    ['other-json', (p: string) => writeFileSync(p, '{"hello":"world"}'), /not an ocfkit status file \(no "version": 1\)/],
    ['a-dir', (p: string) => mkdirSync(p), /not an ocfkit status file \(not a regular file\)/],
    ['a-fifo', (p: string) => execFileSync('mkfifo', [p]), /not an ocfkit status file \(not a regular file\)/],
    ['huge', (p: string) => writeFileSync(p, Buffer.alloc(2 << 20, 0x20)), /too large/],
    ['bad-step', (p: string) => writeFileSync(p, JSON.stringify({ version: 1, resource: 'r', node: 'n', steps: [{ name: 's', state: 'exploded', since: 'x' }] })), /steps\[0\]\.state is not a step state/],
  ] as const) {
    const p = join(dir, `svc-${name}.json`);
    make(p);
    const f = await gatherFacts({ runner: pathRunner(bin), eventLog: garbage, servicesStatusFile: p });
    t.match(f.services, { ok: false, reason: why }, name);
  }
});
