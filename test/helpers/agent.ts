/** Run a built agent as Pacemaker does: a new process, a clean environment, the action as argv. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BUILT_AGENTS = join(ROOT, 'dist', 'resource.d', 'ocfkit');
export const CLEAN_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

export function agentPath(name: string): string {
  const path = join(BUILT_AGENTS, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'npm run build' first`);
  return path;
}

export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  reasons: string[];
  lines: string[];
}

export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ocfkit-${prefix}-`));
}

/**
 * spawnSync through `env -i`: the test runner adds its own variables (NODE_OPTIONS among them)
 * to every child it sees; this gives the program exactly `env`, as Pacemaker would.
 */
export function spawnClean(command: string, args: string[], env: Record<string, string>, timeout = 120_000) {
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return spawnSync('/usr/bin/env', ['-i', ...assignments, command, ...args], { encoding: 'utf8', timeout });
}

export function runBuiltAgent(name: string, action: string, params: Record<string, string>, env: Record<string, string> = {}): AgentRun {
  const fullEnv: Record<string, string> = { PATH: CLEAN_PATH, OCF_ROOT: '/usr/lib/ocf', ...env };
  for (const [k, v] of Object.entries(params)) fullEnv[`OCF_RESKEY_${k}`] = v;
  const r = spawnClean(agentPath(name), [action], fullEnv);
  const lines = r.stderr.split('\n').filter(Boolean);
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    lines,
    reasons: lines.filter((l) => l.startsWith('ocf-exit-reason:')).map((l) => l.slice(16)),
  };
}
