import t from 'tap';
import {
  normalizeRole, normalizeAgent, parseBoolean, parseDuration, parseScore, resourceOfOpKey, splitOpKey,
} from '../../lib/cluster/normalize.ts';

t.test('roles: Pacemaker 2.1 names, legacy Master/Slave, any case', async (t) => {
  t.equal(normalizeRole('Master'), 'Promoted');
  t.equal(normalizeRole('slave'), 'Unpromoted');
  t.equal(normalizeRole('stopped'), 'Stopped');
  t.equal(normalizeRole(' STARTED '), 'Started');
  t.equal(normalizeRole('Unpromoted'), 'Unpromoted');
  t.equal(normalizeRole('Sideways'), null);
  t.equal(normalizeRole(undefined), null);
});

t.test('agents', async (t) => {
  t.equal(normalizeAgent('ocf::heartbeat:IPaddr2'), 'ocf:heartbeat:IPaddr2');
  t.equal(normalizeAgent('ocf:pacemaker:Stateful'), 'ocf:pacemaker:Stateful');
  t.equal(normalizeAgent('stonith:fence_xvm'), 'stonith:fence_xvm');
  t.equal(normalizeAgent('systemd:apache2'), 'systemd:apache2');
});

t.test('booleans', async (t) => {
  for (const v of ['true', 'on', 'yes', 'y', '1', 'TRUE']) t.equal(parseBoolean(v), true, v);
  for (const v of ['false', 'off', 'no', 'n', '0']) t.equal(parseBoolean(v), false, v);
  t.equal(parseBoolean('maybe'), null);
});

t.test('durations to milliseconds', async (t) => {
  t.equal(parseDuration('10s'), 10_000);
  t.equal(parseDuration('1min'), 60_000);
  t.equal(parseDuration('500ms'), 500);
  t.equal(parseDuration('20'), 20_000, 'bare CIB number is seconds');
  t.equal(parseDuration('10000ms', 'ms'), 10_000);
  t.equal(parseDuration('10000', 'ms'), 10_000, 'bare status number is ms');
  t.equal(parseDuration('2h'), 7_200_000);
  t.equal(parseDuration('PT1M30S'), 90_000);
  t.equal(parseDuration('1.066s'), 1066);
  t.equal(parseDuration('soon'), null);
});

t.test('scores', async (t) => {
  t.equal(parseScore('INFINITY'), 1_000_000);
  t.equal(parseScore('+INFINITY'), 1_000_000);
  t.equal(parseScore('-INFINITY'), -1_000_000);
  t.equal(parseScore('10'), 10);
  t.equal(parseScore('99999999'), 1_000_000);
  t.equal(parseScore('x'), null);
});

t.test('operation keys', async (t) => {
  t.equal(resourceOfOpKey('web_monitor_10000', 'monitor'), 'web');
  t.equal(resourceOfOpKey('my_rsc_migrate_to_0', 'migrate_to'), 'my_rsc');
  t.equal(resourceOfOpKey('my_rsc_migrate_to_0'), 'my_rsc');
  t.same(splitOpKey('ClusterIP:0_monitor_30000'), { resource: 'ClusterIP:0', task: 'monitor', intervalMs: 30000 });
  t.same(splitOpKey('odd'), { resource: 'odd', task: null, intervalMs: null });
});
