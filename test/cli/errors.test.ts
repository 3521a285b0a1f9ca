/**
 * Usage mistakes and failures of the built CLI: an exit code that says so, one line on stderr
 * that names the mistake and where to read more, never the top-level help in place of an error,
 * never a stack.
 */
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLEAN_PATH, ROOT, spawnClean } from '../helpers/agent.ts';

const CLI = join(ROOT, 'dist', 'cli', 'ocfkit.mjs');

function ocfkit(args: string[], options: { asNobody?: boolean } = {}) {
  // `env -i`: the test runner's NODE_OPTIONS hooks would otherwise write into .tap (as nobody, they cannot)
  const argv = [process.execPath, CLI, ...args];
  const r = options.asNobody
    ? spawnClean('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...argv], { PATH: CLEAN_PATH }, 30_000)
    : spawnClean(argv[0]!, argv.slice(1), { PATH: CLEAN_PATH }, 30_000);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exactly one line on stderr, no stack frame, and nothing on stdout. */
function oneLineError(t: Test, r: ReturnType<typeof ocfkit>, pattern: RegExp, code = 2): void {
  t.equal(r.code, code, `exit ${code}`);
  t.equal(r.stdout, '', 'nothing on stdout (no help printed in place of the error)');
  t.match(r.stderr, /^ocfkit: [^\n]+\n$/, 'one line on stderr');
  t.match(r.stderr, pattern);
  t.notMatch(r.stderr, /\n\s+at |unexpected error/, 'no stack, no "unexpected error"');
}

t.test('an unknown command is an error, with or without --help', async (t) => {
  for (const args of [['up', '--help'], ['bogus', '--help'], ['bogus'], ['bogus', '-h']]) {
    const r = ocfkit(args);
    oneLineError(t, r, new RegExp(`unknown command '${args[0]}'.*run 'ocfkit --help'`));
  }
  t.match(ocfkit(['up', '--help']).stderr, /did you mean 'ocfkit lab up'\?/, 'up is a lab command');
  t.match(ocfkit(['stauts']).stderr, /did you mean 'ocfkit status'\?/, 'status is a top-level command now');
  const help = ocfkit(['status', '--help']);
  t.equal(help.code, 0, 'ocfkit status --help is help, not an unknown command');
  t.match(help.stdout, /--watch/);
  t.match(ocfkit(['prase', 'crm-mon']).stderr, /did you mean 'ocfkit parse'\?/);
});

t.test('an unknown subcommand names its parent and the parent\'s help', async (t) => {
  oneLineError(t, ocfkit(['lab', 'bogus', '--help']), /unknown lab command 'bogus'.*run 'ocfkit lab --help'/);
  oneLineError(t, ocfkit(['lab', '--name', 'ocfkit-clierr', 'bogus']), /unknown lab command 'bogus'/);
  oneLineError(t, ocfkit(['lab', 'stauts']), /did you mean 'ocfkit lab status'\?/);
  oneLineError(t, ocfkit(['parse', 'bogus', '-']), /unknown parse command 'bogus'.*run 'ocfkit parse --help'/);
});

t.test('help for known commands still works and exits 0', async (t) => {
  const top = ocfkit(['--help']);
  t.equal(top.code, 0);
  t.match(top.stdout, /ocfkit lab <command>/);
  const up = ocfkit(['lab', 'up', '--help']);
  t.equal(up.code, 0);
  t.match(up.stdout, /--wait/);
  t.match(up.stdout, /--nodes/);
  t.equal(ocfkit(['parse', 'crm-mon', '--help']).code, 0);
});

t.test('--version prints the version from package.json', async (t) => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const r = ocfkit(['--version']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, `${version}\n`);
});

t.test('a bad number says what was expected and what was given', async (t) => {
  // --name: if this ever got past validation it would touch only a throw-away lab name
  oneLineError(t, ocfkit(['lab', 'up', '--name', 'ocfkit-clierr', '--nodes', 'abc']), /--nodes: expected 1 or 2, got 'abc'.*run 'ocfkit lab up --help'/);
  oneLineError(t, ocfkit(['lab', 'up', '--name', 'ocfkit-clierr', '--nodes', '3']), /--nodes: expected 1 or 2, got 3/);
  oneLineError(t, ocfkit(['lab', 'up', '--name', 'ocfkit-clierr', '--token', '1.5']), /--token: expected a whole number from 100 to 60000 \(ms\), got '1\.5'/);
  oneLineError(t, ocfkit(['lab', 'down', '--name', 'ocfkit-clierr', '--wait', 'soon']), /--wait: expected a whole number ≥ 0 \(seconds\), got 'soon'/);
  oneLineError(t, ocfkit(['lab', 'exec', '--name', 'ocfkit-clierr', '--timeout', '0', 'node1', 'true']), /--timeout: expected a whole number ≥ 1 \(seconds\), got 0/);
});

t.test('install --from a folder that does not exist: one line, no errno dump', async (t) => {
  const r = ocfkit(['install', '--from', '/nonexistent', '--prefix', '/tmp/ocfkit-clierr-prefix']);
  oneLineError(t, r, /--from \/nonexistent: no such directory/);
  t.notMatch(r.stderr, /scandir|ENOENT/);
});

t.test('other usage errors are one line too', async (t) => {
  oneLineError(t, ocfkit([]), /name a command \(run 'ocfkit --help'\)/);
  oneLineError(t, ocfkit(['lab', 'up', '--name', 'ocfkit-clierr', '--bogus-flag']), /Unknown arguments?: bogus-flag/);
  oneLineError(t, ocfkit(['lab', 'kill', '--name', 'ocfkit-clierr', 'node3']), /node3.*run 'ocfkit lab kill --help'/);
});

t.test('every lab subcommand checks for root, through the one wrapper', { skip: process.getuid?.() !== 0 ? 'needs root to switch to nobody' : false }, async (t) => {
  for (const args of [['up'], ['down'], ['status'], ['exec', 'node1', 'true'], ['kill', 'node1'], ['stop', 'node1'], ['start', 'node1'], ['net', 'node1', 'down'], ['demo']]) {
    const r = ocfkit(['lab', ...args, '--name', 'ocfkit-clierr'], { asNobody: true });
    oneLineError(t, r, /the lab needs root/, 4);
  }
});
