import t from 'tap';
import { Deadline, operationDeadline, safetyMargin } from '../../lib/exec/deadline.ts';
import { readNotify } from '../../lib/ocf/notify.ts';
import { parseBoolean, parseDuration, parseInteger } from '../../lib/pacemaker/values.ts';
import { readEnv } from '../../lib/ocf/context.ts';

t.test('safety margin: 5 %, at least 500 ms, at most 10 s, never over a quarter', async (t) => {
  t.equal(safetyMargin(20_000), 1_000);
  t.equal(safetyMargin(5_000), 500);
  t.equal(safetyMargin(1_000), 250);
  t.equal(safetyMargin(600_000), 10_000);
  t.equal(safetyMargin(0), 0);
});

t.test('deadline arithmetic with an injected clock', async (t) => {
  let now = 100;
  const clock = () => now;
  const d = operationDeadline(20_000, 100, clock);
  t.equal(d.remaining(), 19_000);
  now = 10_100;
  t.equal(d.remaining(), 9_000);
  t.equal(d.within(1_000).at, 11_100, 'within() takes the earlier end');
  t.equal(d.within(60_000).at, d.at);
  now = 30_000;
  t.equal(d.remaining(), 0, 'never negative');
  t.equal(d.expired(), true);
  t.equal(Deadline.never(clock).remaining(), Infinity);
});

t.test('notify sets with the new names', async (t) => {
  const env = readEnv(
    {
      OCF_RESKEY_CRM_meta_notify_type: 'pre',
      OCF_RESKEY_CRM_meta_notify_operation: 'promote',
      OCF_RESKEY_CRM_meta_notify_promote_resource: 'drbd:1 ',
      OCF_RESKEY_CRM_meta_notify_promote_uname: 'node2 ',
      OCF_RESKEY_CRM_meta_notify_promoted_resource: ' ',
      OCF_RESKEY_CRM_meta_notify_unpromoted_resource: 'drbd:0 drbd:1',
      OCF_RESKEY_CRM_meta_notify_unpromoted_uname: 'node1 node2',
      OCF_RESKEY_CRM_meta_notify_master_resource: 'stale:9',
      OCF_RESKEY_CRM_meta_notify_available_uname: 'node1 node2',
      OCF_RESKEY_CRM_meta_notify_all_uname: 'node1 node2',
    },
    'x',
  );
  const n = readNotify(env.meta.raw)!;
  t.equal(n.type, 'pre');
  t.equal(n.operation, 'promote');
  t.same(n.sets.promote, [{ resource: 'drbd:1', uname: 'node2' }]);
  t.same(n.sets.promoted, [], 'a set given with the new name (even empty) wins over the legacy one');
  t.same(n.sets.unpromoted, [
    { resource: 'drbd:0', uname: 'node1' },
    { resource: 'drbd:1', uname: 'node2' },
  ]);
  t.same(n.available, ['node1', 'node2']);
  t.same(n.all, ['node1', 'node2']);
  t.same(n.sets.stop, []);
});

t.test('notify sets with only the legacy names', async (t) => {
  const n = readNotify({
    notify_type: 'post',
    notify_operation: 'demote',
    notify_master_resource: 'ms:0',
    notify_master_uname: 'alpha',
    notify_slave_resource: 'ms:1',
    notify_slave_uname: 'beta',
  })!;
  t.same(n.sets.promoted, [{ resource: 'ms:0', uname: 'alpha' }]);
  t.same(n.sets.unpromoted, [{ resource: 'ms:1', uname: 'beta' }]);
});

t.test('no notify type means no notify info', async (t) => {
  t.equal(readNotify({}), null);
  t.equal(readNotify({ notify_type: 'sideways', notify_operation: 'start' }), null);
});

t.test('OCF values', async (t) => {
  for (const v of ['1', 'true', 'YES', 'on', 'y']) t.equal(parseBoolean(v), true, v);
  for (const v of ['0', 'false', 'No', 'off', 'n']) t.equal(parseBoolean(v), false, v);
  t.equal(parseBoolean('maybe'), null);
  t.equal(parseInteger('-12'), -12);
  t.equal(parseInteger('1.5'), null);
  t.equal(parseInteger('99999999999999999999'), null);
  t.equal(parseDuration('30'), 30_000, 'bare numbers are seconds');
  t.equal(parseDuration('30s'), 30_000);
  t.equal(parseDuration('250ms'), 250);
  t.equal(parseDuration('2min'), 120_000);
  t.equal(parseDuration('1h'), 3_600_000);
  t.equal(parseDuration('1.5s'), 1_500);
  t.equal(parseDuration('-1s'), null);
  t.equal(parseDuration('soon'), null);
});

t.test('environment split', async (t) => {
  const r = readEnv({ OCF_RESKEY_a: '1', OCF_RESKEY_CRM_meta_timeout: '5000', HA_RSCTMP: '/x', PATH: '/bin' }, 'agent');
  t.same(r.rawParams, { a: '1' });
  t.equal(r.meta.timeoutMs, 5000);
  t.equal(r.instance, 'agent');
  t.same(r.paths, { ocfRoot: '/usr/lib/ocf', rscTmp: '/x', searchPath: '/bin' });
});
