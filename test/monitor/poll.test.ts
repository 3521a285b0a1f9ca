/**
 * The poll, the safety net: a missed push corrected by the next poll (the CIB changed by real
 * Pacemaker tools: crm_standby + crm_simulate on a real capture, read by the real crm_mon through
 * CIB_file), a push no poll confirms overruled, back-off, and crm_mon hanging or answering junk
 * (a fake crm_mon at the process seam: the real one cannot be made to hang or lie on demand).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, renameSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterMonitor, type RoleChange } from '../../lib/monitor/index.ts';
import { cibFixture, collectingLogger, eventLine, scratchDir, send, sleep, until } from './fixtures/helpers.ts';

/** The healthy two-node CIB (db Promoted on node1) and the same after `crm_standby -N node1`, as Pacemaker's scheduler places it. */
function cibs(dir: string): { before: string; after: string } {
  const before = join(dir, 'before.xml');
  const standby = join(dir, 'standby.xml');
  const after = join(dir, 'after.xml');
  copyFileSync(cibFixture('two-node-healthy'), before);
  copyFileSync(before, standby);
  const a = spawnSync('crm_standby', ['-N', 'node1', '-v', 'on'], { env: { ...process.env, CIB_file: standby }, encoding: 'utf8', timeout: 30_000 });
  if (a.status !== 0) throw new Error(`crm_standby: ${a.stderr}`);
  const b = spawnSync('crm_simulate', ['--simulate', '--xml-file', standby, '--save-output', after], { encoding: 'utf8', timeout: 60_000 });
  if (b.status !== 0) throw new Error(`crm_simulate: ${b.stderr}`);
  return { before, after };
}

function swap(from: string, to: string): void {
  copyFileSync(from, `${to}.new`);
  renameSync(`${to}.new`, to);
}

function fakeBin(dir: string, script: string): Record<string, string> {
  const bin = join(dir, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'crm_mon'), `#!/bin/bash\n${script}\n`);
  chmodSync(join(bin, 'crm_mon'), 0o755);
  return { PATH: `${bin}:${process.env.PATH}` };
}

t.test('a missed push is corrected by the next poll, both ways', async (t) => {
  const dir = scratchDir('missed');
  const { before, after } = cibs(dir);
  const live = join(dir, 'cib.xml');
  copyFileSync(before, live);
  const { logger } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node2', pollIntervalMs: 300, debounceMs: 100, socketPath: join(dir, 'm.sock'), logger, env: { CIB_file: live } });
  t.teardown(() => m.close());
  const changes: RoleChange[] = [];
  m.on('role', (c) => changes.push(c));
  await until(() => m.role === 'standby', 15_000, 'standby');
  swap(after, live); // the promote on node2 happened; its push was lost
  await until(() => m.role === 'active', 10_000, 'active from the poll');
  swap(before, live);
  await until(() => m.role === 'standby', 10_000, 'standby again');
  t.same(changes.map((c) => `${c.previous}>${c.role}:${c.source}`), ['unknown>standby:poll', 'standby>active:poll', 'active>standby:poll']);
});

t.test('a push no poll confirms is overruled after the confirm window', async (t) => {
  const dir = scratchDir('lie');
  const path = join(dir, 'm.sock');
  const { logger } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node2', pollIntervalMs: 300, debounceMs: 100, confirmWindowMs: 800, socketPath: path, logger, env: { CIB_file: cibFixture('two-node-healthy') } });
  t.teardown(() => m.close());
  const changes: RoleChange[] = [];
  m.on('role', (c) => changes.push(c));
  await until(() => m.role === 'standby', 15_000, 'standby');
  const sent = Date.now();
  await send(path, `${eventLine({ node: 'node2', resource: 'db', task: 'promote', interval: 0 })}\n`);
  await until(() => changes.length === 3, 10_000, 'active then standby');
  t.same(changes.map((c) => `${c.role}:${c.source}`), ['standby:poll', 'active:push', 'standby:poll']);
  const lasted = changes[2]!.at - changes[1]!.at;
  t.ok(lasted >= 700 && lasted < 3000, `the unconfirmed push lasted about the window (${lasted} ms)`);
  t.ok(changes[1]!.at - sent < 500, 'the push itself was applied at once');
  // an old event (replayed) changes nothing
  await send(path, `${eventLine({ node: 'node2', resource: 'db', task: 'promote', interval: 0 }, new Date(Date.now() - 120_000))}\n`);
  await sleep(600);
  t.equal(changes.length, 3, 'a two-minute-old promote is not believed');
});

