/**
 * The services agent with the real services it exists for, in the lab's single-node cluster:
 * PostgreSQL 15 through pg_ctl and its own postmaster.pid, RabbitMQ 3.10 in the foreground with
 * `rabbitmqctl await_startup` as its check (and epmd, which the broker would otherwise leave
 * running as a daemon of its own, as a service before it), and a scheduler as a plain command.
 * The resource is test/fixtures/services-real/services.json, the README's example verbatim,
 * with only /srv/ and the scheduler's path replaced.
 *
 * Every process is judged by identity (pid + start time from /proc) and by walking /proc for
 * the node's processes, never by name. Needs root and the Debian packages postgresql and
 * rabbitmq-server.
 */
import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labUp, type Lab } from '../../lib/lab/index.ts';
import type { ServicesStatus, StepStatus } from '../../lib/services/status-file.ts';
import {
  allProcs,
  describeProc,
  identityOf,
  parsePostmasterPid,
  procInfo,
  signalIdentity,
  stillRuns,
  ticksNow,
  type Identity,
  type ProcInfo,
} from '../helpers/real-procs.ts';

const LAB = 'ocfkit-real1';
const RSC = 'svc';
const NAMES = ['epmd', 'mq', 'sched', 'db'];
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'services-real');
const SCHEDULER = join(FIXTURES, 'scheduler');
const PG_BIN = '/usr/lib/postgresql/15/bin';
const AGENT = '/usr/lib/ocf/resource.d/ocfkit/services';
const STATUS = `/run/resource-agents/ocfkit-services-${RSC}.json`;
const MONITOR_MS = 5000;

const missing = [`${PG_BIN}/pg_ctl`, '/usr/lib/rabbitmq/bin/rabbitmq-server', '/usr/bin/epmd', '/usr/bin/setpriv'].filter((p) => !existsSync(p));
const ids = (user: string): { uid: number; gid: number } | null => {
  const r = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  return r.status === 0 && g.status === 0 ? { uid: Number(r.stdout), gid: Number(g.stdout) } : null;
};
const postgres = ids('postgres');
const rabbitmq = ids('rabbitmq');

/** The README example, with the test's roots in place of /srv and of the scheduler's path. */
function servicesFor(root: string): string {
  const text = readFileSync(join(FIXTURES, 'services.json'), 'utf8').replaceAll('/srv/', `${root}/`).replaceAll('/opt/sched/bin/sched', SCHEDULER);
  return JSON.stringify(JSON.parse(text));
}

