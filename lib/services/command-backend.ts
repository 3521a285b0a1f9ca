/**
 * Services run from a command line, for machines without systemd.
 *
 * foreground: we start the program in its own session, send its output to a log file, and
 * keep `<stateDir>/<name>.pid` ("pid starttime") to supervise it.
 * forking: the command daemonizes by itself and writes `pidfile`; we run it to completion
 * and follow that pid file.
 * Either way `check` (when given) decides readiness at start and health at monitor.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Deadline } from '../exec/deadline.ts';
import { childProcess } from '../exec/lazy.ts';
import { outcome } from '../exec/run.ts';
import { OCF } from '../ocf/codes.ts';
import { runCheck, StepFailure, type Backend, type BackendEnv, type Health } from './backend.ts';
import { signalGroup, sleep } from '../exec/signal.ts';
import {
  readPidFile,
  recordAlive,
  removeFile,
  startTime,
  waitUntil,
  writePidFile,
  type PidRecord,
} from './process.ts';
import type { ServiceDef } from './spec.ts';

const POLL_MS = 100;
const KILL_WAIT_MS = 2_000;

export function ownPidFile(env: BackendEnv, def: ServiceDef): string {
  return join(env.stateDir, `${def.name}.pid`);
}

function pidFileOf(env: BackendEnv, def: ServiceDef): string {
  return def.kind === 'forking' ? def.pidfile! : ownPidFile(env, def);
}

function spawnForeground(env: BackendEnv, def: ServiceDef): Promise<number> {
  mkdirSync(env.logDir, { recursive: true });
  const logFd = openSync(join(env.logDir, `${def.name}.log`), 'a', 0o640);
  return new Promise((resolve, reject) => {
    const [program, ...args] = def.command!;
    const child = childProcess().spawn(program!, args, {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      cwd: def.cwd,
      env: def.env ? { ...process.env, ...def.env } : process.env,
    });
    child.once('spawn', () => {
      closeSync(logFd);
      child.unref();
      resolve(child.pid!);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      closeSync(logFd);
      const code = error.code === 'ENOENT' || error.code === 'EACCES' ? OCF.ERR_INSTALLED : undefined;
      reject(new StepFailure(`cannot run ${program}: ${error.code ?? error.message}`, code));
    });
  });
}

async function killRecord(record: PidRecord, graceMs: number): Promise<boolean> {
  signalGroup(record.pid, 'SIGTERM');
  if (await waitUntil(() => !recordAlive(record), graceMs)) return true;
  signalGroup(record.pid, 'SIGKILL');
  return waitUntil(() => !recordAlive(record), KILL_WAIT_MS);
}

export function commandBackend(env: BackendEnv): Backend {
  return {
    async status(def: ServiceDef, deadline: Deadline): Promise<Health> {
      const file = pidFileOf(env, def);
      const record = readPidFile(file);
      if (!record) return { state: 'stopped' };
      if (!recordAlive(record)) return { state: 'failed', reason: `process ${record.pid} is gone (pid file ${file})`, pid: record.pid };
      const problem = await runCheck(env, def, deadline);
      return problem ? { state: 'failed', reason: problem, pid: record.pid } : { state: 'running', pid: record.pid };
    },

    async start(def: ServiceDef, deadline: Deadline): Promise<number | null> {
      let record: PidRecord | null;
      if (def.kind === 'forking') {
        const [program, ...args] = def.command!;
        const r = await env.exec(program!, args, { deadline, env: def.env, cwd: def.cwd, logLevel: 'info' });
        if (r.spawnError) throw new StepFailure(`cannot run ${program}: ${r.spawnError}`, r.spawnError === 'ENOENT' ? OCF.ERR_INSTALLED : undefined);
        if (r.failed) throw new StepFailure(`start command ${outcome(r)}`);
        await waitUntil(() => readPidFile(def.pidfile!) !== null, deadline.remaining(), POLL_MS);
        record = readPidFile(def.pidfile!);
        if (!record) throw new StepFailure(`pid file ${def.pidfile} did not appear`);
      } else {
        const pid = await spawnForeground(env, def);
        record = { pid, start: startTime(pid) };
        writePidFile(ownPidFile(env, def), pid, record.start);
      }

      // ready when alive and (if given) the check passes; cut at the deadline
      let lastProblem = 'not ready';
      for (;;) {
        if (!recordAlive(record)) {
          if (def.kind !== 'forking') removeFile(ownPidFile(env, def));
          throw new StepFailure(`process ${record.pid} exited during start (see ${join(env.logDir, `${def.name}.log`)})`);
        }
        const problem = await runCheck(env, def, deadline);
        if (!problem) {
          if (!def.check) {
            // no check: make sure it does not die right away
            await sleep(POLL_MS);
            if (!recordAlive(record)) continue;
          }
          return record.pid;
        }
        lastProblem = problem;
        if (deadline.remaining() <= POLL_MS) break;
        await sleep(POLL_MS);
      }
      env.log.warn(`service ${def.name} not ready at its deadline; killing it`, { pid: record.pid });
      await killRecord(record, 1000);
      if (def.kind !== 'forking') removeFile(ownPidFile(env, def));
      throw new StepFailure(`not ready before its start deadline (${lastProblem}); stopped again`);
    },

    async stop(def: ServiceDef, deadline: Deadline): Promise<void> {
      const file = pidFileOf(env, def);
      const record = readPidFile(file);
      if (def.stop) {
        const r = await env.exec(def.stop[0]!, def.stop.slice(1), { deadline, env: def.env, cwd: def.cwd, logLevel: 'info' });
        if (r.failed) env.log.warn(`stop command of ${def.name} ${outcome(r)}; signalling instead`);
      }
      if (record && recordAlive(record)) {
        // leave time for SIGKILL and the wait after it
        const grace = Math.max(0, Math.min(def.stopTimeoutMs ?? Number.POSITIVE_INFINITY, deadline.remaining() - KILL_WAIT_MS - 500));
        if (def.stop) await waitUntil(() => !recordAlive(record), grace);
        if (recordAlive(record) && !(await killRecord(record, def.stop ? 0 : grace))) {
          throw new StepFailure(`process ${record.pid} survived SIGKILL`);
        }
      }
      removeFile(file);
    },
  };
}
