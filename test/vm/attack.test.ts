/**
 * `ocfkit lab vm` under hostile input, without booting a VM: crafted pid files and caches,
 * another cache's qemus, quoting for the remote shell, CLI values and the lab lock. A "qemu" here
 * is a real Node process started with argv[0] `qemu-system-x86_64` (what /proc/<pid>/cmdline shows).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sshArgs } from '../../lib/vm/ssh.ts';
import { acquireLock } from '../../lib/fs/lock.ts';
import { Deadline } from '../../lib/exec/deadline.ts';
import { exited, fakeQemu, labIn, live, repo, settle, tempDir } from './fixtures/fake-qemu.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

t.test('kill: a pid file naming a process that is not our qemu signals nothing', async (t) => {
  const cache = tempDir(t);
  const lab = labIn(cache);
  const pidFile = lab.paths.node('node1').pid;
  mkdirSync(lab.paths.run, { recursive: true });
  writeFileSync(pidFile, '0\n');
  // An operator watching the pid file: its command line names the file, but it is no qemu.
  const tail = live(t, 'tail', ['-f', pidFile]);
  writeFileSync(pidFile, `${tail.pid}\n`);
  await settle();
  t.equal(lab.pidOf('node1'), null, 'tail -f <pid file> is not the node');
  t.equal(await lab.kill('node1'), false, 'nothing to kill');
  t.notOk(await exited(tail, 300), 'the tail is still running');

  for (const garbage of ['1', '-5', '99999999999999999999', 'abc', '', `${process.pid}`]) {
    writeFileSync(pidFile, `${garbage}\n`);
    t.equal(lab.pidOf('node1'), null, `pid file '${garbage}'`);
  }

  // The real thing: a qemu started with `-pidfile <this pid file>` is found and killed.
  const qemu = fakeQemu(t, ['-name', 'ocfkit-vm-node1', '-pidfile', pidFile]);
  writeFileSync(pidFile, `${qemu.pid}\n`);
  await settle();
  t.equal(lab.pidOf('node1'), qemu.pid, 'our qemu is found by its pid file');
  t.equal(await lab.kill('node1'), true);
  t.ok(await exited(qemu, 5000), 'and killed');
});

t.test("down: another cache's qemus are never strays of this one", async (t) => {
  const dir = tempDir(t);
  const lab = labIn(join(dir, 'vm'));
  // The other cache's path contains this one's (`--cache /cache/ocfkit/vm` and the default
  // /var/cache/ocfkit/vm): a plain substring test took its qemus for ours and `down` killed them.
  const other = labIn(join(dir, 'nested', dir, 'vm'));
  t.ok(other.paths.node('node1').pid.includes(`${lab.paths.run}/`), 'the trap is set');
  const theirs = fakeQemu(t, ['-pidfile', other.paths.node('node1').pid, '-drive', `if=none,id=root,file=${other.paths.node('node1').root},format=qcow2`]);
  const ours = fakeQemu(t, ['-drive', `if=none,id=root,file=${lab.paths.node('node1').root},format=qcow2`, '-monitor', `unix:${lab.paths.node('node1').monitor},server,nowait`]);
  await settle();
  const strays = lab.strayQemus();
  t.notOk(strays.includes(theirs.pid!), "the other lab's qemu is not ours");
  t.ok(strays.includes(ours.pid!), 'a qemu using our run directory is (no pid file left: killed by down)');
  const d = await lab.down();
  t.equal(d.strays, 1);
  t.ok(await exited(ours, 5000), 'ours killed');
  t.ok(alive(theirs.pid!), 'theirs still running');
});

t.test('a relative cache means the same directory from anywhere (made absolute)', async (t) => {
  const lab = labIn('ocfkit-vm-attack-relative');
  t.equal(lab.paths.cache, join(process.cwd(), 'ocfkit-vm-attack-relative'));
  t.ok(lab.paths.node('node1').pid.startsWith('/'), 'pid files are absolute, as qemu got them');
});

t.test('the cache: a file, or writable by others, is refused with one line', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'file'), 'x');
  t.throws(() => labIn(join(dir, 'file')), { name: 'VmError', message: /not a directory/ });
  const open = join(dir, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  t.throws(() => labIn(open), { name: 'VmError', message: /writable by others \(mode 777\)/ });
  chmodSync(open, 0o775);
  t.throws(() => labIn(open), { name: 'VmError', message: /writable by others/ }, 'group-writable too');
  chmodSync(open, 0o700);
  t.doesNotThrow(() => labIn(open));
  t.doesNotThrow(() => labIn(join(dir, 'not-yet')), 'a cache that does not exist yet is made 0700 later');
});

t.test('state.json with hostile values is not believed', async (t) => {
  const cache = tempDir(t);
  mkdirSync(join(cache, 'run'));
  const state = join(cache, 'run', 'state.json');
  for (const bad of ['{"portBase":"400","memoryMb":1536}', '{"portBase":-3,"memoryMb":1536}', '{"portBase":22200,"memoryMb":1e300}', '[]', '7', 'null', '{']) {
    writeFileSync(state, bad);
    const lab = labIn(cache);
    t.equal(lab.state(), null, bad);
    t.equal(lab.node('node1').sshPort, 22201, `${bad}: default ports`);
    t.equal(typeof lab.memoryMb, 'number');
  }
  writeFileSync(state, '{"startedAt":"x","portBase":30000,"memoryMb":1024}');
  t.equal(labIn(cache).node('node2').sshPort, 30002, 'a good state file is used');
});

t.test('exec: each argument reaches the remote shell (sh and bash) as one word', async (t) => {
  const words = ['a b', "it's", '$(touch /tmp/ocfkit-vm-attack-pwned)', '`id`', 'x;y', 'new\nline', '', '*', '~', '#c', 'A=1', '-n', '%1', '\\', '"q"', 'if'];
  for (const shell of ['sh', 'bash']) {
    const line = sshArgs('/k', 1, ['printf', '%s\\0', ...words]).at(-1)!;
    const r = spawnSync(shell, ['-c', line], { encoding: 'utf8' });
    t.same(r.stdout.split('\0').slice(0, -1), words, `${shell}: printf sees the words unchanged`);
    // In command position an assignment or a keyword would be the shell's, not a command.
    for (const first of ['A=1', 'if', 'done', 'coproc']) {
      const c = spawnSync(shell, ['-c', sshArgs('/k', 1, [first, 'true']).at(-1)!], { encoding: 'utf8' });
      t.equal(c.status, 127, `${shell}: '${first} true' runs a command named '${first}' (not found: 127)`);
    }
  }
});

const cli = (args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/bin.ts', 'lab', 'vm', ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });

t.test('exec --timeout past what a timer holds is refused, not an instant time-out', async (t) => {
  const cache = tempDir(t);
  const r = cli(['exec', 'node1', '--cache', cache, '--timeout', '2147484', 'true']);
  t.equal(r.status, 2, 'usage error');
  t.match(r.stderr, /--timeout: expected a whole number from 1 to 604800/);
  t.notMatch(r.stderr, /\n\s+at /, 'no stack');
});

t.test('start runs under the lab lock: a holder (a down, say) is named, exit 75', { skip: process.getuid?.() !== 0 && 'the VM lab CLI is root only' }, async (t) => {
  const cache = tempDir(t);
  const lock = await acquireLock(join(cache, 'lab.lock'), 'lab vm down', Deadline.after(0));
  if (!('release' in lock)) throw new Error('could not take the lock');
  t.teardown(lock.release);
  const r = cli(['start', 'node1', '--cache', cache]);
  t.equal(r.status, 75, 'busy');
  t.match(r.stderr, new RegExp(`busy: pid ${process.pid} has been running 'lab vm down'`));
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
});
