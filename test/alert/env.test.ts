import t from 'tap';
import { AlertEnvError, MAX_NAME, MAX_TEXT, parseAlertEnv } from '../../lib/alert/env.ts';
import { fixtureEnv, fixtureScenarios } from './helpers.ts';

t.test('every captured Pacemaker 2.1.5 environment parses', async (t) => {
  const scenarios = fixtureScenarios();
  t.ok(scenarios.length >= 14, `${scenarios.length} captures`);
  for (const s of scenarios) t.doesNotThrow(() => parseAlertEnv(fixtureEnv(s)), s);
});

t.test('resource events: task, interval in ms, rc, target rc, status, desc', async (t) => {
  t.match(parseAlertEnv(fixtureEnv('resource-promote')), { kind: 'resource', node: 'node1', resource: 'st', task: 'promote', interval: 0, rc: 0, targetRc: 0, status: 0, desc: 'ok', recipient: null, sequence: 9, epoch: 1795777806, usec: 234387 });
  t.match(parseAlertEnv(fixtureEnv('resource-monitor-failed')), { kind: 'resource', resource: 'dummy', task: 'monitor', interval: 5000, rc: 7, targetRc: 0, status: 0, desc: 'not running' });
  t.match(parseAlertEnv(fixtureEnv('resource-monitor-cancelled')), { task: 'monitor', status: 1, desc: 'Cancelled' });
  t.match(parseAlertEnv(fixtureEnv('resource-monitor-promoted')), { task: 'monitor', rc: 8, desc: 'promoted' });
});

t.test('node, fencing and attribute events', async (t) => {
  t.match(parseAlertEnv(fixtureEnv('node-lost')), { kind: 'node', node: 'node2', nodeId: '2', desc: 'lost' });
  t.match(parseAlertEnv(fixtureEnv('node-member')), { kind: 'node', node: 'node2', nodeId: '2', desc: 'member' });
  const fence = parseAlertEnv(fixtureEnv('fencing-reboot-ok'));
  t.match(fence, { kind: 'fencing', node: 'node2', task: 'reboot', rc: 0, ref: '592406c1-c19e-4f4c-948e-ddd2bf3694ba' });
  t.equal(fixtureEnv('fencing-reboot-ok').CRM_alert_task, 'st_notify_fence', 'Pacemaker 2.1.5 says st_notify_fence; the action comes from the description');
  t.match(parseAlertEnv(fixtureEnv('fencing-failed-seen-by-node1')), { kind: 'fencing', node: 'node3', task: 'off', rc: -19 });
  t.match(parseAlertEnv(fixtureEnv('attribute-set')), { kind: 'attribute', attribute: 'master-st', value: '10' });
  t.match(parseAlertEnv(fixtureEnv('attribute-deleted')), { kind: 'attribute', attribute: 'ocfkit-probe', value: null });
});

t.test('CRM_notify_* aliases are never read', async (t) => {
  const env = fixtureEnv('resource-start');
  const onlyNotify = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('CRM_alert_')));
  t.ok(Object.keys(onlyNotify).some((k) => k.startsWith('CRM_notify_')), 'the capture has the aliases');
  t.throws(() => parseAlertEnv(onlyNotify), new AlertEnvError('CRM_alert_kind', 'missing'));
  // and an alias that disagrees changes nothing
  const mixed = { ...env, CRM_notify_rsc: 'other', CRM_notify_task: 'stop' };
  t.match(parseAlertEnv(mixed), { resource: 'dummy', task: 'start' });
});

t.test('garbage or missing variables: a typed error naming the variable', async (t) => {
  const base = fixtureEnv('resource-monitor-failed');
  const bad = (over: Record<string, string | undefined>, variable: string, problem: RegExp) => {
    try {
      parseAlertEnv({ ...base, ...over });
      t.fail(`accepted ${JSON.stringify(over).slice(0, 80)}`);
    } catch (error) {
      t.type(error, AlertEnvError);
      t.equal((error as AlertEnvError).variable, variable);
      t.match((error as Error).message, problem);
      t.notMatch((error as Error).message, /\n/, 'one line');
    }
  };
  bad({ CRM_alert_kind: 'reboot' }, 'CRM_alert_kind', /unknown kind "reboot"/);
  bad({ CRM_alert_kind: undefined }, 'CRM_alert_kind', /missing/);
  bad({ CRM_alert_rc: 'seven' }, 'CRM_alert_rc', /not a whole number: "seven"/);
  bad({ CRM_alert_rc: '99999999999' }, 'CRM_alert_rc', /not a whole number/);
  bad({ CRM_alert_interval: '-5' }, 'CRM_alert_interval', /out of range/);
  bad({ CRM_alert_timestamp_epoch: '' }, 'CRM_alert_timestamp_epoch', /missing/);
  bad({ CRM_alert_timestamp_usec: '1000000' }, 'CRM_alert_timestamp_usec', /out of range/);
  bad({ CRM_alert_rsc: 'du\nmmy' }, 'CRM_alert_rsc', /control character in "du\\nmmy"/);
  bad({ CRM_alert_node: 'node1\u001b[2J' }, 'CRM_alert_node', /control character/);
  bad({ CRM_alert_node: 'n'.repeat(MAX_NAME + 1) }, 'CRM_alert_node', /longer than 256/);
  bad({ CRM_alert_rsc: 'x'.repeat(1_000_000) }, 'CRM_alert_rsc', /longer than 256 characters \(1000000\)/);
  bad({ CRM_alert_node_sequence: '1e3' }, 'CRM_alert_node_sequence', /not a whole number/);
});

t.test('free text is kept, bounded; odd but valid UTF-8 names pass', async (t) => {
  const base = fixtureEnv('resource-monitor-failed');
  const huge = parseAlertEnv({ ...base, CRM_alert_desc: 'd'.repeat(1_000_000), CRM_alert_recipient: 'r'.repeat(100_000) });
  t.equal(huge.desc!.length, MAX_TEXT);
  t.ok(huge.desc!.endsWith('…'));
  t.equal(huge.recipient!.length, MAX_TEXT);
  const weird = parseAlertEnv({ ...base, CRM_alert_rsc: 'рес-😀-\u0301e', CRM_alert_desc: 'a\u0000b\tc\u2028d' });
  t.equal((weird as { resource: string }).resource, 'рес-😀-\u0301e');
  t.equal(weird.desc, 'a\u0000b\tc\u2028d', 'desc kept as is: the JSON line escapes it');
});
