import t from 'tap';
import { run, describe, outcome } from '../../lib/exec/run.ts';
import { Deadline } from '../../lib/exec/deadline.ts';
import { createLogger } from '../../lib/log/logger.ts';

const lines: string[] = [];
const log = createLogger({ name: 'test', sink: (l) => lines.push(l), level: 'debug' });

t.test('argument arrays reach the command unparsed', async (t) => {
  const r = await run('printf', ['%s|', 'a b', '$HOME', '"q"', ';ls'], { log });
  t.equal(r.exitCode, 0);
  t.equal(r.stdout, 'a b|$HOME|"q"|;ls|');
  t.equal(r.failed, false);
  t.equal(r.timedOut, false);
  t.ok(r.durationMs >= 0);
});

t.test('a non-zero exit is a failed result, not an exception', async (t) => {
  const r = await run('sh', ['-c', 'echo oops >&2; exit 3'], { log });
  t.equal(r.exitCode, 3);
  t.equal(r.failed, true);
  t.equal(r.stderr, 'oops\n');
  t.equal(outcome(r), 'exit 3: oops');
});

t.test('a missing command is reported as a spawn error', async (t) => {
  const r = await run('/nonexistent/ocfkit-no-such-tool', [], { log });
  t.equal(r.spawnError, 'ENOENT');
  t.equal(r.exitCode, null);
  t.equal(r.failed, true);
  t.match(outcome(r), /could not start \(ENOENT\)/);
});

t.test('the deadline kills the whole process group', async (t) => {
  const marker = `98${process.pid % 1000}.25`;
  const r = await run('sh', ['-c', `sleep ${marker} & sleep ${marker}; true`], { log, deadline: Deadline.after(300), killGraceMs: 200 });
  t.equal(r.timedOut, true);
  t.equal(r.failed, true);
  t.ok(r.durationMs >= 250 && r.durationMs < 5000, `took ${r.durationMs} ms`);
  const before = await run('ps', ['-eo', 'args']);
  t.notMatch(before.stdout, `sleep ${marker}`, 'no child left behind');
});

t.test('an expired deadline runs nothing', async (t) => {
  const r = await run('true', [], { deadline: Deadline.after(-1) });
  t.equal(r.timedOut, true);
  t.equal(r.exitCode, null);
});

t.test('timeoutMs caps a longer deadline', async (t) => {
  const r = await run('sleep', ['5'], { deadline: Deadline.after(60_000), timeoutMs: 200 });
  t.equal(r.timedOut, true);
});

t.test('stdin input and environment', async (t) => {
  const r = await run('sh', ['-c', 'cat; printf "%s" "$X"'], { input: 'in-', env: { X: 'env' } });
  t.equal(r.stdout, 'in-env');
  const clean = await run('/usr/bin/env', [], { env: { ONLY: '1' }, replaceEnv: true });
  // tap's process tracker adds its own variables to every child; ours must be there, HOME not
  t.match(clean.stdout, /^ONLY=1$/m);
  t.notMatch(clean.stdout, /^HOME=/m);
});

t.test('every call is logged with its command line', async (t) => {
  t.ok(lines.some((l) => l.startsWith('test debug: command done cmd=') && l.includes('\\"a b\\"')), lines.join('\n'));
  t.ok(lines.some((l) => /command exit 3: oops/.test(l)));
  t.equal(describe({ command: 'a', args: ['b c', 'd'] }), 'a "b c" d');
});
