/**
 * What the VM lab's end-to-end test (test/vm/vm-lab.test.ts) and its benchmark
 * (bench/vm-failover.ts) do to the two guests, over ssh, as argument arrays:
 * read DRBD (/proc/drbd through drbd-status-parser), write and verify files with checksums computed
 * on the host, switch over with pcs, swap the DRBD agent by re-rendering the CIB with one variable,
 * read the takeover timeline from `ocfkit status --json`, and make a real split brain.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { factsFor, parseProc } from 'drbd-status-parser';
import { parseCrmMonXml } from '../cluster/crm-mon.ts';
import { parseCibXml } from '../cluster/cib.ts';
import type { ClusterStatus } from '../cluster/model.ts';
import { renderCib } from '../cib/render.ts';
import { validateVars, type StackVars } from '../cib/vars.ts';
import type { FailoverReport } from '../status/report.ts';
import { Deadline } from '../exec/deadline.ts';
import { pollUntil } from '../exec/wait.ts';
import { VmError } from './errors.ts';
import type { VmLab } from './lab.ts';
import type { VmNode } from './paths.ts';

export const CLONE = 'drbd-data-clone';
export const RESOURCE = 'r0';
export const MOUNT = '/srv/data';

export const other = (n: VmNode): VmNode => (n === 'node1' ? 'node2' : 'node1');

/** One node's DRBD as /proc/drbd tells it (the parser's normalised names: Connecting = WFConnection). */
export interface DrbdView {
  role: string;
  peerRole: string;
  connection: string;
  replication: string;
  disk: string;
  peerDisk: string;
  splitBrainSuspected: boolean;
  /** The raw file, for the log. */
  text: string;
}

export async function drbdView(lab: VmLab, n: VmNode): Promise<DrbdView | null> {
  const r = await lab.sshTo(n, ['cat', '/proc/drbd'], 30_000);
  if (r.failed) return null;
  const res = parseProc(r.stdout).resources[0];
  if (!res) return { role: 'Down', peerRole: 'Unknown', connection: 'Down', replication: 'Off', disk: 'Down', peerDisk: 'DUnknown', splitBrainSuspected: false, text: r.stdout };
  const c = res.connections[0];
  return {
    role: res.role,
    peerRole: c?.peerRole ?? 'Unknown',
    connection: c?.state ?? 'StandAlone',
    replication: c?.volumes[0]?.replication ?? 'Off',
    disk: res.volumes[0]?.disk ?? 'Diskless',
    peerDisk: c?.volumes[0]?.peerDisk ?? 'DUnknown',
    splitBrainSuspected: factsFor(res).splitBrainSuspected,
    text: r.stdout,
  };
}

export const drbdLine = (v: DrbdView | null): string => (v ? `${v.role}/${v.peerRole} ${v.connection}${v.replication !== 'Established' && v.replication !== 'Off' ? ` ${v.replication}` : ''} ${v.disk}/${v.peerDisk}` : 'unreachable');

