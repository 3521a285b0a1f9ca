/**
 * `ocfkit parse … | head -1`: the reader goes away after the first line while ocfkit still has
 * hundreds of KB to write. ocfkit must end quietly (exit 0, nothing on stderr), as Unix tools do.
 * Runs the built CLI (dist/cli/ocfkit.mjs, `npm run build`) into the real `head`.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/agent.ts';

const CLI = join(ROOT, 'dist', 'cli', 'ocfkit.mjs');

/**
 * A large crm_mon document from a real capture: its two-node <nodes> section grown to `count`
 * nodes (node3…, each a copy of node2's element under a new name and id).
 */
function manyNodesCrmMon(count: number): string {
  const real = readFileSync(join(ROOT, 'test/fixtures/cluster/pcmk2.1.5-crm_mon-xml-failed-actions.xml'), 'utf8');
  const node2 = /^ *<node name="node2" id="2"[^\n]*\/>\n/m.exec(real);
  if (!node2) throw new Error('fixture changed: no node2 element');
  let extra = '';
  for (let i = 3; i <= count; i++) extra += node2[0].replace('name="node2" id="2"', `name="node${i}" id="${i}"`);
  return real.replace(node2[0], node2[0] + extra);
}

interface Piped {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  headOut: string;
}

/** `node ocfkit.mjs args… | head -1`, with no shell: ocfkit's stdout pipe is handed to head. */
function pipeIntoHead(args: string[]): Promise<Piped> {
  return new Promise((resolve, reject) => {
    const cli = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const head = spawn('head', ['-1'], { stdio: [cli.stdout, 'pipe', 'inherit'] });
    // Only head may hold the read end: when it exits, the pipe has no reader left.
    cli.stdout.destroy();
    let stderr = '';
    let headOut = '';
    cli.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    head.stdout.setEncoding('utf8').on('data', (d: string) => (headOut += d));
    const timer = setTimeout(() => {
      cli.kill('SIGKILL');
      reject(new Error('ocfkit did not end within 30 s'));
    }, 30_000);
    cli.on('error', reject);
    cli.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, headOut });
    });
  });
}

t.test('parse into a pipe closed after the first line: exit 0, nothing on stderr', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-pipe-'));
  const input = join(dir, 'crm_mon-many-nodes.xml');
  writeFileSync(input, manyNodesCrmMon(1000));
  const r = await pipeIntoHead(['parse', 'crm-mon', '--quiet', input]);
  t.equal(r.headOut, '{\n', 'head got the first line');
  t.equal(r.stderr, '', 'nothing on stderr');
  t.notMatch(r.stderr, /EPIPE|Unhandled|\n\s+at /, 'no stack trace');
  t.equal(r.signal, null);
  t.equal(r.code, 0, 'a reader that stops early is not an ocfkit failure');
});

t.test('the whole output is far larger than a pipe buffer (the test would not see EPIPE otherwise)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-pipe-'));
  const input = join(dir, 'crm_mon-many-nodes.xml');
  writeFileSync(input, manyNodesCrmMon(1000));
  const full = await new Promise<number>((resolve, reject) => {
    const cli = spawn(process.execPath, [CLI, 'parse', 'crm-mon', '--quiet', input], { stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    cli.stdout.on('data', (d: Buffer) => (bytes += d.length));
    cli.on('error', reject);
    cli.on('close', () => resolve(bytes));
  });
  t.ok(full > 4 * 65536, `${full} bytes of JSON`);
});
