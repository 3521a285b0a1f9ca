import t from 'tap';
import { appendFileSync, chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlertEnv } from '../../lib/alert/env.ts';
import { recordLine, toRecord, type AlertEventRecord } from '../../lib/alert/event.ts';
import { followEvents, logFiles, readEvents, readEventsWithStats } from '../../lib/alert/reader.ts';
import { scratch } from '../helpers/agent.ts';
import { fixtureEnv } from './helpers.ts';

const rec = (scenario: string, seenBy = 'node1', over: Record<string, string> = {}) => toRecord(parseAlertEnv({ ...fixtureEnv(scenario), ...over }), seenBy);
const at = (usec: number) => rec('resource-monitor-ok', 'node1', { CRM_alert_timestamp_usec: String(usec) });

function dir(name: string): string {
  const d = join(scratch(name), 'ocfkit');
  mkdirSync(d);
  chmodSync(d, 0o750);
  return d;
}

t.test('rotated files first, oldest first, duplicates and junk skipped, a cut last line ignored', async (t) => {
  const d = dir('rread');
  const path = join(d, 'events.jsonl');
  writeFileSync(`${path}.2`, recordLine(at(1)) + recordLine(at(2)));
  writeFileSync(`${path}.1`, recordLine(at(3)) + 'not json\n' + recordLine(at(2)));
  writeFileSync(path, recordLine(at(5)) + recordLine(at(4)) + recordLine(at(6)).slice(0, 30));
  writeFileSync(`${path}.x`, recordLine(at(99))); // not a rotated file
  t.strictSame(logFiles(path), [`${path}.2`, `${path}.1`, path]);
  const { events, stats } = readEventsWithStats({ path });
  t.strictSame(events.map((e) => e.time.slice(-3, -1)), ['01', '02', '03', '04', '05']);
  t.strictSame(stats, { lines: 7, skipped: 1, duplicates: 1 });
  t.strictSame(readEvents({ path, since: new Date(Date.parse('2026-11-27T11:10:05.000003Z')) }).length, 5, 'since at ms resolution');
  t.strictSame(readEvents({ path, since: new Date('2026-11-27T11:10:06Z') }), []);
  t.strictSame(readEvents({ path: join(d, 'none.jsonl') }), [], 'no log yet: no events');
});

t.test('the same event seen by two nodes is one event', async (t) => {
  const d = dir('rdup');
  const path = join(d, 'events.jsonl');
  writeFileSync(path, recordLine(rec('fencing-failed-seen-by-node2', 'node2')) + recordLine(rec('fencing-failed-seen-by-node1', 'node1')));
  const events = readEvents({ path });
  t.equal(events.length, 1);
  t.equal(events[0]!.seenBy, 'node2', 'the first copy is kept');
});

t.test('followEvents: existing events, then new ones, across rotation, waiting for a line being written', async (t) => {
  const d = dir('rfollow');
  const path = join(d, 'events.jsonl');
  writeFileSync(path, recordLine(at(1)));
  const ac = new AbortController();
  const got: AlertEventRecord[] = [];
  const done = (async () => {
    for await (const e of followEvents({ path, signal: ac.signal, intervalMs: 20 })) got.push(e);
  })();
  const wait = async (n: number) => {
    for (let i = 0; i < 200 && got.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  };
  await wait(1);
  t.equal(got.length, 1, 'the event already there');
  const half = recordLine(at(2));
  appendFileSync(path, half.slice(0, 20));
  await new Promise((r) => setTimeout(r, 100));
  t.equal(got.length, 1, 'a line being written is not read yet');
  appendFileSync(path, half.slice(20));
  await wait(2);
  t.equal(got.length, 2, 'read once complete');
  appendFileSync(path, recordLine(at(3)));
  renameSync(path, `${path}.1`); // rotation right after a write
  writeFileSync(path, recordLine(at(4)) + recordLine(at(3)));
  await wait(4);
  ac.abort();
  await done;
  t.strictSame(got.map((e) => e.time.slice(-3, -1)), ['01', '02', '03', '04'], 'the rotated file finished, the new one read, the duplicate skipped');
});