/**
 * lib/exec's pollUntil for ssh probes: a probe that throws (a guest rebooting) counts as "not
 * yet"; a VmError naming `what`, and the last error, when `timeoutMs` passes.
 */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | false | undefined>, everyMs = 2000): Promise<T> {
  let last: Error | null = null;
  const tolerant = async (): Promise<T | null | false | undefined> => {
    try {
      return await probe();
    } catch (e) {
      last = e as Error;
      return null;
    }
  };
  const v = await pollUntil(tolerant, Deadline.after(timeoutMs), everyMs);
  if (v !== undefined) return v;
  throw new VmError(`timed out after ${Math.round(timeoutMs / 1000)} s: ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

export async function crmMon(lab: VmLab, n: VmNode, timeoutMs = 60_000): Promise<ClusterStatus | null> {
  const r = await lab.sshTo(n, ['crm_mon', '-1', '--output-as=xml'], timeoutMs);
  if (r.failed && !r.stdout.includes('<pacemaker-result')) return null;
  try {
    return parseCrmMonXml(r.stdout);
  } catch {
    return null;
  }
}

/** Where Pacemaker has the clone Promoted (every node it says so for). */
export function promotedNodes(st: ClusterStatus): string[] {
  return st.instances.filter((i) => i.cloneId === CLONE && i.active && i.role === 'Promoted').flatMap((i) => i.nodes);
}

/** A started resource's node (fs-data, vip, haproxy-target, app-services), or null. */
export function runningOn(st: ClusterStatus, id: string): string | null {
  return st.instances.find((i) => i.id === id && i.active)?.nodes[0] ?? null;
}

/** The whole stack runs on `n`: DRBD Promoted there only, and the filesystem, VIP, HAProxy target and services started there. */
export function stackOn(st: ClusterStatus, n: VmNode): boolean {
  const p = promotedNodes(st);
  return p.length === 1 && p[0] === n && ['fs-data', 'vip', 'haproxy-target', 'app-services'].every((id) => runningOn(st, id) === n);
}

// ---------------------------------------------------------------------------------------------
// Files with checksums computed on the host: written in one tar stream, read back with sha256sum.

export interface TestFile {
  name: string;
  data: Buffer;
  sha256: string;
}

/** `count` files of random bytes, 64-512 KiB (64 KiB steps), named `<prefix>NNN`. */
export function makeFiles(count: number, prefix = 'f', first = 0): TestFile[] {
  return Array.from({ length: count }, (_, k) => {
    const i = first + k;
    const data = randomBytes(64 * 1024 * (1 + (i % 8)));
    return { name: `${prefix}${String(i).padStart(3, '0')}`, data, sha256: createHash('sha256').update(data).digest('hex') };
  });
}

/** A POSIX ustar archive of plain files (names ≤ 100 bytes, mode 0644, owner root). */
export function tarOf(files: readonly TestFile[], mtime = Math.floor(Date.now() / 1000)): Buffer {
  const parts: Buffer[] = [];
  const octal = (n: number, width: number): string => `${n.toString(8).padStart(width - 1, '0')}\0`;
  for (const f of files) {
    if (Buffer.byteLength(f.name) > 100 || f.name.includes('/')) throw new VmError(`tar: ${f.name}: names are ≤ 100 bytes without /`);
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 'utf8');
    h.write(octal(0o644, 8), 100, 'ascii');
    h.write(octal(0, 8), 108, 'ascii');
    h.write(octal(0, 8), 116, 'ascii');
    h.write(octal(f.data.length, 12), 124, 'ascii');
    h.write(octal(mtime, 12), 136, 'ascii');
    h.write('        ', 148, 'ascii');
    h.write('0', 156, 'ascii');
    h.write('ustar\0', 257, 'ascii');
    h.write('00', 263, 'ascii');
    h.write('root', 265, 'ascii');
    h.write('root', 297, 'ascii');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    parts.push(h, f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** Writes the files into `dir` on the node (one ssh: tar reads stdin), then `sync`. */
export async function putFiles(lab: VmLab, n: VmNode, dir: string, files: readonly TestFile[]): Promise<void> {
  await lab.mustSsh(n, ['mkdir', '-p', dir], 60_000);
  const r = await lab.sshTo(n, ['tar', '-x', '-f', '-', '-C', dir, '--no-same-owner'], 300_000, tarOf(files));
  if (r.failed) throw new VmError(`${n}: tar -x into ${dir}: exit ${r.exitCode}: ${r.stderr.trim().slice(0, 300)}`);
  await lab.mustSsh(n, ['sync'], 120_000);
}

/** Reads every file back on the node (sha256sum) and compares with the host's sums. */
export async function verifyFiles(lab: VmLab, n: VmNode, dir: string, files: readonly TestFile[]): Promise<{ ok: number; bad: string[] }> {
  const r = await lab.sshTo(n, ['sha256sum', ...files.map((f) => join(dir, f.name))], 300_000);
  const got = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(line.trim());
    if (m) got.set(m[2]!, m[1]!);
  }
  const bad = files.filter((f) => got.get(join(dir, f.name)) !== f.sha256).map((f) => `${f.name}: ${got.has(join(dir, f.name)) ? 'checksum differs' : 'missing'}`);
  return { ok: files.length - bad.length, bad };
}

/** A file on a node from a string or bytes (`tee` over ssh, content on stdin). */
export async function writeRemote(lab: VmLab, n: VmNode, path: string, content: string | Buffer): Promise<void> {
  const r = await lab.sshTo(n, ['tee', path], 60_000, content);
  if (r.failed) throw new VmError(`${n}: tee ${path}: exit ${r.exitCode}: ${r.stderr.trim().slice(0, 300)}`);
}

// ---------------------------------------------------------------------------------------------
// Cluster operations.

/**
 * Planned switchover with pcs 0.11 (`pcs resource move CLONE NODE --promoted`): pcs places a
 * temporary location constraint, waits until the cluster has settled, and removes it again.
 * (`crm_resource --move --promoted` on Pacemaker 2.1.5 bans the current Promoted node instead,
 * and a second move without `--clear` leaves both nodes banned: nothing Promoted.)
 */
export async function switchover(lab: VmLab, from: VmNode, to: VmNode, waitS = 600): Promise<void> {
  await lab.mustSsh(from, ['pcs', 'resource', 'move', CLONE, to, '--promoted', `--wait=${waitS}`], (waitS + 120) * 1000);
}

/** The vars the guests were provisioned with (vagrant/vm.vars.json), with `edit` applied. */
export function vmVars(repo: string, edit: (v: StackVars) => void = () => {}): StackVars {
  const raw = JSON.parse(readFileSync(join(repo, 'vagrant', 'vm.vars.json'), 'utf8')) as StackVars;
  edit(raw);
  return validateVars(raw, 'vagrant/vm.vars.json');
}

/**
 * Replaces the CIB configuration with the templates rendered from `vars` (rendered on the host,
 * loaded on node `n` with cibadmin): how the DRBD agent is swapped with one variable.
 */
export async function loadCib(lab: VmLab, n: VmNode, vars: StackVars): Promise<void> {
  const { configuration } = renderCib(vars, { variant: 'cold' });
  const file = '/usr/local/lib/ocfkit/etc/cib-configuration.xml';
  await lab.mustSsh(n, ['mkdir', '-p', '/usr/local/lib/ocfkit/etc'], 60_000);
  await writeRemote(lab, n, file, configuration);
  await lab.mustSsh(n, ['cibadmin', '--replace', '--scope', 'configuration', '--xml-file', file], 120_000);
}

/** The agent (`ocf:<provider>:drbd`) the CIB runs the clone with. */
export async function drbdAgent(lab: VmLab, n: VmNode): Promise<string | null> {
  const r = await lab.sshTo(n, ['cibadmin', '--query', '--xpath', "//primitive[@id='drbd-data']"], 60_000);
  const m = /provider="([^"]+)"\s+type="([^"]+)"/.exec(r.stdout) ?? /type="([^"]+)"[^>]*provider="([^"]+)"/.exec(r.stdout);
  return m ? `ocf:${m[1]}:${m[2]}` : null;
}

/** `ocfkit status --json` on the node (slow guests: a generous --timeout). */
export async function statusJson(lab: VmLab, n: VmNode, timeoutS = 60): Promise<{ exitCode: number | null; report: StatusDoc | null; stderr: string }> {
  const r = await lab.sshTo(n, ['ocfkit', 'status', '--json', '--timeout', String(timeoutS)], (timeoutS + 60) * 1000);
  try {
    return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as StatusDoc, stderr: r.stderr };
  } catch {
    return { exitCode: r.exitCode, report: null, stderr: r.stderr || r.stdout.slice(0, 300) };
  }
}

/** The parts of ocfkit-status/1 the drills read. */
export interface StatusDoc {
  verdict: { state: string; reason: string; reasons: string[] };
  headline?: string;
  failover: FailoverReport | null;
  drbd: Array<{ name: string; splitBrain: { suspected: boolean; evidence: string[] }; problems: string[] }>;
  [k: string]: unknown;
}

/** The takeover's steps as `name: +start..+end s` relative to `zeroMs` (the kill, host clock). */
export function timeline(f: FailoverReport | null, zeroMs: number): Array<{ step: string; node: string | null; state: string; startS: number | null; endS: number | null; durationS: number | null }> {
  if (!f) return [];
  const rel = (iso: string | null): number | null => (iso ? Math.round((Date.parse(iso) - zeroMs) / 100) / 10 : null);
  return f.steps.map((s) => ({ step: `${s.kind} ${s.name}`, node: s.node, state: s.state, startS: rel(s.startedAt), endS: rel(s.endedAt), durationS: s.durationMs === null ? null : Math.round(s.durationMs / 100) / 10 }));
}

/** The exit reasons Pacemaker recorded for the drbd-data operations (the CIB's status section, through lib/cluster). */
export async function drbdExitReasons(lab: VmLab, n: VmNode): Promise<string[]> {
  const r = await lab.sshTo(n, ['cibadmin', '--query'], 60_000);
  if (r.failed) return [];
  return parseCibXml(r.stdout)
    .status.flatMap((node) => node.resources)
    .filter((res) => res.id === 'drbd-data')
    .flatMap((res) => res.ops.map((op) => op.exitReason))
    .filter((x): x is string => x !== null);
}

/** A transient node attribute's value (null when not set). */
export async function nodeAttr(lab: VmLab, on: VmNode, node: VmNode, name: string): Promise<string | null> {
  const r = await lab.sshTo(on, ['crm_attribute', '--node', node, '--name', name, '--lifetime', 'reboot', '--query', '--quiet'], 60_000);
  const v = r.stdout.trim();
  return r.failed || v === '' ? null : v;
}

/**
 * The guest clock minus the host clock, in ms (`date +%s%N` over ssh, the host's time taken
 * halfway through the call; `±` is half the call's length). Emulated guests drift: the timeline
 * of a guest is put on the host's clock with it.
 */
export async function clockOffset(lab: VmLab, n: VmNode): Promise<{ offsetMs: number; plusMinusMs: number } | null> {
  const before = Date.now();
  const r = await lab.sshTo(n, ['date', '+%s%N'], 30_000);
  const after = Date.now();
  const ns = /^\d{19}$/.test(r.stdout.trim()) ? BigInt(r.stdout.trim()) : null;
  if (r.failed || ns === null) return null;
  return { offsetMs: Number(ns / 1_000_000n) - (before + after) / 2, plusMinusMs: (after - before) / 2 };
}
