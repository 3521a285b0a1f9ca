/**
 * Helpers of the CIB template tests: the real Pacemaker tools (crm_verify, crm_simulate, crm_mon,
 * crm_attribute, cibadmin) on CIB files, and pcs in a private mount namespace where it finds
 * ocfkit's built agents and the lab's fence agent. Offline: no cluster runs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderFenceAgent } from '../../lib/lab/fence/agent-script.ts';
import { parseCrmMonXml } from '../../lib/cluster/index.ts';
import { parseXml, type XmlElement } from '../../lib/xml/parse-xml.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BUILT_AGENTS = join(ROOT, 'dist', 'resource.d', 'ocfkit');

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tool(command: string, args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): ToolResult {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, env: { ...process.env, TZ: 'UTC', ...options.env } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(t: { teardown(fn: () => void): void }, prefix = 'ocfkit-cib-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** crm_verify --xml-file FILE -V: the exit status and everything it printed. */
export function crmVerify(file: string): { status: number | null; output: string } {
  const r = tool('crm_verify', ['--xml-file', file, '-V']);
  return { status: r.status, output: (r.stdout + r.stderr).trim() };
}

/** A blank CIB file, as `cibadmin --empty` makes it (what `pcs cluster cib` would give a new cluster). */
export function emptyCib(file: string): void {
  const r = tool('cibadmin', ['--empty']);
  if (r.status !== 0) throw new Error(`cibadmin --empty: ${r.stderr}`);
  writeFileSync(file, r.stdout);
}

/**
 * What pcs needs to validate the stack's agents, under `dir`: the built agents (hard links, so a
 * concurrent `npm run build` swapping dist/ cannot pull them away mid-run) and a /usr/sbin layer
 * holding the lab's real fence agent (rendered as `ocfkit lab up` renders it).
 */
export function pcsAgents(dir: string): { agents: string; sbin: string } {
  if (!existsSync(join(BUILT_AGENTS, 'drbd'))) throw new Error(`no built agents in ${BUILT_AGENTS}: run npm run build`);
  const agents = join(dir, 'agents');
  mkdirSync(agents);
  for (const name of readdirSync(BUILT_AGENTS)) {
    const from = join(BUILT_AGENTS, name);
    if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), join(agents, name));
    else linkSync(from, join(agents, name));
  }
  const sbin = join(dir, 'sbin');
  mkdirSync(sbin);
  writeFileSync(join(sbin, 'fence_ocfkit_lab'), renderFenceAgent('cibtest', [{ node: 'node1', netInode: 1 }, { node: 'node2', netInode: 2 }]));
  chmodSync(join(sbin, 'fence_ocfkit_lab'), 0o755);
  return { agents, sbin };
}

/** Runs the rendered pcs script (`sh script CIB`) on a blank CIB file; returns the file and pcs's output. */
export function applyPcs(dir: string, script: string, name: string): ToolResult & { cib: string } {
  const { agents, sbin } = existsSync(join(dir, 'agents')) ? { agents: join(dir, 'agents'), sbin: join(dir, 'sbin') } : pcsAgents(dir);
  const cib = join(dir, `${name}.pcs.xml`);
  emptyCib(cib);
  const path = join(dir, `${name}.sh`);
  writeFileSync(path, script);
  const r = tool('unshare', ['--mount', '--propagation', 'private', '--', process.execPath, join(import.meta.dirname, 'with-agents.mjs'), agents, sbin, 'sh', path, cib], {
    timeoutMs: 180_000,
  });
  return { ...r, cib };
}

// --- crm_simulate: the scheduler's decisions on a CIB file, with a fake clock ------------------

/** One simulated transition at `time` (all actions succeed), stored back into the file. */
export function simulate(file: string, time: string, extra: string[] = []): string[] {
  const r = tool('crm_simulate', ['--xml-file', file, '--quorum', '1', '--in-place', '--set-datetime', time, ...extra]);
  if (r.status !== 0) throw new Error(`crm_simulate ${extra.join(' ')}: ${r.stderr}`);
  const summary = /Transition Summary:\n([\s\S]*?)\n(?:Executing|$)/.exec(r.stdout)?.[1] ?? '';
  return summary
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => l.startsWith('*'));
}

/** Runs transitions at `time` until the scheduler has nothing left to do (at most 5). */
export function settle(file: string, time: string, first: string[] = []): string[][] {
  const all: string[][] = [simulate(file, time, first)];
  for (let i = 0; i < 5 && all.at(-1)!.length > 0; i++) all.push(simulate(file, time));
  if (all.at(-1)!.length > 0) throw new Error(`no steady state at ${time}: ${all.at(-1)!.join('; ')}`);
  return all;
}