t.test('cluster down: polls back off, doubling up to maxBackoffMs; cluster-down and cluster-up once', async (t) => {
  const dir = scratchDir('backoff');
  const calls = join(dir, 'calls');
  const up = join(dir, 'up');
  const env = fakeBin(dir, `date +%s%3N >> ${calls}\nif [ -e ${up} ]; then CIB_file=${cibFixture('two-node-healthy')} exec /usr/sbin/crm_mon "$@"; fi\necho 'crm_mon: Error: cluster is not available on this node' >&2\nexit 102`);
  const { logger } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node1', pollIntervalMs: 200, maxBackoffMs: 1600, unknownAfterMs: 300, socketPath: null, logger, env });
  t.teardown(() => m.close());
  const seen: string[] = [];
  m.on('cluster-down', () => seen.push('down'));
  m.on('cluster-up', () => seen.push('up'));
  await sleep(6000);
  const times = readFileSync(calls, 'utf8').trim().split('\n').map(Number);
  const gaps = times.slice(1).map((x, i) => x - times[i]!);
  t.ok(gaps.length >= 3 && gaps.length <= 7, `few polls while down (${times.length}: gaps ${gaps.join(', ')} ms)`);
  t.ok(gaps[0]! >= 350 && gaps[1]! >= 700, 'the interval doubles');
  t.ok(gaps.every((g) => g <= 1600 + 600), 'and stays at most maxBackoffMs');
  t.equal(m.role, 'unknown');
  writeFileSync(up, '');
  await until(() => m.role === 'active', 5000, 'active once the cluster answers');
  t.same(seen, ['down', 'up']);
});

t.test('crm_mon hanging: bounded by the deadline, role unknown, close kills it', async (t) => {
  const dir = scratchDir('hang');
  const env = fakeBin(dir, `echo $$ >> ${join(dir, 'pids')}\nexec sleep 1000`);
  const { logger, lines } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node1', pollIntervalMs: 200, pollTimeoutMs: 400, maxBackoffMs: 400, unknownAfterMs: 300, socketPath: null, logger, env });
  const changes: RoleChange[] = [];
  m.on('role', (c) => changes.push(c));
  await until(() => lines.filter((l) => /timed out/.test(String(l.message))).length >= 2, 10_000, 'two timed-out polls');
  t.equal(m.role, 'unknown', 'unknown');
  await m.close();
  // closing while a crm_mon with a long deadline hangs: it is killed, not left behind
  writeFileSync(join(dir, 'pids'), '');
  const long = new ClusterMonitor({ resource: 'db-clone', node: 'node1', pollIntervalMs: 200, pollTimeoutMs: 60_000, socketPath: null, logger, env });
  await until(() => readFileSync(join(dir, 'pids'), 'utf8').trim(), 10_000, 'a hanging crm_mon');
  const t0 = Date.now();
  await long.close();
  t.ok(Date.now() - t0 < 1000, `close is quick (${Date.now() - t0} ms)`);
  await sleep(300);
  const pids = readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').map(Number);
  const alive = pids.filter((p) => readdirSync('/proc').includes(String(p)));
  t.same(alive, [], 'no crm_mon left running');
});

