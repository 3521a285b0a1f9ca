import t from 'tap';
import { parseAlertEnv } from '../../lib/alert/env.ts';
import { toRecord } from '../../lib/alert/event.ts';
import { formatEvent } from '../../lib/alert/format.ts';
import { parseSince } from '../../lib/cli/commands/events.ts';
import { fixtureEnv } from './helpers.ts';

const line = (s: string, over: Record<string, string> = {}) => formatEvent(toRecord(parseAlertEnv({ ...fixtureEnv(s), ...over }), 'node1'));

t.test('one readable line per captured event', async (t) => {
  t.equal(line('resource-promote'), '2026-11-27 11:10:06.234 node1  resource st promote: ok');
  t.equal(line('resource-monitor-failed'), '2026-11-27 11:12:08.598 node1  resource dummy monitor (5s) FAILED rc=7 (expected 0): not running');
  t.equal(line('resource-monitor-cancelled'), '2026-11-27 11:12:08.670 node1  resource dummy monitor (5s): Cancelled');
  t.equal(line('resource-monitor-promoted'), '2026-11-27 11:10:06.274 node1  resource st monitor (5s): promoted', 'rc 8 expected 8 is no failure');
  t.equal(line('node-lost'), '2026-11-27 11:10:53.826 node2  node lost (id 2)  [seen by node1]');
  t.match(line('fencing-reboot-ok'), /^2026-11-27 11:12:23\.642 node2  fencing reboot: OK - Operation reboot of node2 by node1 .*\[seen by node1\]$/);
  t.match(line('fencing-failed-seen-by-node1'), /fencing off: FAILED rc=-19 - Operation off of node3/);
  t.equal(line('attribute-deleted'), '2026-11-27 11:10:53.674 node1  attribute ocfkit-probe deleted');
  t.equal(line('attribute-set'), '2026-11-27 11:10:53.742 node1  attribute master-st = 10');
});

t.test('hostile text stays on one line and short', async (t) => {
  const l = line('resource-promote', { CRM_alert_desc: `a\nb\u001b[2J${'x'.repeat(5000)}` });
  t.notMatch(l, /\n|\u001b/);
  t.ok(l.length < 300);
});

t.test('--since: a time or an age; anything else is a usage error', async (t) => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  t.equal(parseSince('10m', now).toISOString(), '2026-11-27T11:50:00.000Z');
  t.equal(parseSince('2h', now).toISOString(), '2026-11-27T10:00:00.000Z');
  t.equal(parseSince('2026-11-27T11:00:00Z').toISOString(), '2026-11-27T11:00:00.000Z');
  t.equal(parseSince('2026-11-27 11:00:00Z').toISOString(), '2026-11-27T11:00:00.000Z');
  t.throws(() => parseSince('yesterday'), { exitCode: 2, message: /--since: expected a time .* got 'yesterday'/ });
  t.throws(() => parseSince('10 m'), { exitCode: 2, message: /got '10 m'/ });
  // refused, never rolled over to March nor taken as "every event"
  t.throws(() => parseSince('2026-02-31'), { exitCode: 2, message: /got '2026-02-31'/ });
  t.throws(() => parseSince('2026-13-01T00:00:00Z'), { exitCode: 2, message: /got '2026-13-01T00:00:00Z'/ });
  t.throws(() => parseSince('999999999d', now), { exitCode: 2, message: /got '999999999d'/ });
  t.equal(parseSince('2028-02-29').getTime(), new Date(2028, 1, 29).getTime(), 'a date alone is local midnight, like a time without a zone');
  t.equal(parseSince('2026-11-27 11:00').getTime(), new Date(2026, 10, 27, 11, 0).getTime());
});
