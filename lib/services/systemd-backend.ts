/** Services that are systemd units, driven through systemctl. */
import type { Deadline } from '../exec/deadline.ts';
import { outcome, type ExecResult } from '../exec/run.ts';
import { OCF } from '../ocf/codes.ts';
import { runCheck, StepFailure, type Backend, type BackendEnv, type Health } from './backend.ts';
import { sleep } from '../exec/signal.ts';
import type { ServiceDef } from './spec.ts';

const NO_SYSTEMD = /not been booted with systemd|Failed to connect to bus|System has not been booted/;

function unavailable(r: ExecResult): StepFailure | null {
  if (r.spawnError) return new StepFailure(`systemctl cannot run (${r.spawnError})`, OCF.ERR_INSTALLED);
  if (NO_SYSTEMD.test(r.stderr)) return new StepFailure('systemd is not running on this node', OCF.ERR_INSTALLED);
  return null;
}

export function systemdBackend(env: BackendEnv): Backend {
  const systemctl = (args: string[], deadline: Deadline, logLevel: 'debug' | 'info' = 'debug') =>
    env.exec('systemctl', args, { deadline, logLevel });

  async function activeState(def: ServiceDef, deadline: Deadline): Promise<string> {
    const r = await systemctl(['is-active', def.unit!], deadline);
    const fail = unavailable(r);
    if (fail) throw fail;
    if (r.timedOut) throw new StepFailure(`systemctl is-active ${def.unit} timed out`);
    return r.stdout.trim().split('\n')[0] || 'unknown';
  }

  return {
    async status(def, deadline): Promise<Health> {
      const state = await activeState(def, deadline);
      if (state === 'inactive') return { state: 'stopped' };
      if (state === 'active' || state === 'reloading' || state === 'activating' || state === 'deactivating') {
        const problem = state === 'active' ? await runCheck(env, def, deadline) : null;
        return problem ? { state: 'failed', reason: problem, pid: null } : { state: 'running', pid: null };
      }
      return { state: 'failed', reason: `unit ${def.unit} is ${state}`, pid: null };
    },

    async start(def, deadline) {
      const r = await systemctl(['start', def.unit!], deadline, 'info');
      const fail = unavailable(r);
      if (fail) throw fail;
      if (r.failed) throw new StepFailure(`systemctl start ${def.unit} ${outcome(r)}`);
      for (;;) {
        const state = await activeState(def, deadline);
        const problem = state === 'active' ? await runCheck(env, def, deadline) : `unit is ${state}`;
        if (!problem) return null;
        if (state === 'failed' || deadline.remaining() < 200) throw new StepFailure(`not ready before its start deadline (${problem})`);
        await sleep(200);
      }
    },

    async stop(def, deadline) {
      const r = await systemctl(['stop', def.unit!], deadline, 'info');
      const fail = unavailable(r);
      if (fail) throw fail;
      if (r.failed) throw new StepFailure(`systemctl stop ${def.unit} ${outcome(r)}`);
      const state = await activeState(def, deadline);
      if (state === 'failed') await systemctl(['reset-failed', def.unit!], deadline);
      else if (state !== 'inactive') throw new StepFailure(`unit ${def.unit} is still ${state} after stop`);
    },
  };
}
