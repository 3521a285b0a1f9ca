import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlertEnv } from '../../lib/alert/env.ts';
import { parseEventLine, recordLine, toRecord } from '../../lib/alert/event.ts';
import { appendLine, EventLogError } from '../../lib/alert/log-writer.ts';
import { readEvents } from '../../lib/alert/reader.ts';
import { scratch } from '../helpers/agent.ts';
import { fixtureEnv } from './helpers.ts';

const line = (n: number, seenBy = 'node1') =>
  recordLine(toRecord(parseAlertEnv({ ...fixtureEnv('resource-monitor-ok'), CRM_alert_timestamp_usec: String(n % 1_000_000), CRM_alert_timestamp_epoch: String(1795777805 + Math.floor(n / 1_000_000)) }), seenBy));
const opts = { maxBytes: 10 * 1024 * 1024, keep: 3 };

function logDir(name: string): string {
  const dir = join(scratch(name), 'ocfkit');
  mkdirSync(dir, { mode: 0o750 });
  chmodSync(dir, 0o750);
  return dir;
}

t.test('appends whole lines, file 0600, folder created 0750 when missing', async (t) => {
  const parent = scratch('alog');
  const path = join(parent, 'ocfkit', 'events.jsonl');
  await appendLine(path, line(1), opts);
  await appendLine(path, line(2), opts);
  t.equal(statSync(path).mode & 0o777, 0o600);
  t.equal(statSync(join(parent, 'ocfkit')).mode & 0o777, 0o750);
  const lines = readFileSync(path, 'utf8').split('\n');
  t.equal(lines.length, 3);
  t.ok(lines.slice(0, 2).every((l) => parseEventLine(l)));
});

t.test('an existing looser file is made 0600', async (t) => {
  const path = join(logDir('aloose'), 'events.jsonl');
  writeFileSync(path, '', { mode: 0o644 });
  chmodSync(path, 0o644);
  await appendLine(path, line(1), opts);
  t.equal(statSync(path).mode & 0o777, 0o600);
});

t.test('refused: symbolic links, FIFOs, folders others can write', async (t) => {
  const dir = logDir('arefuse');
  const target = join(dir, 'target');
  writeFileSync(target, 'precious\n');
  symlinkSync(target, join(dir, 'link.jsonl'));
  await t.rejects(appendLine(join(dir, 'link.jsonl'), line(1), opts), { name: 'EventLogError', message: /symbolic link: refused/ });
  t.equal(readFileSync(target, 'utf8'), 'precious\n', 'the link target is untouched');

  spawnSync('mkfifo', [join(dir, 'fifo.jsonl')]);
  const began = Date.now();
  await t.rejects(appendLine(join(dir, 'fifo.jsonl'), line(1), opts), { message: /not a regular file/ });
  t.ok(Date.now() - began < 2000, 'a FIFO without reader is not waited on');

  const realDir = logDir('arefuse-real');
  const linkedDir = join(scratch('arefuse-l'), 'ocfkit');
  symlinkSync(realDir, linkedDir);
  await t.rejects(appendLine(join(linkedDir, 'events.jsonl'), line(1), opts), { message: /is a symbolic link: refused/ });
  t.notOk(existsSync(join(realDir, 'events.jsonl')));

  const open = logDir('arefuse-open');
  chmodSync(open, 0o777);
  await t.rejects(appendLine(join(open, 'events.jsonl'), line(1), opts), { message: /writable by group or others \(mode 777\)/ });

  const notDir = join(scratch('arefuse-f'), 'file');
  writeFileSync(notDir, '');
  await t.rejects(appendLine(join(notDir, 'events.jsonl'), line(1), opts), EventLogError);
});

t.test('rotation by size: .1 … .keep, nothing lost but what keep drops, readable in order', async (t) => {
  const path = join(logDir('arot'), 'events.jsonl');
  const one = line(0).length;
  const o = { maxBytes: 64 * 1024, keep: 2 };
  const perFile = Math.floor(o.maxBytes / one);
  const total = perFile * 2 + 10;
  let rotations = 0;
  for (let i = 0; i < total; i++) if ((await appendLine(path, line(i), o)).rotated) rotations++;
  t.equal(rotations, 2);
  t.ok(existsSync(`${path}.1`) && existsSync(`${path}.2`) && !existsSync(`${path}.3`));
  for (const f of [path, `${path}.1`, `${path}.2`]) t.ok(statSync(f).size <= o.maxBytes, `${f} ≤ max_bytes`);
  const events = readEvents({ path });
  t.equal(events.length, total, 'every line is in the three files');
  t.strictSame(events.map((e) => e.time), [...events.map((e) => e.time)].sort(), 'oldest first');
  // one more file's worth: the oldest is dropped
  for (let i = total; i < total + perFile; i++) await appendLine(path, line(i), o);
  t.ok(!existsSync(`${path}.3`), 'keep=2 keeps two rotated files');
  t.equal(readEvents({ path }).length, total + perFile - perFile, 'the oldest file went');
});

t.test('keep=0: the file starts again', async (t) => {
  const path = join(logDir('arot0'), 'events.jsonl');
  const o = { maxBytes: 64 * 1024, keep: 0 };
  for (let i = 0; i < 400; i++) await appendLine(path, line(i), o);
  t.ok(!existsSync(`${path}.1`));
  t.ok(statSync(path).size <= o.maxBytes);
});

