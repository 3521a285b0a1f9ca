/** Running the built services agent on one resource, and finding a test's processes by tag. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runBuiltAgent, scratch } from './agent.ts';

/** Live (non-zombie) processes whose command line ends with `sleep <tag>` (each test has its own tag). */
export function sleepers(tag: string): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && !f[1]!.startsWith('Z') && f.at(-2) === 'sleep' && f.at(-1) === tag)
    .map((f) => Number(f[0]));
}

/** A resource `name` of the built services agent with these services, in a scratch $HA_RSCTMP. */
export function servicesResource(name: string, services: unknown[]) {
  const dir = scratch(name);
  const env = { HA_RSCTMP: join(dir, 'run'), OCF_RESOURCE_INSTANCE: name };
  const params = { services: JSON.stringify(services), log_dir: join(dir, 'log') };
  const run = (action: string, extra: Record<string, string> = {}, extraEnv: Record<string, string> = {}) =>
    runBuiltAgent('services', action, { ...params, ...extra }, { ...env, ...extraEnv });
  const timed = (action: string, extra: Record<string, string> = {}, extraEnv: Record<string, string> = {}) => {
    const began = performance.now();
    const r = run(action, extra, extraEnv);
    return { ...r, ms: Math.round(performance.now() - began) };
  };
  return { dir, env, params, run, timed };
}
