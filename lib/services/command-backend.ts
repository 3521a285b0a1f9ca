/**
 * Services run from a command line, for machines without systemd.
 *
 * foreground: we start the program in its own session (so it leads its own process group),
 * send its output to a log file, and record its identity in `<stateDir>/<name>.pid`.
 * forking: the command daemonizes by itself and writes `pidfile`; we run it to completion and
 * record the daemon it leaves, but only a process that appeared during our start: a pid file
 * naming anything older (a stale postmaster.pid on the replicated disk after a failover) is
 * not ours, reads as not running, and is never signalled.
 * Either way `check` (when given) decides readiness at start and health at monitor, and stop
 * takes down our record's process and whatever of its process group is left.
 */
import { closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Deadline } from '../exec/deadline.ts';
import { makeDirs } from '../fs/dirs.ts';
import { openPlainFile } from '../fs/plain.ts';
import { processesWithEnv, procStat, reaped, sameProcess, selfStart, startedSince } from '../exec/proc.ts';
import { outcome } from '../exec/run.ts';
import { spawnDetached } from '../exec/spawn.ts';
import { pollUntil, sleep } from '../exec/wait.ts';
import { killReserve, runCheck, StepFailure, type Backend, type BackendEnv, type Health } from './backend.ts';
import type { ServiceDef } from './spec.ts';
import { adopt, anythingLeft, markOf, readDaemonPid, readTracked, removeFile, signalAll, writeTracked, type Ours, type Tracked } from './tracked.ts';

const READY_POLL_MS = 100;
const STOP_POLL_MS = 50;
/** However late it is, wait this long for processes to die after SIGKILL. */
const MIN_REAP_MS = 200;

function trackFile(env: BackendEnv, def: ServiceDef): string {
  return join(env.stateDir, `${def.name}.pid`);
}

/** The environment a service's command runs with: the service's own, plus the mark that makes all it starts ours. */
function markedEnv(env: BackendEnv, def: ServiceDef): Record<string, string> {
  const [name, ...value] = markOf(trackFile(env, def)).split('=');
  return { ...def.env, [name!]: value.join('=') };
}

const notInstalled = (code: string): boolean => code === 'ENOENT' || code === 'EACCES';

/** A missing cwd makes the spawn fail with ENOENT, which would read as the program missing: say which. */
function checkCwd(def: ServiceDef): void {
  if (!def.cwd) return;
  let problem: string | null = null;
  try {
    if (!statSync(def.cwd).isDirectory()) problem = 'not a folder';
  } catch (error) {
    problem = (error as NodeJS.ErrnoException).code ?? String(error);
  }
  if (problem) throw new StepFailure(`its cwd ${def.cwd} cannot be used here (${problem})`);
}

/** SIGTERM (unless `termSent`), wait until `killAt`, SIGKILL, wait. True when nothing of ours is left. */
async function terminate(o: Ours, killAt: Deadline, end: Deadline, termSent = false): Promise<boolean> {
  if (!termSent) signalAll(o, 'SIGTERM');
  if (await pollUntil(() => !anythingLeft(o), killAt, STOP_POLL_MS)) return true;
  signalAll(o, 'SIGKILL');
  return (await pollUntil(() => !anythingLeft(o), Deadline.after(Math.max(end.remaining(), MIN_REAP_MS)), STOP_POLL_MS)) === true;
}

/** Kill what is left of a failed start: processes of a group we created started since `since`, and every marked one. */
async function cleanGroup(pgid: number | null, since: string, mark: string, deadline: Deadline): Promise<void> {
  const o: Ours = { record: pgid === null ? null : { pid: pgid, start: since, pgid }, mark };
  if (anythingLeft(o)) await terminate(o, deadline.less(killReserve(deadline)), deadline);
}

function describeForeign(env: BackendEnv, def: ServiceDef): void {
  if (def.kind !== 'forking') return;
  const pid = readDaemonPid(def.pidfile!);
  if (pid !== null && procStat(pid)) {
    env.log.info(`pid file ${def.pidfile} names process ${pid}, which ocfkit did not start: not ours, left alone`);
  }
}

