import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deadline } from '../../lib/exec/deadline.ts';
import { acquireLock, readHolder } from '../../lib/fs/lock.ts';
import { scratch } from '../helpers/agent.ts';

t.test('the lock is exclusive while held, names its holder, and is released after', async (t) => {
  const path = join(scratch('lock'), 'rsc.lock');
  const first = await acquireLock(path, 'start', Deadline.after(1000));
  t.ok('release' in first);
  t.match(readHolder(path), { pid: process.pid, what: 'start' }, 'it records pid and action');
  // a second open file description is a second holder, even in the same process
  let told = 0;
  const began = performance.now();
  const second = await acquireLock(path, 'stop', Deadline.after(300), () => told++);
  t.match(second, { busy: { pid: process.pid, what: 'start' } }, 'busy, naming the holder');
  t.ok(performance.now() - began >= 250, 'after waiting until the deadline');
  t.equal(told, 1, 'the waiter is told once whom it waits for');
  if ('release' in first) first.release();
  t.notOk(existsSync(path), 'released: the file is gone');
  const third = await acquireLock(path, 'stop', Deadline.after(200));
  t.ok('release' in third);
  if ('release' in third) third.release();
});

t.test('a lock file left by a holder that died is no obstacle', async (t) => {
  const path = join(scratch('lock-stale'), 'gone.lock');
  const dead = spawn('true');
  await new Promise((r) => dead.once('exit', r));
  writeFileSync(path, JSON.stringify({ pid: dead.pid, what: 'start', argv: 'x', since: 'then' }) + '\n');
  const got = await acquireLock(path, 'start', Deadline.after(0));
  t.ok('release' in got, 'taken at once: the kernel lock died with its holder');
  if ('release' in got) got.release();
});

t.test('a waiter gets the lock when the holder releases it', async (t) => {
  const path = join(scratch('lock-wait'), 'rsc.lock');
  const first = await acquireLock(path, 'start', Deadline.after(1000));
  setTimeout(() => 'release' in first && first.release(), 300);
  const second = await acquireLock(path, 'stop', Deadline.after(5000));
  t.ok('release' in second, 'the second got it after the first let go');
  if ('release' in second) second.release();
});
