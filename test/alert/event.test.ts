import t from 'tap';
import { parseAlertEnv, type FencingAlert } from '../../lib/alert/env.ts';
import { checkEventLine, eventId, formatTime, parseEventLine, recordLine, timeMicros, toRecord } from '../../lib/alert/event.ts';
import { fixtureEnv, fixtureScenarios } from './helpers.ts';

const record = (scenario: string, seenBy = 'node1', over: Record<string, string> = {}) => toRecord(parseAlertEnv({ ...fixtureEnv(scenario), ...over }), seenBy);

t.test('time is Pacemaker timestamp in UTC with microseconds', async (t) => {
  t.equal(formatTime(1795777806, 234387), '2026-11-27T11:10:06.234387Z');
  t.equal(formatTime(0, 5), '1970-01-01T00:00:00.000005Z');
  t.equal(record('resource-promote').time, '2026-11-27T11:10:06.234387Z', 'CRM_alert_timestamp was 2026-11-27 11:10:06.234387 (UTC lab)');
  t.equal(timeMicros({ time: '2026-11-27T11:10:06.234387Z' }), 1795777806234387);
});

t.test('the record has the contract fields and only those of its kind', async (t) => {
  t.strictSame(record('resource-monitor-failed', 'node1'), {
    v: 1, id: record('resource-monitor-failed').id, time: '2026-11-27T11:12:08.598389Z', kind: 'resource', node: 'node1', seenBy: 'node1',
    recipient: null, sequence: 139, resource: 'dummy', task: 'monitor', interval: 5000, rc: 7, targetRc: 0, status: 0, desc: 'not running',
  });
  t.strictSame(Object.keys(record('node-lost')), ['v', 'id', 'time', 'kind', 'node', 'seenBy', 'recipient', 'sequence', 'nodeId', 'desc']);
  t.match(record('fencing-reboot-ok'), { kind: 'fencing', node: 'node2', fenceTarget: 'node2', task: 'reboot', rc: 0 });
  t.strictSame(Object.keys(record('attribute-deleted')), ['v', 'id', 'time', 'kind', 'node', 'seenBy', 'recipient', 'sequence', 'attribute', 'value']);
  t.equal(record('attribute-deleted').id.length, 16);
});

t.test('the same fencing seen by both nodes has one id, though Pacemaker stamped it 4 ms apart', async (t) => {
  const e1 = fixtureEnv('fencing-failed-seen-by-node1');
  const e2 = fixtureEnv('fencing-failed-seen-by-node2');
  t.not(e1.CRM_alert_timestamp_usec, e2.CRM_alert_timestamp_usec, 'the captures differ in time (so no time resolution would do)');
  t.not(e1.CRM_alert_node_sequence, e2.CRM_alert_node_sequence, 'and in node sequence');
  const r1 = record('fencing-failed-seen-by-node1', 'node1');
  const r2 = record('fencing-failed-seen-by-node2', 'node2');
  t.equal(r1.id, r2.id);
  t.not(r1.seenBy, r2.seenBy);
});

t.test('copies per recipient share the id; different events do not', async (t) => {
  t.equal(record('resource-promote', 'node1', { CRM_alert_recipient: 'a' }).id, record('resource-promote', 'node1', { CRM_alert_recipient: 'b', CRM_alert_node_sequence: '77' }).id);
  const ids = fixtureScenarios().filter((s) => s !== 'fencing-failed-seen-by-node2').map((s) => record(s).id);
  t.equal(new Set(ids).size, ids.length, 'every captured event has its own id');
  // the same node event a few ms apart (two nodes' copies) is one; a second later it is another
  const lost = parseAlertEnv(fixtureEnv('node-lost'));
  t.equal(eventId(lost), eventId({ ...lost, usec: (lost.usec + 8000) % 1_000_000 }));
  t.not(eventId(lost), eventId({ ...lost, epoch: lost.epoch + 1 }));
  // resource events keep the microsecond: two monitors a tick apart stay two events
  const mon = parseAlertEnv(fixtureEnv('resource-monitor-ok'));
  t.not(eventId(mon), eventId({ ...mon, usec: mon.usec + 4000 }));
  // fencing without a reference falls back to the second
  const fence = parseAlertEnv(fixtureEnv('fencing-reboot-ok')) as FencingAlert;
  t.equal(eventId({ ...fence, ref: null }), eventId({ ...fence, ref: null, usec: 1 }));
});

t.test('lines: one JSON line, round trip; anything else is not a record', async (t) => {
  const r = record('resource-promote', 'node1', { CRM_alert_desc: 'a\u2028b\nc' });
  const line = recordLine(r);
  t.ok(line.endsWith('\n'));
  t.equal(line.split('\n').length, 2, 'exactly one line');
  t.notMatch(line, /\u2028/);
  t.strictSame(parseEventLine(line.slice(0, -1)), r);
  for (let cut = 1; cut < line.length - 1; cut += 7) t.equal(parseEventLine(line.slice(0, cut)), null, `cut at ${cut}`);
  t.equal(parseEventLine('garbage'), null);
  t.equal(parseEventLine('[]'), null);
  t.equal(parseEventLine('null'), null);
  t.equal(parseEventLine(JSON.stringify({ ...r, v: 2 })), null);
  t.equal(parseEventLine(JSON.stringify({ ...r, rc: '0' })), null);
  t.match(parseEventLine(JSON.stringify({ ...r, extra: { x: 1 } })), { id: r.id }, 'unknown fields are ignored');
  t.equal(parseEventLine(JSON.stringify({ ...r, desc: 'x'.repeat(70_000) })), null, 'over 64 KiB');
  // the monitor's checks, now the contract owner's (the one parser of contract 1)
  t.equal(parseEventLine(JSON.stringify({ ...r, node: '' })), null, 'an empty node');
  t.equal(parseEventLine(JSON.stringify({ ...r, resource: 'x'.repeat(257) })), null, 'a name over 256 characters');
  t.equal(parseEventLine(JSON.stringify({ ...r, task: '' })), null, 'an empty task');
  t.equal(parseEventLine(JSON.stringify({ ...r, time: '2026-11-27 11:22:33' })), null, 'a time Date.parse takes but not ISO 8601 UTC');
  t.equal(parseEventLine(JSON.stringify({ ...r, time: '2026-11-27T11:22:33.123456+01:00' })), null, 'a time not in UTC');
  t.ok(parseEventLine(JSON.stringify({ ...r, node: 'x'.repeat(256), time: '2026-11-27T11:22:33Z' })), 'a 256-character name, a time without fraction');
  t.match(checkEventLine(JSON.stringify({ ...r, time: 'yesterday' })), { ok: false, reason: /no valid time/ });
});

t.test('FNV-1a 64: the published test vectors', async (t) => {
  const { fnv1a64 } = await import('../../lib/alert/event.ts');
  t.equal(fnv1a64('').toString(16), 'cbf29ce484222325');
  t.equal(fnv1a64('a').toString(16), 'af63dc4c8601ec8c');
  t.equal(fnv1a64('foobar').toString(16), '85944171f73967e8');
});