t.test('crm_mon answering junk or a half document: unknown after the grace, then recovers', async (t) => {
  const dir = scratchDir('junk');
  const mode = join(dir, 'mode');
  writeFileSync(mode, 'good');
  const env = fakeBin(dir, `case "$(cat ${mode})" in
  junk) printf '\\x00\\xff<<<not xml'; exit 0;;
  half) CIB_file=${cibFixture('two-node-healthy')} /usr/sbin/crm_mon "$@" | head -c 900; exit 0;;
  *) CIB_file=${cibFixture('two-node-healthy')} exec /usr/sbin/crm_mon "$@";;
esac`);
  const { logger, lines } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node1', pollIntervalMs: 200, maxBackoffMs: 400, unknownAfterMs: 800, debounceMs: 100, socketPath: null, logger, env });
  t.teardown(() => m.close());
  const changes: RoleChange[] = [];
  m.on('role', (c) => changes.push(c));
  await until(() => m.role === 'active', 15_000, 'active');
  for (const bad of ['junk', 'half']) {
    writeFileSync(mode, bad);
    await until(() => m.role === 'unknown', 10_000, `unknown on ${bad}`);
    t.ok(lines.some((l) => l.failure === 'parse-error'), `${bad}: a parse error, logged`);
    writeFileSync(mode, 'good');
    await until(() => m.role === 'active', 10_000, `active again after ${bad}`);
  }
  t.same(changes.map((c) => c.role), ['active', 'unknown', 'active', 'unknown', 'active']);
});

t.test('one slow or failed poll does not stop an active application (unknown needs unknownAfterMs)', async (t) => {
  const dir = scratchDir('blip');
  const mode = join(dir, 'mode');
  writeFileSync(mode, 'good');
  const env = fakeBin(dir, `if [ "$(cat ${mode})" = bad ]; then echo bad > ${mode}.seen; exit 1; fi\nCIB_file=${cibFixture('two-node-healthy')} exec /usr/sbin/crm_mon "$@"`);
  const { logger } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node1', pollIntervalMs: 300, unknownAfterMs: 5000, socketPath: null, logger, env });
  t.teardown(() => m.close());
  const changes: RoleChange[] = [];
  m.on('role', (c) => changes.push(c));
  await until(() => m.role === 'active', 15_000, 'active');
  writeFileSync(mode, 'bad');
  await until(() => { try { return readFileSync(`${mode}.seen`, 'utf8'); } catch { return null; } }, 5000, 'a failed poll');
  writeFileSync(mode, 'good');
  await sleep(1500);
  t.same(changes.map((c) => c.role), ['active'], 'no role change for a blip');
});

t.test("a pushed event's timestamp cannot hold the polls off: ordering is by this process's monotonic clock", async (t) => {
  // An event dated 4.5 s ahead (within the 5 s allowed for clock skew) used to make every poll
  // for 4.5 s look older than it, so an unconfirmed push outlived its confirm window.
  const dir = scratchDir('ahead');
  const path = join(dir, 'm.sock');
  const { logger } = collectingLogger();
  const m = new ClusterMonitor({ resource: 'db-clone', node: 'node2', pollIntervalMs: 200, debounceMs: 100, confirmWindowMs: 500, socketPath: path, logger, env: { CIB_file: cibFixture('two-node-healthy') } });
  t.teardown(() => m.close());
  const changes: RoleChange[] = [];
  m.on('role', (c) => changes.push(c));
  await until(() => m.role === 'standby', 15_000, 'standby');
  await send(path, `${eventLine({ node: 'node2', resource: 'db', task: 'promote', interval: 0 }, new Date(Date.now() + 4500))}\n`);
  await until(() => changes.length === 3, 10_000, 'active, then standby again');
  const lasted = changes[2]!.at - changes[1]!.at;
  t.same(changes.map((c) => `${c.role}:${c.source}`), ['standby:poll', 'active:push', 'standby:poll']);
  t.ok(lasted < 2500, `the unconfirmed push lasted ${lasted} ms (window 500 ms), not until its timestamp`);
});