const figures: Record<string, unknown> = {};
const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('services agent with real PostgreSQL, RabbitMQ and a scheduler', { skip: process.getuid?.() !== 0 ? 'needs root (the lab)' : false }, async (t) => {
  // .ci/setup installs them: missing is a failure, not a skip
  if (missing.length > 0 || !postgres || !rabbitmq) {
    t.fail(`Debian packages postgresql and rabbitmq-server are needed (missing: ${[...missing, ...(postgres ? [] : ['user postgres']), ...(rabbitmq ? [] : ['user rabbitmq'])].join(', ')})`);
    return;
  }
  const testBegan = ticksNow();
  await labDown(LAB);
  const lab = await labUp({ name: LAB, nodes: 1, stonith: false });
  const root = mkdtempSync('/tmp/ocfkit-real-');
  const unrelated: Identity[] = [];
  t.teardown(async () => {
    for (const id of unrelated) signalIdentity(id, 'SIGKILL');
    await lab.down({ keepLogs: true });
    rmSync(root, { recursive: true, force: true });
  });
  const nodeLog = lab.node('node1').log;
  const netns = `net:[${statSync(lab.node('node1').netnsFile).ino}]`;
  const pgData = join(root, 'pg');
  const pgLog = join(nodeLog, 'postgresql', 'db.log');
  const schedLog = join(nodeLog, 'ocfkit', 'sched.log');
  const mnesia = join(root, 'mq', 'mnesia');

  // ---- the machine: what Debian's packages and an operator set up before the cluster runs ----
  chmodSync(root, 0o755);
  mkdirSync(pgData, { mode: 0o700 });
  chownSync(pgData, postgres!.uid, postgres!.gid);
  const initdb = spawnSync('/usr/bin/setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', `${PG_BIN}/initdb`, '-D', pgData, '--auth-local=peer', '--auth-host=scram-sha-256', '-U', 'postgres'], { encoding: 'utf8', cwd: '/' });
  t.equal(initdb.status, 0, `initdb: ${initdb.stderr}`);
  mkdirSync(mnesia, { recursive: true });
  for (const dir of [join(root, 'mq'), mnesia]) chownSync(dir, rabbitmq!.uid, rabbitmq!.gid);
  // in the node's private /run and /var/log, what the packages create on a real machine
  for (const argv of [
    ['install', '-d', '-o', 'postgres', '-g', 'postgres', '-m', '2775', '/run/postgresql'],
    ['install', '-d', '-o', 'postgres', '-g', 'postgres', '-m', '0755', '/var/log/postgresql'],
    ['install', '-d', '-o', 'rabbitmq', '-g', 'rabbitmq', '-m', '0755', '/var/log/rabbitmq'],
  ]) {
    const r = await lab.exec('node1', argv);
    t.equal(r.exitCode, 0, `${argv.join(' ')}: ${r.stderr}`);
  }
  const services = servicesFor(root);

  // ---- facts from the node ----
  const baseline = allProcs().filter((p) => p.netns === netns && p.state !== 'Z').map((p) => identityOf(p.pid, p.comm)!).filter(Boolean);
  const isBaseline = (p: ProcInfo) => baseline.some((b) => b.pid === p.pid && b.startTicks === p.startTicks);
  const nodeProcs = (snapshot: ProcInfo[] = allProcs()) => snapshot.filter((p) => p.netns === netns && p.state !== 'Z');
  /** Does p descend from (or is it) a process for which `pred` holds? */
  const descends = (p: ProcInfo, byPid: Map<number, ProcInfo>, pred: (q: ProcInfo) => boolean): boolean => {
    for (let q: ProcInfo | undefined = p, hops = 0; q && hops < 64; q = byPid.get(q.ppid), hops++) if (pred(q)) return true;
    return false;
  };
  /** The node's processes that are neither Corosync/Pacemaker (the baseline) nor run by them right now. */
  const outsideCluster = (snapshot: ProcInfo[] = allProcs()): ProcInfo[] => {
    const byPid = new Map(snapshot.map((p) => [p.pid, p]));
    return nodeProcs(snapshot).filter((p) => !descends(p, byPid, isBaseline));
  };
  const statusFile = async (): Promise<ServicesStatus | null> => {
    const r = await lab.exec('node1', ['cat', STATUS]);
    try {
      return r.failed ? null : (JSON.parse(r.stdout) as ServicesStatus);
    } catch {
      return null;
    }
  };
  const step = (s: ServicesStatus, name: string): StepStatus => s.steps.find((x) => x.name === name)!;
  const failcount = async (): Promise<number> => {
    const r = await lab.exec('node1', ['crm_failcount', '--query', '-r', RSC, '-N', 'node1']);
    const m = /value=(\d+|INFINITY)/.exec(r.stdout);
    return m ? (m[1] === 'INFINITY' ? Number.POSITIVE_INFINITY : Number(m[1])) : 0;
  };
  const failures = async (): Promise<Array<Record<string, string>>> => {
    const xml = (await lab.crmMonXml('node1')) ?? '';
    return [...xml.matchAll(/<failure ([^>]*)\/?>/g)].map((m) => {
      const attrs: Record<string, string> = {};
      for (const a of m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)) {
        attrs[a[1]!] = a[2]!.replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
      }
      return attrs;
    });
  };
  const diagnose = async (t: Test, what: string) => {
    t.comment(`--- ${what}: status file ---\n${JSON.stringify(await statusFile(), null, 1)}`);
    t.comment(`--- failures ---\n${JSON.stringify(await failures(), null, 1)}`);
    const pm = spawnSync('grep', ['-a', '-E', 'ocfkit:services|svc_', join(nodeLog, 'pacemaker', 'pacemaker.log')], { encoding: 'utf8' });
    t.comment(`--- pacemaker.log (agent lines, last 40) ---\n${pm.stdout.split('\n').slice(-40).join('\n')}`);
    t.comment(`--- node processes outside the cluster ---\n${outsideCluster().map(describeProc).join('\n')}`);
  };
  const waitStatus = async (t: Test, what: string, ok: (s: ServicesStatus) => boolean, timeoutMs: number): Promise<ServicesStatus | null> => {
    try {
      const found = await lab.waitFor(async () => {
        const s = await statusFile();
        if (s && ok(s)) return s;
        // Pacemaker gave up: a failed start or stop will not turn into the state we wait for
        const given = (await failures()).find((f) => f.op_key === `${RSC}_start_0` || f.op_key === `${RSC}_stop_0`);
        return given ? `Pacemaker: ${given.op_key} failed: ${given.exitreason || given.exitstatus}` : null;
      }, { timeoutMs, intervalMs: 250, what });
      if (typeof found === 'string') throw new Error(`${what}: ${found}`);
      return found;
    } catch (error) {
      t.fail((error as Error).message);
      await diagnose(t, what);
      return null;
    }
  };
  const allStarted = (s: ServicesStatus) => s.action === 'start' && s.steps.every((x) => x.state === 'started');
  const allStopped = (s: ServicesStatus) => s.action === 'stop' && s.steps.every((x) => x.state === 'stopped');
  const pcs = async (args: string[]) => {
    const r = await lab.exec('node1', ['pcs', ...args], { timeoutMs: 60_000 });
    t.equal(r.exitCode, 0, `pcs ${args.slice(0, 3).join(' ')}: ${r.stderr}`);
    return r;
  };
  const postmaster = () => {
    try {
      return parsePostmasterPid(readFileSync(join(pgData, 'postmaster.pid'), 'utf8'));
    } catch {
      return null;
    }
  };
  const readLog = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  const psql = (sql: string) =>
    spawnSync('nsenter', [`--net=${lab.node('node1').netnsFile}`, `--mount=${lab.node('node1').mntFile}`, '--', '/usr/bin/setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', '--', `${PG_BIN}/psql`, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8', cwd: '/' });
  /** The main process of each service: the status file's pid (db: line 1 of postmaster.pid). */
  const mains = (s: ServicesStatus): Record<string, Identity> => {
    const out: Record<string, Identity> = {};
    for (const name of NAMES) {
      const pid = step(s, name).pid;
      const id = pid ? identityOf(pid, name) : null;
      if (id) out[name] = id;
    }
    return out;
  };
  /** Every process of a service: its main process's session and process group and all their descendants. */
  const treeOf = (main: Identity, snapshot: ProcInfo[] = allProcs()): Identity[] => {
    const procs = snapshot.filter((p) => p.state !== 'Z');
    const byPid = new Map(procs.map((p) => [p.pid, p]));
    const m = byPid.get(main.pid);
    if (!m || m.startTicks !== main.startTicks) return [];
    return procs
      .filter((p) => p.session === m.session || p.pgrp === m.pgrp || descends(p, byPid, (q) => q.pid === m.pid))
      .map((p) => ({ pid: p.pid, startTicks: p.startTicks, what: `${main.what}: ${describeProc(p)}` }));
  };
  /** Nothing of the services runs: by identity, by their sessions/groups, by uid, and the node has nothing outside the cluster. */
  const assertNothingLeft = async (t: Test, seen: Identity[], sessions: Set<number>, when: string) => {
    // a process that got SIGKILL needs a moment to disappear: give the check up to 3 s
    let left: Identity[] = [];
    let outside: ProcInfo[] = [];
    let inSessions: ProcInfo[] = [];
    let byUid: ProcInfo[] = [];
    for (let i = 0; i < 15; i++) {
      left = seen.filter(stillRuns);
      outside = outsideCluster();
      inSessions = nodeProcs().filter((p) => sessions.has(p.session) || sessions.has(p.pgrp));
      byUid = nodeProcs().filter((p) => (p.uid === postgres!.uid || p.uid === rabbitmq!.uid) && p.startTicks >= testBegan);
      if (left.length + outside.length + inSessions.length + byUid.length === 0) break;
      await sleepMs(200);
    }
    t.same(left.map((i) => i.what), [], `${when}: no process seen during the test still runs (pid + start time)`);
    t.same(inSessions.map(describeProc), [], `${when}: no process in the services' sessions or process groups`);
    t.same(byUid.map(describeProc), [], `${when}: no postgres/rabbitmq process started by the test runs in the node`);
    t.same(outside.map(describeProc), [], `${when}: the node runs nothing outside Corosync/Pacemaker`);
  };

  // ---- create: start in order ----
  const created = Date.now();
  await pcs([
    'resource', 'create', RSC, 'ocf:ocfkit:services', `services=${services}`,
    'op', 'start', 'timeout=180s', 'op', 'stop', 'timeout=120s', 'op', 'monitor', `interval=${MONITOR_MS / 1000}s`, 'timeout=40s',
  ]);
  const started = await waitStatus(t, 'all four started', allStarted, 200_000);
  if (!started) return;
  figures.firstStartWallMs = Date.now() - created;
  figures.firstStartMs = Object.fromEntries(started.steps.map((s) => [s.name, s.durationMs]));
  t.same(started.steps.map((s) => s.name), NAMES, 'the status file lists the services in order');
  const since = (s: ServicesStatus, name: string) => Date.parse(step(s, name).since);
  for (let i = 1; i < NAMES.length; i++) {
    t.ok(since(started, NAMES[i - 1]!) <= since(started, NAMES[i]!), `status file: ${NAMES[i - 1]} started before ${NAMES[i]}`);
  }
  let main = mains(started);
  t.same(Object.keys(main).sort(), [...NAMES].sort(), 'every service has a live main process in the status file');
  // the processes themselves: each started only once the one before it was ready
  for (let i = 1; i < NAMES.length; i++) {
    const prev = main[NAMES[i - 1]!]!;
    const next = main[NAMES[i]!]!;
    const readyAfterMs = Math.max(0, (step(started, NAMES[i - 1]!).durationMs ?? 0) - 500);
    t.ok((next.startTicks - prev.startTicks) * 10 >= readyAfterMs, `${NAMES[i]}'s process started ${(next.startTicks - prev.startTicks) * 10} ms after ${NAMES[i - 1]}'s, which took ${step(started, NAMES[i - 1]!).durationMs} ms to be ready`);
  }
  const pm = postmaster();
  t.equal(pm?.pid, step(started, 'db').pid, 'db: the status file shows the pid on line 1 of postmaster.pid');
  t.equal(pm?.dataDir, pgData, 'postmaster.pid line 2 is the data directory');
  t.ok(existsSync(join(mnesia, 'mq@localhost')), 'RabbitMQ keeps its data under the host-independent node name');
  t.match(readLog(schedLog), new RegExp(`start ${main.sched?.pid}\\nbeat ${main.sched?.pid}`), 'the scheduler beats into log_dir/sched.log');
  t.match(readLog(pgLog), /database system is ready to accept connections/, 'PostgreSQL is up');
  // one snapshot of /proc for both sides, or a process that comes and goes in between (the
  // scheduler's `sleep 1`) would be counted on one side only
  const snapshot = allProcs();
  const escaped = outsideCluster(snapshot).filter((p) => !Object.values(main).some((m) => treeOf(m, snapshot).some((x) => x.pid === p.pid)));
  t.same(escaped.map(describeProc), [], 'every process in the node outside the cluster belongs to a service (no epmd -daemon of the broker)');
  const pmShmLine = pm?.lines[6] ?? '';

  // everything the test ever sees of the services, to check after each stop
  const seen: Identity[] = [];
  const sessions = new Set<number>();
  const remember = (m: Record<string, Identity>) => {
    for (const id of Object.values(m)) {
      const p = procInfo(id.pid);
      if (p) sessions.add(p.session);
      for (const x of treeOf(id)) if (!seen.some((s) => s.pid === x.pid && s.startTicks === x.startTicks)) seen.push(x);
    }
  };
  remember(main);

  // ---- kill each by hand; Pacemaker's monitor catches it and recovers ----
  const killAndRecover = async (t: Test, name: string, prepare?: () => void) => {
    const status = await statusFile();
    const victim = name === 'db' ? identityOf(postmaster()?.pid ?? 0, 'postmaster') : main[name];
    t.ok(victim && status && step(status, name).pid === victim.pid, `${name}: the pid to kill is the one the status file names`);
    if (!victim) return false;
    const tree = treeOf(victim);
    remember({ [name]: victim });
    prepare?.();
    const before = await failcount();
    const pgLogBefore = readLog(pgLog).length;
    t.ok(signalIdentity(victim, 'SIGKILL'), `${name}: SIGKILL to ${victim.pid} (identity checked)`);
    const killedAt = Date.now();
    let count: number;
    try {
      count = await lab.waitFor(async () => {
        const c = await failcount();
        return c > before ? c : null;
      }, { timeoutMs: 30_000, intervalMs: 100, what: `fail count after killing ${name}` });
    } catch (error) {
      t.fail((error as Error).message);
      await diagnose(t, `kill ${name}`);
      return false;
    }
    const detectedMs = Date.now() - killedAt;
    t.equal(count, before + 1, `${name}: the monitor caught it once`);
    const failure = (await failures()).find((f) => f.op_key === `${RSC}_monitor_${MONITOR_MS}`);
    t.match(failure?.exitreason ?? '', new RegExp(`\\b${name}\\b`), `${name}: the exit reason names the service: ${failure?.exitreason}`);
    t.ok(Buffer.byteLength(failure?.exitreason ?? '') <= 128, 'the exit reason fits in 128 bytes');
    const recovered = await waitStatus(t, `${name} recovered`, (s) => {
      if (!allStarted(s)) return false;
      const m = mains(s);
      return NAMES.every((n) => m[n]) && m[name]!.pid !== victim.pid;
    }, 180_000);
    if (!recovered) return false;
    const recoveredMs = Date.now() - killedAt;
    t.equal(await failcount(), before + 1, `${name}: recovered without another failure (no failed stop or start)`);
    t.notOk((await failures()).some((f) => f.op_key === `${RSC}_stop_0` || f.op_key === `${RSC}_start_0`), 'no failed stop or start');
    const survivors = tree.filter(stillRuns);
    t.same(survivors.map((s) => s.what), [], `${name}: nothing of the killed instance survived the recovery (its whole process group)`);
    main = mains(recovered);
    remember(main);
    const figure: Record<string, unknown> = { detectedMs, recoveredMs, startMs: Object.fromEntries(recovered.steps.map((s) => [s.name, s.durationMs])) };
    if (name === 'db') figure.pgLog = readLog(pgLog).slice(pgLogBefore);
    figures[`kill-${name}`] = figure;
    return true;
  };

  await t.test('scheduler killed by hand', async (t) => {
    await killAndRecover(t, 'sched');
  });
  await t.test('RabbitMQ killed by hand: its broker (left in the process group) is stopped with it', async (t) => {
    await killAndRecover(t, 'mq');
    const m = await statusFile();
    t.ok(m && existsSync(join(mnesia, 'mq@localhost')), 'mnesia data kept');
  });
  await t.test('PostgreSQL killed with SIGKILL: stop succeeds and start recovers the crash by itself', async (t) => {
    const w = psql('create table if not exists ocfkit_t(x int); insert into ocfkit_t values (42)');
    t.equal(w.status, 0, `psql insert: ${w.stderr}`);
    const before = readLog(pgLog).length;
    if (!(await killAndRecover(t, 'db'))) return;
    const after = readLog(pgLog).slice(before);
    t.match(after, /database system was interrupted/, 'the next start found a crashed instance');
    t.match(after, /automatic recovery in progress[\s\S]*redo starts at/, 'and recovered it (redo of the row written before the kill)');
    const r = psql('select count(*) from ocfkit_t where x = 42');
    t.equal(r.stdout.trim(), '1', `the row written before the crash is there: ${r.stderr}`);
  });

  // ---- disable: reverse order, clean shutdown, nothing left, data kept ----
  const stopFigures: Record<string, unknown>[] = [];
  const disableAndCheck = async (t: Test, when: string) => {
    const status = await statusFile();
    if (status) {
      main = mains(status);
      remember(main);
    }
    const pgLogBefore = readLog(pgLog).length;
    const schedPid = main.sched?.pid;
    const began = Date.now();
    await pcs(['resource', 'disable', RSC]);
    const stopped = await waitStatus(t, `${when}: all stopped`, allStopped, 150_000);
    if (!stopped) return false;
    stopFigures.push({ when, wallMs: Date.now() - began, stopMs: Object.fromEntries(stopped.steps.map((s) => [s.name, s.durationMs])) });
    for (let i = NAMES.length - 1; i > 0; i--) {
      t.ok(since(stopped, NAMES[i]!) <= since(stopped, NAMES[i - 1]!), `${when}: ${NAMES[i]} stopped before ${NAMES[i - 1]}`);
    }
    const log = readLog(pgLog).slice(pgLogBefore);
    t.match(log, /received fast shutdown request[\s\S]*database system is shut down/, `${when}: PostgreSQL shut down cleanly (its log says so)`);
    t.notOk(existsSync(join(pgData, 'postmaster.pid')), 'PostgreSQL removed its own postmaster.pid');
    t.match(readLog(schedLog), new RegExp(`stop ${schedPid}\\n`), `${when}: the scheduler got SIGTERM and ended cleanly`);
    await assertNothingLeft(t, seen, sessions, when);
    for (const p of ['PG_VERSION', 'base', 'global/pg_control', 'pg_wal']) t.ok(existsSync(join(pgData, p)), `${when}: data kept: ${p}`);
    t.ok(existsSync(join(mnesia, 'mq@localhost')), `${when}: RabbitMQ data kept`);
    return true;
  };
  if (!(await disableAndCheck(t, 'first disable'))) return;

  // ---- a stale postmaster.pid naming an unrelated live process: neither trusted nor killed ----
  await t.test('stale postmaster.pid naming an unrelated process', async (t) => {
    const file = join(pgData, 'postmaster.pid');
    /** postmaster.pid as a SIGKILLed PostgreSQL leaves it on the replicated disk, naming `pid`. */
    const plantStale = (pid: number): string => {
      const stale = [String(pid), pgData, String(Math.floor(Date.now() / 1000) - 3600), '5432', '/run/postgresql', 'localhost', pmShmLine, 'ready   ', ''].join('\n');
      writeFileSync(file, stale, { mode: 0o600 });
      chownSync(file, postgres!.uid, postgres!.gid);
      return stale;
    };
    const unrelatedProcess = async (what: string, uid?: { uid: number; gid: number }): Promise<Identity | null> => {
      const child = spawn('/usr/bin/sleep', ['900'], { detached: true, stdio: 'ignore', cwd: '/', ...(uid ?? {}) });
      child.unref();
      await sleepMs(100);
      const id = identityOf(child.pid!, what);
      if (id) unrelated.push(id);
      return id;
    };
    const agentEnv = {
      OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: RSC, OCF_RESOURCE_TYPE: 'services', OCF_RESOURCE_PROVIDER: 'ocfkit',
      HA_RSCTMP: '/run/resource-agents', OCF_RESKEY_services: services, OCF_RESKEY_CRM_meta_timeout: '30000',
    };
    const lastLines = (text: string) => text.trim().split('\n').slice(-2).join(' | ');
    const probeAndStop = async (victim: Identity, stale: string) => {
      const probe = await lab.exec('node1', [AGENT, 'monitor'], { env: { ...agentEnv, OCF_RESKEY_CRM_meta_interval: '0' }, timeoutMs: 60_000 });
      t.equal(probe.exitCode, 7, `${victim.what}: a probe says not running (OCF_NOT_RUNNING): ${lastLines(probe.stderr)}`);
      t.ok(stillRuns(victim), `${victim.what}: the probe did not signal it`);
      t.equal(readLog(file), stale, `${victim.what}: the probe left the pid file alone`);
      const stop = await lab.exec('node1', [AGENT, 'stop'], { env: agentEnv, timeoutMs: 60_000 });
      t.equal(stop.exitCode, 0, `${victim.what}: stop succeeds: ${lastLines(stop.stderr)}`);
      await sleepMs(300);
      t.ok(stillRuns(victim), `${victim.what}: stop did not signal it, nor had it signalled (e.g. by pg_ctl stop, which signals the pid the file names)`);
      if (!existsSync(file)) t.comment(`${victim.what}: stop removed the stale postmaster.pid`);
    };

    // a process of user postgres: what pg_ctl stop could signal, and what PostgreSQL itself would
    // take for a running postmaster (its start refuses then: an operator's call, not ocfkit's)
    const asPostgres = await unrelatedProcess('unrelated process of user postgres', { uid: postgres!.uid, gid: postgres!.gid });
    t.ok(asPostgres, 'an unrelated process of user postgres runs');
    if (asPostgres) await probeAndStop(asPostgres, plantStale(asPostgres.pid));

    // a process of another user: PostgreSQL's start sees a stale lock file and starts
    const other = await unrelatedProcess('unrelated root process');
    t.ok(other, 'an unrelated root process runs');
    if (!other) return;
    await probeAndStop(other, plantStale(other.pid));
    plantStale(other.pid);

    // Pacemaker's own probe, then a start with the stale file in place
    const refresh = await lab.exec('node1', ['crm_resource', '--refresh', '-r', RSC, '-N', 'node1'], { timeoutMs: 30_000 });
    t.equal(refresh.exitCode, 0, `crm_resource --refresh: ${refresh.stderr}`);
    try {
      await lab.waitFor(async () => {
        const r = await lab.exec('node1', ['cibadmin', '-Q', '-o', 'status']);
        return /<lrm_rsc_op id="svc_last_0"[^>]*operation="monitor"[^>]*rc-code="7"/.test(r.stdout) || null;
      }, { timeoutMs: 30_000, what: "Pacemaker's probe of svc (rc 7)" });
      t.pass("Pacemaker's probe says not running");
    } catch (error) {
      t.fail((error as Error).message);
      await diagnose(t, 'probe');
    }
    t.ok(stillRuns(other), "Pacemaker's probe did not signal the unrelated process");

    const began = Date.now();
    await pcs(['resource', 'enable', RSC]);
    const again = await waitStatus(t, 'started with a stale postmaster.pid', allStarted, 200_000);
    if (!again) return;
    figures.startWithStalePidFile = { wallMs: Date.now() - began, startMs: Object.fromEntries(again.steps.map((s) => [s.name, s.durationMs])) };
    t.ok(unrelated.every(stillRuns), 'start did not signal the unrelated processes');
    const fresh = postmaster();
    t.ok(fresh && fresh.pid !== other.pid && fresh.pid === step(again, 'db').pid, 'the new postmaster.pid names the new postmaster, and so does the status file');
    const r = psql('select count(*) from ocfkit_t where x = 42');
    t.equal(r.stdout.trim(), '1', `the data survived all of it: ${r.stderr}`);
  });

  // ---- the final stop: same checks; the unrelated process still runs ----
  await t.test('final disable', async (t) => {
    await disableAndCheck(t, 'final disable');
    t.ok(unrelated.length > 0 && unrelated.every(stillRuns), 'the unrelated processes still run after stop');
  });

  // ---- pg_ctl without -l: the postmaster inherits pg_ctl's stdout; start must not wait for it ----
  await t.test('pg_ctl start without -l returns with pg_ctl, not with the postmaster', async (t) => {
    const noLog = JSON.stringify(JSON.parse(services).filter((s: { name: string }) => s.name === 'db').map((s: { command: string[] }) => ({ ...s, command: s.command.filter((a, i, all) => a !== '-l' && all[i - 1] !== '-l') })));
    const env = {
      OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'db-nolog', OCF_RESOURCE_TYPE: 'services', OCF_RESOURCE_PROVIDER: 'ocfkit',
      HA_RSCTMP: '/run/resource-agents', OCF_RESKEY_services: noLog, OCF_RESKEY_CRM_meta_timeout: '30000',
    };
    const began = Date.now();
    const start = await lab.exec('node1', [AGENT, 'start'], { env, timeoutMs: 60_000 });
    const startMs = Date.now() - began;
    t.equal(start.exitCode, 0, `start: ${start.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    t.ok(startMs < 10_000, `start returned in ${startMs} ms (pg_ctl -w takes about a second), not at its 30 s deadline`);
    const pm = postmaster();
    const id = pm ? identityOf(pm.pid, 'postmaster (no -l)') : null;
    if (id) {
      remember({ db: id });
      sessions.add(procInfo(id.pid)!.session);
    }
    const monitor = await lab.exec('node1', [AGENT, 'monitor'], { env: { ...env, OCF_RESKEY_CRM_meta_interval: '10000' }, timeoutMs: 60_000 });
    t.equal(monitor.exitCode, 0, 'monitor: running');
    const stop = await lab.exec('node1', [AGENT, 'stop'], { env, timeoutMs: 60_000 });
    t.equal(stop.exitCode, 0, `stop: ${stop.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    figures.noLogVariant = { startMs, stopMs: stop.durationMs };
    // the postmaster's own log is lost without -l; clean stop is visible as the pid file PostgreSQL removes itself
    t.notOk(existsSync(join(pgData, 'postmaster.pid')), 'PostgreSQL shut down and removed its postmaster.pid');
    await assertNothingLeft(t, seen, sessions, 'after the no -l variant');
  });

  figures.stops = stopFigures;
  t.comment(`figures: ${JSON.stringify(figures, null, 1)}`);
  writeFileSync(`/tmp/${LAB}-figures.json`, JSON.stringify(figures, null, 1));
});