t.test('a half line left by a short write never glues onto the next line', async (t) => {
  const path = join(logDir('ahalf'), 'events.jsonl');
  await appendLine(path, line(1), opts);
  writeFileSync(path, line(2).slice(0, 40), { flag: 'a' }); // what a short write on a full disk leaves
  const r = await appendLine(path, line(3), opts);
  t.ok(r.repaired, 'it started its line on a new one');
  const events = readEvents({ path });
  t.strictSame(events.map((e) => e.time.slice(-7)), ['000001Z', '000003Z'], 'both whole lines read, the half one skipped');
});

t.test('many processes at once: no line lost, none interleaved, rotation included', async (t) => {
  const path = join(logDir('aconc'), 'events.jsonl');
  const script = join(scratch('aconc-s'), 'w.mts');
  writeFileSync(
    script,
    `import { appendLine } from ${JSON.stringify(join(import.meta.dirname, '../../lib/alert/log-writer.ts'))};
const [path, who, n, pad] = process.argv.slice(2);
const body = 'x'.repeat(Number(pad));
await Promise.all(Array.from({ length: Number(n) }, (_, i) => appendLine(path, JSON.stringify({ v: 1, who, i, body }) + '\\n', { maxBytes: 256 * 1024, keep: 50 })));
`,
  );
  const procs = 6;
  const per = 60;
  const pad = 3000; // lines of ~3 KiB: a torn write would show
  const codes = await Promise.all(
    Array.from({ length: procs }, (_, p) => new Promise<number | null>((resolve) => spawn(process.execPath, ['--import', 'tsx', script, path, `p${p}`, String(per), String(pad)], { stdio: 'inherit' }).on('exit', resolve))),
  );
  t.strictSame(codes, Array(procs).fill(0));
  const files = [path, ...Array.from({ length: 50 }, (_, i) => `${path}.${i + 1}`)].filter((f) => existsSync(f));
  t.ok(files.length > 1, `rotated ${files.length - 1} times meanwhile`);
  const seen = new Set<string>();
  let bad = 0;
  for (const f of files) {
    for (const l of readFileSync(f, 'utf8').split('\n').filter(Boolean)) {
      try {
        const o = JSON.parse(l);
        if (o.body.length !== pad) bad++;
        seen.add(`${o.who}/${o.i}`);
      } catch {
        bad++;
      }
    }
    t.equal(lstatSync(f).mode & 0o777, 0o600);
  }
  t.equal(bad, 0, 'no torn or interleaved line');
  t.equal(seen.size, procs * per, 'every line is there');
});

t.test('a full filesystem: EventLogError, nothing half written, the log stays parseable', { skip: process.getuid?.() !== 0 && 'needs root (tmpfs)' }, async (t) => {
  const mnt = scratch('afull');
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0750', 'ocfkit-test-full', mnt]);
  t.equal(m.status, 0, 'mounted a 64 KiB tmpfs');
  t.teardown(() => void spawnSync('umount', ['-l', mnt]));
  const path = join(mnt, 'events.jsonl');
  let written = 0;
  let error: unknown = null;
  for (let i = 0; i < 1000 && !error; i++) {
    try {
      await appendLine(path, line(i), opts);
      written++;
    } catch (e) {
      error = e;
    }
  }
  t.type(error, EventLogError);
  t.equal((error as EventLogError).code, 'ENOSPC');
  t.match((error as Error).message, /no space left|short write/);
  const text = readFileSync(path, 'utf8');
  t.ok(text.endsWith('\n'), 'no half line at the end');
  t.equal(readEvents({ path }).length, written, 'every line written is read back');
  await t.rejects(appendLine(path, line(5000), opts), { name: 'EventLogError' }, 'still full: refused again, no damage');
  t.equal(readFileSync(path, 'utf8'), text);
});

t.test('only an event log is appended to: another file at the path is refused, not extended', async (t) => {
  const dir = logDir('aother');
  const path = join(dir, 'passwd');
  writeFileSync(path, 'root:x:0:0:root:/root:/bin/bash\n', { mode: 0o600 });
  await t.rejects(appendLine(path, line(1), opts), { message: /not an ocfkit event log .*: refused/ });
  t.equal(readFileSync(path, 'utf8'), 'root:x:0:0:root:/root:/bin/bash\n');
  // a log whose very first line was cut short by a full disk is still ours
  const cut = join(dir, 'events.jsonl');
  writeFileSync(cut, '{"v\n', { mode: 0o600 });
  await appendLine(cut, line(2), opts);
  t.equal(readEvents({ path: cut }).length, 1);
});

t.test('a rotation lock left by a killed agent is broken once stale; a fresh one is respected', async (t) => {
  const { utimesSync } = await import('node:fs');
  const path = join(logDir('alock'), 'events.jsonl');
  const o = { maxBytes: 64 * 1024, keep: 2 };
  while (!existsSync(path) || statSync(path).size < o.maxBytes - 400) await appendLine(path, line(statSync(path, { throwIfNoEntry: false })?.size ?? 0), o);
  mkdirSync(`${path}.rotate-lock`);
  await appendLine(path, line(900_001), o);
  await appendLine(path, line(900_002), o);
  t.notOk(existsSync(`${path}.1`), 'a fresh lock: someone is rotating, nobody else does');
  const old = (Date.now() - 60_000) / 1000;
  utimesSync(`${path}.rotate-lock`, old, old);
  await appendLine(path, line(900_003), o); // breaks the stale lock
  await appendLine(path, line(900_004), o); // rotates
  t.ok(existsSync(`${path}.1`), 'rotated after the stale lock was broken');
  t.notOk(existsSync(`${path}.rotate-lock`));
  t.equal(readEvents({ path }).filter((e) => e.time.startsWith('2026-11-27T11:10:05.90000')).length, 4, 'no line lost meanwhile');
});
