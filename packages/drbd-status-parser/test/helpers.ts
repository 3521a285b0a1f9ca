import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import type { DrbdStatus } from '../src/index.ts';

export const TEST_DIR = dirname(fileURLToPath(import.meta.url));
export const PKG_DIR = dirname(TEST_DIR);
export const FIXTURES = join(TEST_DIR, 'fixtures');

/**
 * Golden snapshots: one committed JSON file per test file under tap-snapshots/, keyed by fixture.
 * (tap's matchSnapshot keys entries by the test path relative to the working directory, so the
 * same snapshot would not match from the package and from the repository root.)
 * TAP_SNAPSHOT=1 rewrites the file, as with tap's own snapshots.
 */
export function golden(name: string): {
  check: (t: Test, key: string, value: unknown) => void;
  save: () => void;
} {
  const file = join(PKG_DIR, 'tap-snapshots', 'test', `${name}.json`);
  const write = process.env['TAP_SNAPSHOT'] === '1';
  const stored: Record<string, unknown> = !write && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const fresh: Record<string, unknown> = {};
  return {
    check(t, key, value) {
      const plain = JSON.parse(JSON.stringify(value)) as unknown;
      if (write) {
        fresh[key] = plain;
        return;
      }
      if (!(key in stored)) t.fail(`no golden snapshot for ${key} in ${file}; run with TAP_SNAPSHOT=1`);
      else t.same(plain, stored[key], `${key} matches its golden snapshot`);
    },
    save() {
      if (!write) return;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(fresh, null, 1) + '\n');
    },
  };
}

export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Fixture text; latin1 keeps the NUL bytes and every byte as one character. */
export const read = (p: string): string => readFileSync(p, 'latin1');
export const fixture = (rel: string): string => read(join(FIXTURES, rel));
export const rel = (p: string): string => relative(FIXTURES, p);

/**
 * Cut a clitest script (`$ command` lines, output, and the `echo $?` exit code) into its outputs.
 */
export function clitestOutputs(text: string): { command: string; output: string; exit: number | null }[] {
  const out: { command: string; output: string; exit: number | null }[] = [];
  let cur: { command: string; lines: string[] } | null = null;
  const flush = (): void => {
    if (!cur) return;
    const lines = [...cur.lines];
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    let exit: number | null = null;
    if (cur.command.includes('echo $?') && lines.length && /^\d+$/.test(lines[lines.length - 1]!)) {
      exit = Number(lines.pop());
    }
    out.push({ command: cur.command, output: lines.join('\n') + '\n', exit });
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('$ ')) {
      flush();
      cur = { command: line.slice(2), lines: [] };
    } else if (cur) cur.lines.push(line);
  }
  flush();
  return out;
}

/**
 * What every format carries for one resource: roles, disk states, normalised connection and
 * replication states. StandAlone connections are left out because 8.4's `drbdadm status` does
 * not print them (tested separately).
 */
export function comparable(doc: DrbdStatus): unknown {
  return doc.resources.map((r) => ({
    role: r.role,
    disks: r.volumes.map((v) => v.disk),
    connections: r.connections
      .filter((c) => c.state !== 'StandAlone')
      .map((c) => ({
        state: c.state,
        peerRole: c.peerRole,
        volumes: c.volumes.map((p) => ({ replication: p.replication, peerDisk: p.peerDisk })),
      })),
  }));
}

// Run as a test file (tap runs every .ts under test/): check the helpers themselves.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { default: t } = await import('tap');
  t.test('clitestOutputs cuts commands, outputs and exit codes', async (t) => {
    const parts = clitestOutputs('$ a; echo $?\nx\ny\n0\n$ b\nz\n');
    t.same(parts, [
      { command: 'a; echo $?', output: 'x\ny\n', exit: 0 },
      { command: 'b', output: 'z\n', exit: null },
    ]);
  });
}
