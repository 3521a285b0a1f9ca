/**
 * A systemd container for tests: `systemd-nspawn --boot` of a root from systemd-root.ts, with a
 * private network, the root read-only and /var on a tmpfs (`--volatile=state`: the cached root
 * is never written, several runs may boot it at once), given directories bound read-only. This
 * machine's PID 1 is not systemd, so nspawn neither registers with machined nor asks for a
 * scope (`--register=no --keep-unit`); it is started in a cgroup of its own (own-cgroup.ts) so
 * that two containers never share one.
 *
 * Commands run inside with `nsenter` into the container leader's namespaces, as argument arrays.
 *
 * Teardown: `systemctl poweroff` inside; if the container is not gone in time, SIGKILL to its
 * PID 1 (which ends its whole PID namespace), to nspawn's process group and through the
 * cgroup's `cgroup.kill`. The same kill runs when the test process exits or is signalled (tap
 * ends a test that runs past its timeout with SIGALRM, which skips `t.teardown` and `exit`
 * listeners: signal-exit, tap's own, sees it), and every boot first kills and removes the
 * containers of test processes that are gone (killed with SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { onExit } from 'signal-exit';
import { run, type ExecResult } from '../../lib/exec/run.ts';
import { CGROUP_PREFIX, inOwnCgroup, killCgroupTree, reapCgroupsSync, removeCgroupTree, sweepStale } from './own-cgroup.ts';
import { TOOLS } from './systemd-root.ts';

const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Bind {
  host: string;
  inside: string;
}

export interface Container {
  name: string;
  /** Host pid of the container's PID 1 (systemd). */
  leader: number;
  /** From spawning nspawn to `systemctl is-system-running --wait` answering. */
  bootMs: number;
  /** What `is-system-running` said: running, or degraded. */
  systemState: string;
  /** Run argv inside the container (its root, namespaces and cgroup namespace). */
  exec(argv: string[], timeoutMs?: number): Promise<ExecResult>;
  /** Power off (or kill) and wait until nspawn is gone; safe to call twice. */
  destroy(): Promise<{ how: 'poweroff' | 'killed' | 'already gone'; ms: number }>;
  /** nspawn's and the console's output so far. */
  output(): string;
}


/** The child of nspawn that lives in another PID namespace: the container's PID 1. */
function findLeader(nspawnPid: number): number | null {
  const mine = readlinkSync('/proc/self/ns/pid');
  let children: string[];
  try {
    children = readFileSync(`/proc/${nspawnPid}/task/${nspawnPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return null;
  }
  for (const c of children) {
    try {
      if (readlinkSync(`/proc/${c}/ns/pid`) !== mine) return Number(c);
    } catch {
      /* gone meanwhile */
    }
  }
  return null;
}

export async function bootContainer(root: string, binds: Bind[], options: { bootTimeoutMs?: number; logFile: string }): Promise<Container> {
  const bootTimeoutMs = options.bootTimeoutMs ?? 60_000;
  await sweepStale();
  const name = `${CGROUP_PREFIX}${process.pid}-${Date.now().toString(36)}`;
  const args = [
    `--directory=${root}`,
    `--machine=${name}`,
    '--boot',
    '--register=no',
    '--keep-unit',
    '--private-network',
    '--volatile=state',
    '--console=pipe',
    ...binds.map((b) => `--bind-ro=${b.host}:${b.inside}`),
  ];
  const began = performance.now();
  const out = openSync(options.logFile, 'a');
  let child: ChildProcess;
  let cgroups: string[];
  try {
    ({ value: child, cgroups } = inOwnCgroup(name, () => spawn(TOOLS.nspawn, args, { detached: true, stdio: ['ignore', out, out] })));
  } finally {
    closeSync(out);
  }
  const nspawnPid = child.pid!;
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  }).then(() => {
    exited = true;
  });

  let leader: number | null = null;
  const hardKill = (): void => {
    for (const target of [leader, -nspawnPid]) {
      if (!target) continue;
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const dir of cgroups) killCgroupTree(dir);
  };
  // at exit, and at a signal (tap's timeout is SIGALRM): synchronous, so kill, not poweroff
  const removeExitHook = onExit(() => {
    if (exited) return;
    hardKill();
    reapCgroupsSync(cgroups, 3000);
  });

  const output = (): string => (existsSync(options.logFile) ? readFileSync(options.logFile, 'utf8') : '');
  const exec = (argv: string[], timeoutMs = 60_000): Promise<ExecResult> => {
    if (!leader) throw new Error('container has no leader');
    return run(TOOLS.nsenter, [`--target=${leader}`, '--all', '--root', '--wd', '--', ...argv], { timeoutMs });
  };

  let destroyed: Promise<{ how: 'poweroff' | 'killed' | 'already gone'; ms: number }> | null = null;
  const destroy = () => {
    destroyed ??= (async () => {
      const t0 = performance.now();
      let how: 'poweroff' | 'killed' | 'already gone' = 'already gone';
      if (!exited) {
        how = 'poweroff';
        if (leader) await exec(['/bin/systemctl', 'poweroff'], 5_000).catch(() => null);
        await Promise.race([exit, sleepMs(leader ? 15_000 : 0)]);
        if (!exited) {
          how = 'killed';
          hardKill();
          await Promise.race([exit, sleepMs(10_000)]);
        }
      }
      removeExitHook();
      for (const dir of cgroups) removeCgroupTree(dir);
      return { how, ms: Math.round(performance.now() - t0) };
    })();
    return destroyed;
  };

  try {
    const deadline = performance.now() + bootTimeoutMs;
    while (!leader) {
      if (exited) throw new Error(`systemd-nspawn exited at once: ${output().trim().split('\n').slice(-5).join(' | ')}`);
      if (performance.now() > deadline) throw new Error('no container leader appeared');
      leader = findLeader(nspawnPid);
      if (!leader) await sleepMs(20);
    }
    let systemState = '';
    for (;;) {
      if (exited) throw new Error(`the container stopped while booting: ${output().trim().split('\n').slice(-5).join(' | ')}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`systemd in the container was not up after ${bootTimeoutMs} ms (last: ${systemState || 'no answer'})`);
      const r = await exec(['/bin/systemctl', 'is-system-running', '--wait'], Math.min(left, 30_000));
      systemState = r.stdout.trim();
      // before systemd listens, systemctl fails at once: ask again
      if (systemState === 'running' || systemState === 'degraded') break;
      await sleepMs(50);
    }
    return { name, leader, bootMs: Math.round(performance.now() - began), systemState, exec, destroy, output };
  } catch (error) {
    await destroy();
    throw error;
  }
}
