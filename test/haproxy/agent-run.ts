/**
 * The built haproxy-retarget agent run as Pacemaker runs it (a new process, a clean environment
 * through `env -i`, the action as argv), but asynchronously: the HTTP backends and HAProxy's
 * health checks live in the test process and must keep answering while the agent runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, CLEAN_PATH } from '../helpers/agent.ts';

export interface Run {
  code: number | null;
  stderr: string;
  reasons: string[];
  ms: number;
}

export interface NodeEnv {
  node: string;
  /** This node's HA_RSCTMP (each node its own, as on separate machines). */
  rscTmp: string;
}

export function nodeEnv(node: string): NodeEnv {
  return { node, rscTmp: mkdtempSync(join(tmpdir(), `ocfkit-hap-${node}-`)) };
}

export function runAgent(
  action: string,
  params: Record<string, string>,
  on: NodeEnv | null,
  opts: { interval?: number; timeout?: number; env?: Record<string, string> } = {},
): Promise<Run> {
  const env: Record<string, string> = { PATH: CLEAN_PATH, OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'hap', ...opts.env };
  if (on) {
    env.OCF_RESKEY_CRM_meta_on_node = on.node;
    env.HA_RSCTMP = on.rscTmp;
  }
  if (opts.interval !== undefined) env.OCF_RESKEY_CRM_meta_interval = String(opts.interval);
  if (opts.timeout !== undefined) env.OCF_RESKEY_CRM_meta_timeout = String(opts.timeout);
  for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
  const t0 = performance.now();
  const child = spawn('/usr/bin/env', ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), agentPath('haproxy-retarget'), action], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      const reasons = stderr
        .split('\n')
        .filter((l) => l.startsWith('ocf-exit-reason:'))
        .map((l) => l.slice(16));
      resolve({ code, stderr, reasons, ms: performance.now() - t0 });
    });
  });
}
