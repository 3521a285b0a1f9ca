/**
 * Test helpers for the DRBD simulator (test double): two simulated nodes on the host (loopback
 * addresses, own state folders), and the comparison of outputs with the drbd-vm captures through
 * drbd-status-parser.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, factsFor, type DrbdStatus } from 'drbd-status-parser';

export const SIM_BIN = resolve(import.meta.dirname, 'bin');
export const FIXTURES = resolve(import.meta.dirname, '../../../shared/fixtures/drbd-vm');

export interface Run {
  rc: number;
  stdout: string;
  stderr: string;
}

export function runCmd(argv: string[], env: Record<string, string>, timeoutMs = 15_000): Promise<Run> {
  return new Promise((res) => {
    execFile(argv[0]!, argv.slice(1), { env, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const rc = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 124) : 0;
      res({ rc, stdout, stderr });
    });
  });
}

export function resourceFile(name: string, a: { host: string; ip: string }, b: { host: string; ip: string }, port = 7789, extra = ''): string {
  return [
    `resource ${name} {`,
    '  protocol C;',
    '  disk { c-plan-ahead 0; resync-rate 8M; }',
    extra,
    `  on ${a.host} { device /dev/drbd0; disk /dev/vdb; address ${a.ip}:${port}; meta-disk internal; }`,
    `  on ${b.host} { device /dev/drbd0; disk /dev/vdb; address ${b.ip}:${port}; meta-disk internal; }`,
    '}',
    '',
  ].join('\n');
}

/** A simulated node on the host: its own hostname, metadata and runtime folders. */
export class HostNode {
  constructor(
    readonly name: string,
    readonly root: string,
    readonly conf: string,
    readonly knobs: Record<string, string> = {},
  ) {
    mkdirSync(this.root, { recursive: true });
  }
  get env(): Record<string, string> {
    return {
      PATH: `${SIM_BIN}:/usr/sbin:/usr/bin:/sbin:/bin`,
      LANG: 'C.UTF-8',
      DRBD_SIM_HOSTNAME: this.name,
      DRBD_SIM_STATE_DIR: join(this.root, 'md'),
      DRBD_SIM_RUN_DIR: join(this.root, 'run'),
      DRBD_SIM_CONF: this.conf,
      ...this.knobs,
    };
  }
  run(...argv: string[]): Promise<Run> {
    return runCmd(argv, this.env);
  }
  async must(...argv: string[]): Promise<Run> {
    const r = await this.run(...argv);
    if (r.rc !== 0) throw new Error(`${this.name}: ${argv.join(' ')} → rc ${r.rc}: ${r.stderr}`);
    return r;
  }
  /** The daemon's pid (the simulated kernel module), or null when the resource is not up. */
  daemonPid(res = 'r0'): number | null {
    try {
      return JSON.parse(readFileSync(join(this.root, 'run', `${res}.state.json`), 'utf8')).pid as number;
    } catch {
      return null;
    }
  }
  /** Power cut: the module dies with no goodbye (SIGKILL). */
  kill(res = 'r0'): void {
    const pid = this.daemonPid(res);
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  /** Reboot: the runtime folder is gone (like the node's /run); the metadata stays. */
  reboot(): void {
    this.kill();
    rmSync(join(this.root, 'run'), { recursive: true, force: true });
  }
  async cleanup(): Promise<void> {
    await this.run('drbdadm', 'down', 'r0');
    this.kill();
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A TCP port per test process, so that concurrent runs on the host do not meet. */
export const HOST_PORT = 20000 + (process.pid % 20000);

export function twoHostNodes(dir: string, knobs: Record<string, string> = {}, extra = ''): [HostNode, HostNode] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'drbd.d'), { recursive: true });
  const conf = join(dir, 'drbd.conf');
  writeFileSync(conf, '# simulator test config\ninclude "drbd.d/*.res";\n');
  writeFileSync(join(dir, 'drbd.d', 'r0.res'), resourceFile('r0', { host: 'node1', ip: '127.0.0.2' }, { host: 'node2', ip: '127.0.0.3' }, HOST_PORT, extra));
  return [new HostNode('node1', join(dir, 'node1'), conf, knobs), new HostNode('node2', join(dir, 'node2'), conf, knobs)];
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The commands whose output is compared, with the capture file names. */
export const COMPARED: { file: string; argv: string[] }[] = [
  { file: 'drbdadm-status', argv: ['drbdadm', 'status', 'r0'] },
  { file: 'drbdsetup-status-verbose-statistics', argv: ['drbdsetup', 'status', 'r0', '--verbose', '--statistics'] },
  { file: 'drbdsetup-events2-now', argv: ['drbdsetup', 'events2', '--now', 'r0'] },
  { file: 'drbdsetup-events2-now-statistics', argv: ['drbdsetup', 'events2', '--now', '--statistics', 'r0'] },
  { file: 'drbdadm-role', argv: ['drbdadm', 'role', 'r0'] },
  { file: 'drbdadm-cstate', argv: ['drbdadm', 'cstate', 'r0'] },
  { file: 'drbdadm-dstate', argv: ['drbdadm', 'dstate', 'r0'] },
];

/**
 * Volatile numbers left out of the comparison: I/O counters (`stats` of volumes and peer volumes:
 * read, written, al-writes, bm-writes, received, sent, pending, unacked), out-of-sync KiB, the
 * sync percentages (`percentInSync`, `resyncDone`, `sync`, facts.sync[].percent), and the KiB
 * number in the split-brain evidence line about out-of-sync data (the line itself is compared).
 */
export function stable(doc: DrbdStatus): unknown {
  return {
    format: doc.format,
    generation: doc.generation,
    warnings: doc.warnings,
    resources: doc.resources.map((r) => {
      const f = factsFor(r);
      return {
        ...r,
        volumes: r.volumes.map((v) => ({ ...v, stats: undefined })),
        connections: r.connections.map((c) => ({
          ...c,
          stats: undefined,
          volumes: c.volumes.map((pv) => ({ ...pv, stats: undefined, percentInSync: undefined, resyncDone: undefined, outOfSyncKiB: undefined, sync: undefined })),
        })),
        facts: {
          ...f,
          sync: f.sync.map((s) => ({ ...s, percent: undefined })),
          splitBrainEvidence: f.splitBrainEvidence.map((e) => e.replace(/\d+ KiB/, 'N KiB')),
        },
      };
    }),
  };
}

export function capture(state: string, node: string, file: string): Run | null {
  const dir = join(FIXTURES, state, node);
  if (!existsSync(join(dir, `${file}.rc`))) return null;
  const read = (ext: string): string => {
    try {
      return readFileSync(join(dir, `${file}${ext}`), 'utf8');
    } catch {
      return '';
    }
  };
  return { rc: Number(read('.rc').trim()), stdout: read('.txt'), stderr: read('.stderr') };
}

/** The parsed, volatile-free model of an output (short formats need their name). */
export function model(file: string, text: string): unknown {
  const format = file === 'drbdadm-role' ? 'short-role' : file === 'drbdadm-cstate' ? 'short-cstate' : file === 'drbdadm-dstate' ? 'short-dstate' : undefined;
  return stable(parse(text, format ? { format, resource: 'r0' } : {}));
}
