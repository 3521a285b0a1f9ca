/**
 * Several `ocfkit lab up|down` of one lab at once, with the built CLI (dist/cli/ocfkit.mjs):
 * while one `up` builds the lab, `--wait 0` refuses naming its pid, a plain second `up` waits
 * and then finds the lab up, and the lab is intact afterwards (its node Online, nothing torn
 * down under the first). Without the lock, the second `up` tore the first's lab down.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { labPaths, readHolder } from '../../lib/lab/index.ts';
import { CLEAN_PATH, ROOT } from '../helpers/agent.ts';
import { assertNothingLeft, cannotRun, withCleanLab } from './fixtures/harness.ts';

const NAME = 'ocfkit-lock1';
const CLI = join(ROOT, 'dist', 'cli', 'ocfkit.mjs');
const EXIT_LAB_BUSY = 75;

interface Running {
  pid: number;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  finished: () => boolean;
  /** stderr so far. */
  stderr: () => string;
}

/** The built CLI in a clean environment (`env -i` execs node: the pid is the CLI's). */
function ocfkit(args: string[]): Running {
  const child = spawn('/usr/bin/env', ['-i', `PATH=${CLEAN_PATH}`, process.execPath, CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let finished = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      finished = true;
      resolve({ code, stdout, stderr });
    });
  });
  return { pid: child.pid!, done, finished: () => finished, stderr: () => stderr };
}

async function until<T>(probe: () => T | null | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('concurrent lab up/down on one lab: one builds, the others refuse or wait, the lab stays intact', { skip: cannotRun() ?? false }, async (t) => {
  await withCleanLab(t, NAME);
  const lockFile = labPaths(NAME).lockFile;

  const first = ocfkit(['lab', 'up', '--name', NAME, '--nodes', '1']);
  await until(() => readHolder(lockFile)?.pid === first.pid, 'the first up to hold the lab');
  // The plain second up goes first, while the first has most of its build ahead of it: it only
  // waits (holds nothing), so the refusals below still name the first.
  const second = ocfkit(['lab', 'up', '--name', NAME, '--nodes', '1']);

  const refusedUp = await ocfkit(['lab', 'up', '--name', NAME, '--nodes', '1', '--wait', '0']).done;
  t.equal(refusedUp.code, EXIT_LAB_BUSY, 'up --wait 0 refuses', refusedUp);
  t.match(refusedUp.stderr, new RegExp(`^ocfkit: lab '${NAME}' is busy: pid ${first.pid} has been running 'lab up' on it since [^\\n]+\\n$`), 'one line naming the holder');
  t.equal(refusedUp.stdout, '');

  const refusedDown = await ocfkit(['lab', 'down', '--name', NAME, '--wait', '0']).done;
  t.equal(refusedDown.code, EXIT_LAB_BUSY, 'down --wait 0 refuses too: nothing is torn down under the first', refusedDown);
  t.match(refusedDown.stderr, new RegExp(`pid ${first.pid}`));

  await until(() => second.finished() || /waiting up to/.test(second.stderr()), 'the second up to try the lab');
  t.notOk(first.finished(), 'the first up is still building while the others tried (else this test shows nothing)');

  const tried = Date.now();
  const [a, b] = await Promise.all([first.done.then((r) => (t.comment(`the first up finished ${Date.now() - tried} ms after the refusals, with the second already waiting`), r)), second.done]);
  t.equal(a.code, 0, 'the first up succeeds', a);
  t.match(a.stdout, new RegExp(`^lab '${NAME}' up in [\\d.]+ s: node1 `));
  t.equal(b.code, 0, 'the second up waited, then found the lab up', b);
  t.match(b.stdout, new RegExp(`^lab '${NAME}' up \\(already up\\): node1 `));
  t.match(b.stderr, new RegExp(`lab '${NAME}' is busy: pid ${first.pid} has been running 'lab up'.*waiting up to \\d+ s`), 'it said whom it waited for');

  const status = await ocfkit(['lab', 'status', '--name', NAME, '--json']).done;
  t.equal(status.code, 0, 'the lab is healthy afterwards', status);
  const s = JSON.parse(status.stdout) as { healthy: boolean; nodes: { node: string; view: { nodes: { name: string; online: boolean }[] } | null }[] };
  t.ok(s.healthy);
  t.same(
    s.nodes.map((n) => ({ node: n.node, online: n.view?.nodes.filter((x) => x.online).map((x) => x.name) })),
    [{ node: 'node1', online: ['node1'] }],
    'node1 is still Online',
  );
  t.notOk(existsSync(lockFile), 'no lock file left once nobody holds the lab');

  const down = await ocfkit(['lab', 'down', '--name', NAME]).done;
  t.equal(down.code, 0, 'down', down);
  t.match(down.stdout, new RegExp(`^lab '${NAME}' down in`));
  assertNothingLeft(t, NAME);
  t.notOk(existsSync(lockFile), 'no lock file left after down');
});
