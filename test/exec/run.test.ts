import t from 'tap';
import { run, describe, outcome, killSchedule } from '../../lib/exec/run.ts';
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
  // SIGTERM comes a grace before the deadline (here a quarter of it), SIGKILL at the deadline
  t.ok(r.durationMs >= 200 && r.durationMs < 5000, `took ${r.durationMs} ms`);
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

t.test('the result comes when the command exits, not when a daemon it left lets go of its pipes', async (t) => {
  const marker = `97${process.pid % 1000}.25`;
  const began = performance.now();
  // the background sleep keeps stdout and stderr open for minutes
  const r = await run('sh', ['-c', `setsid sleep ${marker} & echo started`], { log, deadline: Deadline.after(20_000) });
  const took = performance.now() - began;
  t.equal(r.exitCode, 0);
  t.equal(r.stdout, 'started\n', 'what it wrote before exiting is kept');
  t.ok(took < 10_000, `returned after ${Math.round(took)} ms`);
  t.ok(r.pid && r.pid > 1, 'the result names the pid (and process group) it ran as');
  await run('pkill', ['-f', `sleep ${marker}`]);
});

t.test('SIGTERM, the grace and SIGKILL all fit inside the deadline', async (t) => {
  const four = killSchedule({ deadline: Deadline.after(4000) });
  t.ok(four.termMs > 2950 && four.termMs <= 3000 && Math.round(four.killMs - four.termMs) === 1000, `a 1 s grace taken out of the deadline: ${JSON.stringify(four)}`);
  const tight = killSchedule({ deadline: Deadline.after(400) });
  t.ok(tight.killMs <= 400 && tight.termMs < tight.killMs, `tight deadline: ${JSON.stringify(tight)}`);
  t.same(killSchedule({ deadline: Deadline.after(60_000), timeoutMs: 2000 }), { termMs: 2000, killMs: 3000 }, 'a cap well inside the deadline');

  // a command that ignores SIGTERM still ends by the deadline
  const began = performance.now();
  const r = await run('sh', ['-c', "trap '' TERM; sleep 30 & wait; sleep 30"], { log, deadline: Deadline.after(1500) });
  const took = performance.now() - began;
  t.equal(r.timedOut, true);
  t.ok(took < 1500 + 600, `ended ${Math.round(took)} ms after start for a 1500 ms deadline`);
});

t.test('deadlines run on a monotonic clock: a wall-clock step does not move them', async (t) => {
  const realNow = Date.now;
  const d = Deadline.after(5000);
  try {
    Date.now = () => realNow() + 3_600_000; // the wall clock jumps an hour ahead
    t.ok(d.remaining() > 4000, `remaining ${Math.round(d.remaining())} ms after the jump`);
    Date.now = () => realNow() - 3_600_000; // and an hour back
    t.ok(d.remaining() <= 5000, 'never more than was given');
  } finally {
    Date.now = realNow;
  }
});

t.test('a cap longer than a timer can hold is no cap, not an instant time-out', async (t) => {
  // Node fires a setTimeout above 2^31-1 ms at once (TimeoutOverflowWarning).
  const r = await run('sleep', ['0.3'], { timeoutMs: 2 ** 31 + 5 });
  t.equal(r.timedOut, false);
  t.equal(r.exitCode, 0);
});