async function spawnForeground(env: BackendEnv, def: ServiceDef): Promise<number> {
  let fd: number;
  try {
    makeDirs(env.logDir);
    fd = openPlainFile(join(env.logDir, `${def.name}.log`), 'append', 0o640);
  } catch (error) {
    throw new StepFailure(`cannot open its log in ${env.logDir}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const [program, ...args] = def.command!;
  let started;
  try {
    started = await spawnDetached(program!, args, { stdio: ['ignore', fd, fd], cwd: def.cwd, env: { ...process.env, ...markedEnv(env, def) } });
  } finally {
    closeSync(fd);
  }
  if ('error' in started) throw new StepFailure(`cannot run ${program}: ${started.error}`, { notInstalled: notInstalled(started.error) });
  return started.pid;
}

/** Run the daemonizing command and find the daemon it left: a process named by the pid file that appeared since `since`. */
async function startForking(env: BackendEnv, def: ServiceDef, since: string, deadline: Deadline): Promise<Tracked> {
  const [program, ...args] = def.command!;
  const mark = markOf(trackFile(env, def));
  const r = await env.exec(program!, args, { deadline, env: markedEnv(env, def), cwd: def.cwd, logLevel: 'info' });
  if (r.spawnError) throw new StepFailure(`cannot run ${program}: ${r.spawnError}`, { notInstalled: notInstalled(r.spawnError) });
  const appeared = (): Tracked | null => {
    const pid = readDaemonPid(def.pidfile!);
    const s = pid === null ? null : procStat(pid);
    return s && startedSince(s, since) ? adopt(s.pid, r.pid) : null;
  };
  const daemon = r.failed ? appeared() : await pollUntil(appeared, deadline, READY_POLL_MS);
  if (r.failed || !daemon) {
    if (daemon) await terminate({ record: daemon, mark }, deadline.less(killReserve(deadline)), deadline);
    await cleanGroup(r.pid, since, mark, deadline);
    if (r.failed) throw new StepFailure(`start command ${outcome(r)}`);
    const old = readDaemonPid(def.pidfile!);
    throw new StepFailure(
      old !== null && procStat(old)
        ? `pid file ${def.pidfile} names process ${old}, which was running before this start: not ours`
        : `pid file ${def.pidfile} did not name a new process`,
    );
  }
  return daemon;
}

export function commandBackend(env: BackendEnv): Backend {
  return {
    async status(def: ServiceDef, deadline: Deadline): Promise<Health> {
      const file = trackFile(env, def);
      const t = readTracked(file);
      if (!t) {
        // no record, yet processes of ours may run: what a start that was killed midway left
        const strays = processesWithEnv(markOf(file));
        if (strays.length > 0) return { state: 'failed', reason: `process ${strays[0]!.pid} of it runs without a record`, pid: null };
        describeForeign(env, def);
        return { state: 'stopped' };
      }
      if (!sameProcess(t)) {
        const rest = anythingLeft({ record: t, mark: markOf(file) }) ? '; processes of its group remain' : '';
        return { state: 'failed', reason: `process ${t.pid} is gone${rest}`, pid: t.pid };
      }
      const problem = await runCheck(env, def, deadline);
      return problem ? { state: 'failed', reason: problem, pid: t.pid } : { state: 'running', pid: t.pid };
    },

    async start(def: ServiceDef, deadline: Deadline): Promise<number | null> {
      const file = trackFile(env, def);
      const mark = markOf(file);
      const since = selfStart();
      checkCwd(def);
      // what follows readiness must still fit: killing what we started when it never got ready
      const ready = deadline.less(killReserve(deadline));
      let t: Tracked;
      if (def.kind === 'forking') {
        t = await startForking(env, def, since, ready);
      } else {
        const pid = await spawnForeground(env, def);
        const s = procStat(pid);
        if (!s) {
          await cleanGroup(pid, since, mark, deadline);
          throw new StepFailure(`process ${pid} exited at once (see ${join(env.logDir, `${def.name}.log`)})`);
        }
        t = { pid, start: s.start, pgid: pid };
      }
      try {
        writeTracked(file, t);
      } catch (error) {
        await terminate({ record: t, mark }, deadline.less(killReserve(deadline)), deadline);
        throw new StepFailure(`cannot record process ${t.pid} in ${file} (${(error as NodeJS.ErrnoException).code ?? error}); stopped it again`);
      }

      let lastProblem = 'not ready';
      const outcomeOfWait = await pollUntil(
        async () => {
          if (!sameProcess(t)) return 'exited';
          // no time left for a check: what the last one said stands
          if (ready.expired()) return undefined;
          const problem = await runCheck(env, def, ready);
          if (problem) {
            // a check cut short by the end of the wait says less than the one before it
            if (!ready.expired() || lastProblem === 'not ready') lastProblem = problem;
            return undefined;
          }
          if (!def.check) {
            // no check: make sure it does not die right away
            await sleep(READY_POLL_MS);
            if (!sameProcess(t)) return 'exited';
          }
          return 'ready';
        },
        ready,
        READY_POLL_MS,
      );
      if (outcomeOfWait === 'ready') return t.pid;

      const why =
        outcomeOfWait === 'exited'
          ? `process ${t.pid} exited during start (see ${def.kind === 'forking' ? 'its own log' : join(env.logDir, `${def.name}.log`)})`
          : `not ready before its start deadline (${lastProblem})`;
      env.log.warn(`service ${def.name}: ${why}; stopping what it left`, { pid: t.pid });
      const gone = await terminate({ record: t, mark }, deadline.less(killReserve(deadline)), deadline);
      if (gone) removeFile(file);
      throw new StepFailure(gone ? `${why}; stopped again` : `${why}; and processes of it survived SIGKILL`);
    },

    async stop(def: ServiceDef, deadline: Deadline): Promise<void> {
      const file = trackFile(env, def);
      const t = readTracked(file);
      const ours: Ours = { record: t, mark: markOf(file) };
      if (!t) describeForeign(env, def);
      if (anythingLeft(ours)) {
        const killAt = deadline.less(killReserve(deadline));
        let termSent = false;
        if (def.stop && t && sameProcess(t)) {
          const r = await env.exec(def.stop[0]!, def.stop.slice(1), { deadline: killAt, env: def.env, cwd: def.cwd, logLevel: 'info', reapGroup: true });
          termSent = !r.spawnError && !r.failed;
          if (!termSent) env.log.warn(`stop command of ${def.name} ${outcome(r)}; sending SIGTERM instead`);
        }
        if (!(await terminate(ours, killAt, deadline, termSent))) {
          throw new StepFailure(`${t ? `process ${t.pid} or its group` : 'processes of it'} survived SIGKILL`);
        }
      }
      if (!t) return;
      // a daemon checks its pid file with kill(pid, 0), which a zombie passes: let init reap it
      // first, within the stop's time, so that the next start does not find it "still running"
      if (def.kind === 'forking' && !(await pollUntil(() => reaped(t), deadline, STOP_POLL_MS))) {
        env.log.info(`process ${t.pid} has exited but is not reaped yet`);
      }
      removeFile(file);
    },
  };
}
