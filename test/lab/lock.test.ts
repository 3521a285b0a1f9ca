/**
 * The lab lock (lib/lab/lock.ts) against a real second process: it refuses at once naming the
 * holder, waits while asked to, and a holder that is SIGKILLed leaves nothing stale behind.
 * No lab is built here (see concurrency.test.ts for two real `ocfkit lab up`).
 */
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabBusyError, readHolder, withLabLock } from '../../lib/lab/lock.ts';

const HOLDER = join(import.meta.dirname, 'fixtures', 'hold-lock.ts');

function holdInAnotherProcess(lab: string, file: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, lab, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => reject(new Error('the holder did not take the lock within 20 s')), 20_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes('held')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('error', reject);
  });
}

const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

t.test('held by another process: refuse at once naming its pid, or wait until it is gone', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ocfkit-lock-'));
  const file = join(root, 'state', 'ocfkit-lockunit.lock');
  const holder = await holdInAnotherProcess('ocfkit-lockunit', file);
  t.teardown(() => {
    holder.kill('SIGKILL');
  });
  t.equal(readHolder(file)?.pid, holder.pid, 'the lock file names its holder');

  let ran = false;
  const refused = await withLabLock('ocfkit-lockunit', file, 'lab up', { lockWaitMs: 0 }, async () => {
    ran = true;
  }).catch((e: unknown) => e);
  t.notOk(ran, 'nothing ran while another process held the lab');
  t.ok(refused instanceof LabBusyError, 'LabBusyError');
  t.equal((refused as LabBusyError).holder?.pid, holder.pid);
  t.match((refused as Error).message, new RegExp(`^lab 'ocfkit-lockunit' is busy: pid ${holder.pid} has been running 'test holder' on it since `));

  const shortWait = Date.now();
  const timedOut = await withLabLock('ocfkit-lockunit', file, 'lab up', { lockWaitMs: 700 }, async () => {}).catch((e: unknown) => e);
  t.ok(timedOut instanceof LabBusyError, 'a bounded wait ends in LabBusyError too');
  t.ok(Date.now() - shortWait >= 600, 'after waiting');
  t.match((timedOut as Error).message, /still held after waiting 1 s/);

  // Wait, and power the holder off meanwhile: its lock goes with it (the kernel drops a flock
  // when the last descriptor closes), nothing stale to detect or steal.
  const waiting = Date.now();
  const killer = setTimeout(() => holder.kill('SIGKILL'), 500);
  const inside = await withLabLock('ocfkit-lockunit', file, 'lab up', { lockWaitMs: 30_000 }, async () => {
    const record = readHolder(file);
    // nested calls of the same process do not wait for themselves
    const nested = await withLabLock('ocfkit-lockunit', file, 'lab down', { lockWaitMs: 0 }, async () => 'nested ran');
    return { record, nested };
  });
  clearTimeout(killer);
  await exited(holder);
  const waited = Date.now() - waiting;
  t.ok(waited >= 400 && waited < 10_000, `took it ${waited} ms after the holder was killed at 500 ms`);
  t.equal(inside.record?.pid, process.pid, 'the new holder recorded itself');
  t.equal(inside.record?.what, 'lab up');
  t.equal(inside.nested, 'nested ran');
  t.notOk(existsSync(file), 'the lock file is removed on release');
  t.notOk(existsSync(join(root, 'state')), 'and its folder, being empty');
});

t.test('a lock file left by a holder that died is no obstacle', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ocfkit-lock-'));
  const file = join(root, 'ocfkit-lockunit.lock');
  const holder = await holdInAnotherProcess('ocfkit-lockunit', file);
  holder.kill('SIGKILL');
  await exited(holder);
  t.ok(existsSync(file), 'the dead holder left its file');
  t.match(readFileSync(file, 'utf8'), new RegExp(`"pid":${holder.pid}`));
  const value = await withLabLock('ocfkit-lockunit', file, 'lab up', { lockWaitMs: 0 }, async () => 42);
  t.equal(value, 42, 'taken at once, without waiting');
});