/** The DRBD promotion score a node's agent would publish (a transient node attribute). */
export function setPromotionScore(file: string, node: string, score: number | null): void {
  const args = score === null ? ['--node', node, '--name', 'master-drbd-data', '--lifetime', 'reboot', '--delete'] : ['--node', node, '--name', 'master-drbd-data', '--lifetime', 'reboot', '--update', String(score)];
  const r = tool('crm_attribute', args, { env: { CIB_file: file } });
  if (r.status !== 0) throw new Error(`crm_attribute ${args.join(' ')}: ${r.stderr}`);
}

/** Where things run in the file's status, as crm_mon reads it (through lib/cluster). */
export function placement(file: string): { promoted: string[]; unpromoted: string[]; started: Record<string, string[]> } {
  const r = tool('crm_mon', ['--one-shot', '--output-as=xml', '--inactive'], { env: { CIB_file: file } });
  if (r.status !== 0) throw new Error(`crm_mon: ${r.stderr}`);
  const status = parseCrmMonXml(r.stdout);
  const on = (id: string, role?: string) => status.instances.filter((i) => i.id === id && i.active && (!role || i.role === role)).flatMap((i) => i.nodes);
  const started: Record<string, string[]> = {};
  for (const id of ['fs-data', 'vip', 'haproxy-target', 'app-services', 'app-services-ro']) started[id] = on(id).sort();
  return { promoted: on('drbd-data', 'Promoted'), unpromoted: on('drbd-data', 'Unpromoted').sort(), started };
}

/** Both nodes up with the DRBD agent's top promotion score on each, settled: node1 (preferred) active. */
export function startPair(file: string, time: string): void {
  settle(file, time, ['--node-up', 'node1', '--node-up', 'node2']);
  setPromotionScore(file, 'node1', 10000);
  setPromotionScore(file, 'node2', 10000);
  settle(file, time);
}

export interface GraphAction {
  id: string;
  /** `promote drbd-data@node2`, `start fs-data@node2`, `stonith node1`, pseudo events by their key. */
  name: string;
  inputs: string[];
}

/**
 * The transition crm_simulate computes for one event (`--save-graph`), not applied: its actions
 * and, for each, the actions it waits for (inputs).
 */
export function transitionGraph(file: string, time: string, extra: string[], graphFile: string): Map<string, GraphAction> {
  const r = tool('crm_simulate', ['--xml-file', file, '--quorum', '1', '--simulate', '--set-datetime', time, '--save-graph', graphFile, ...extra]);
  if (r.status !== 0) throw new Error(`crm_simulate: ${r.stderr}`);
  const root = parseXml(readFileSync(graphFile, 'utf8'));
  const name = (e: XmlElement): string => {
    const prim = e.children.find((c) => c.name === 'primitive');
    if (e.name === 'rsc_op' && prim) return `${e.attrs.operation === 'notify' ? `notify:${e.attrs.operation_key}` : e.attrs.operation} ${prim.attrs.id}@${e.attrs.on_node}`;
    if (e.name === 'crm_event' && e.attrs.operation === 'stonith') return `stonith ${e.attrs.on_node}`;
    return `${e.name}:${e.attrs.operation_key ?? e.attrs.operation}${e.attrs.on_node ? `@${e.attrs.on_node}` : ''}`;
  };
  const actions = new Map<string, GraphAction>();
  for (const synapse of root.children.filter((c) => c.name === 'synapse')) {
    const action = synapse.children.find((c) => c.name === 'action_set')!.children[0]!;
    const inputs = (synapse.children.find((c) => c.name === 'inputs')?.children ?? []).flatMap((trigger) => trigger.children.map((c) => c.attrs.id!));
    actions.set(action.attrs.id!, { id: action.attrs.id!, name: name(action), inputs });
  }
  return actions;
}

/** Whether `later` (an action name) waits, directly or through others, for `earlier`. */
export function waitsFor(graph: Map<string, GraphAction>, later: string, earlier: string): boolean {
  const byName = [...graph.values()];
  const target = byName.find((a) => a.name === later);
  const source = byName.find((a) => a.name === earlier);
  if (!target || !source) throw new Error(`no action '${!target ? later : earlier}' in the transition: ${byName.map((a) => a.name).join(', ')}`);
  const seen = new Set<string>();
  const stack = [...target.inputs];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source.id) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(graph.get(id)?.inputs ?? []));
  }
  return false;
}
