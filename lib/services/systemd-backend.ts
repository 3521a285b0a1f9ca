/**
 * Services that are systemd units, driven through systemctl.
 *
 * Every unit name is passed after `--`, so a name that looks like an option (`--now`) is a unit
 * name to systemctl. State comes from one `systemctl show` per look (see systemd-unit.ts).
 */
import type { Deadline } from '../exec/deadline.ts';
import { outcome, type ExecResult } from '../exec/run.ts';
import { sleep } from '../exec/wait.ts';
import { runCheck, StepFailure, type Backend, type BackendEnv, type Health } from './backend.ts';
import type { ServiceDef } from './spec.ts';
import { describeUnit, judgeUnit, parseUnitShow, sameRun, UNIT_PROPERTIES, UnitShowError, type UnitFacts } from './systemd-unit.ts';

const NO_SYSTEMD = /not been booted with systemd|Failed to connect to bus|System has not been booted/;

/** How often start looks at a unit that is not up yet. */
const POLL_MS = 200;
/** How long to wait before looking again at a unit that came up (or was restarted by systemd). */
const CONFIRM_MS = 100;

function unavailable(r: ExecResult): StepFailure | null {
  if (r.spawnError) return new StepFailure(`systemctl cannot run (${r.spawnError})`, { notInstalled: true });
  if (NO_SYSTEMD.test(r.stderr)) return new StepFailure('systemd is not running on this node', { notInstalled: true });
  return null;
}

export function systemdBackend(env: BackendEnv): Backend {
  const systemctl = (verb: string, unit: string, deadline: Deadline, logLevel: 'debug' | 'info' = 'debug', options: string[] = []) =>
    env.exec('systemctl', [verb, ...options, '--', unit], { deadline, logLevel });

  /** The unit's facts; throws StepFailure when systemctl cannot tell. */
  async function facts(unit: string, deadline: Deadline): Promise<UnitFacts> {
    const r = await systemctl('show', unit, deadline, 'debug', ['-p', UNIT_PROPERTIES.join(',')]);
    const fail = unavailable(r);
    if (fail) throw fail;
    if (r.failed) throw new StepFailure(`systemctl show ${unit} ${outcome(r)}`);
    try {
      return parseUnitShow(unit, r.stdout);
    } catch (error) {
      if (error instanceof UnitShowError) throw new StepFailure(error.message);
      throw error;
    }
  }

  return {
    async status(def, deadline): Promise<Health> {
      const unit = def.unit!;
      let f = await facts(unit, deadline);
      let j = judgeUnit(unit, f);
      if (j.kind === 'running' && f.restarts > 0 && deadline.remaining() > CONFIRM_MS) {
        // systemd has restarted it: a crash loop spends a moment `active` at each attempt, so
        // believe `active` only when a second look finds the same process still running
        await sleep(CONFIRM_MS);
        const again = await facts(unit, deadline);
        j = sameRun(f, again) ? judgeUnit(unit, again) : { kind: 'pending', reason: `unit keeps restarting (${again.restarts} restarts, now ${describeUnit(again)})` };
        f = again;
      }
      switch (j.kind) {
        case 'missing':
          return { state: 'unavailable', reason: j.reason };
        case 'stopped':
          return { state: 'stopped' };
        case 'running': {
          const problem = await runCheck(env, def, deadline);
          return problem ? { state: 'failed', reason: problem, pid: j.pid } : { state: 'running', pid: j.pid };
        }
        case 'pending':
        case 'failed':
          return { state: 'failed', reason: j.reason, pid: f.mainPid };
      }
    },

    async start(def, deadline) {
      const unit = def.unit!;
      const r = await systemctl('start', unit, deadline, 'info');
      const fail = unavailable(r);
      if (fail) throw fail;
      if (r.failed) {
        const after = await facts(unit, deadline).catch(() => null);
        const j = after && judgeUnit(unit, after);
        if (j?.kind === 'missing') throw new StepFailure(j.reason, { notInstalled: true });
        // systemctl's own last line only points at `systemctl status`: say what state it left
        const how = r.timedOut || r.signal ? outcome(r) : `exit ${r.exitCode}`;
        throw new StepFailure(after ? `systemctl start ${how}: unit is ${describeUnit(after)}` : `systemctl start ${unit} ${outcome(r)}`);
      }
      let seen: UnitFacts | null = null;
      let waitingFor: string;
      for (;;) {
        const f = await facts(unit, deadline);
        const j = judgeUnit(unit, f);
        if (j.kind === 'missing') throw new StepFailure(j.reason, { notInstalled: true });
        if (j.kind === 'failed') throw new StepFailure(j.reason);
        if (j.kind === 'stopped') throw new StepFailure(`unit stopped right after its start (${describeUnit(f)})`);
        let pause = POLL_MS;
        if (j.kind === 'running') {
          if (seen && sameRun(seen, f)) {
            const problem = await runCheck(env, def, deadline);
            if (!problem) return j.pid;
            waitingFor = problem;
          } else {
            waitingFor = 'unit only just started';
            pause = CONFIRM_MS;
          }
          seen = f;
        } else {
          waitingFor = `unit still ${describeUnit(f)}`;
          seen = null;
        }
        if (deadline.remaining() < pause) throw new StepFailure(`${waitingFor} at its start deadline`);
        await sleep(pause);
      }
    },

    async stop(def, deadline) {
      const unit = def.unit!;
      let before: UnitFacts;
      try {
        before = await facts(unit, deadline);
      } catch (error) {
        // no systemd on this node: no unit of ours can be running on it
        if (error instanceof StepFailure && error.notInstalled) {
          env.log.info(`service ${def.name}: ${error.message}; nothing to stop`);
          return;
        }
        throw error;
      }
      // not installed and not running: nothing to stop (systemctl stop would fail with 5)
      if (judgeUnit(unit, before).kind === 'missing') {
        if (before.activeState === 'failed') await systemctl('reset-failed', unit, deadline);
        return;
      }
      // always ask, even when inactive: that also cancels a start job still queued
      const r = await systemctl('stop', unit, deadline, 'info');
      if (r.failed) throw new StepFailure(`systemctl stop ${unit} ${outcome(r)}`);
      const after = await facts(unit, deadline);
      const j = judgeUnit(unit, after);
      if (after.activeState === 'failed') {
        // stopped, but remembered as failed (a crash, or a crash loop cut short): clear it so
        // the next start and monitor see a clean unit
        const reset = await systemctl('reset-failed', unit, deadline);
        if (reset.failed) env.log.warn(`systemctl reset-failed ${unit} ${outcome(reset)}`);
        return;
      }
      if (j.kind !== 'stopped' && j.kind !== 'missing') throw new StepFailure(`unit still ${describeUnit(after)} after stop`);
    },
  };
}
