import t from 'tap';
import { parseServices, ServiceSpecError } from '../../lib/services/spec.ts';

t.test('a space-separated list is systemd units', async (t) => {
  t.same(parseServices(' rabbitmq-server.service  postgresql@15-main '), [
    { name: 'rabbitmq-server', kind: 'systemd', unit: 'rabbitmq-server.service' },
    { name: 'postgresql@15-main', kind: 'systemd', unit: 'postgresql@15-main' },
  ]);
});

t.test('JSON objects for every kind', async (t) => {
  const defs = parseServices(
    JSON.stringify([
      { name: 'mq', unit: 'rabbitmq-server', check: ['/usr/sbin/rabbitmqctl', 'status'], start_timeout: '90s' },
      { name: 'sched', command: ['/opt/sched', '--fg'], env: { A: 'b' }, cwd: '/opt', stop_timeout: 5 },
      { name: 'db', command: ['/usr/bin/pg_ctl', 'start'], pidfile: '/run/db.pid', stop: ['/usr/bin/pg_ctl', 'stop'] },
    ]),
  );
  t.same(defs.map((d) => d.kind), ['systemd', 'foreground', 'forking']);
  t.equal(defs[0]!.startTimeoutMs, 90_000);
  t.equal(defs[1]!.stopTimeoutMs, 5_000);
  t.same(defs[1]!.env, { A: 'b' });
  t.equal(defs[2]!.pidfile, '/run/db.pid');
});

const bad: [string, RegExp][] = [
  ['', /^services: is empty/],
  ['[', /^services: is not valid JSON/],
  ['[]', /^services: must be a non-empty JSON array/],
  ['{"name":"x"}', /services\[0\]: '\{"name":"x"\}' is not a systemd unit name/],
  ['[{"name":"a","command":["/bin/true"]},{"name":"b","command":"/bin/sh -c x"}]', /^services\[1\]\.command: must be a non-empty array of strings/],
  ['[{"name":"a"}]', /^services\[0\]: needs exactly one of 'unit' \(systemd\) or 'command'/],
  ['[{"name":"a","unit":"u","command":["/x"]}]', /^services\[0\]: needs exactly one/],
  ['[{"name":"a b","command":["/x"]}]', /^services\[0\]\.name:/],
  ['[{"name":"a","command":["/x"]},{"name":"a","command":["/y"]}]', /^services\[1\]\.name: 'a' appears twice/],
  ['[{"name":"a","command":["/x"],"colour":"red"}]', /^services\[0\]\.colour: unknown field/],
  ['[{"name":"a","command":["/x"],"pidfile":"rel.pid"}]', /^services\[0\]\.pidfile: must be an absolute path/],
  ['[{"name":"a","command":["/x"],"start_timeout":"soon"}]', /^services\[0\]\.start_timeout: must be a duration/],
  ['[{"name":"a","unit":"u","stop":["/x"]}]', /^services\[0\]\.stop: does not apply to a systemd unit/],
  ['[{"name":"a","command":[""]}]', /^services\[0\]\.command: the program name is empty/],
  ['[{"name":"a","command":["/x"],"env":{"A":1}}]', /^services\[0\]\.env: must be an object of string values/],
];

for (const [text, expected] of bad) {
  t.test(`rejects ${JSON.stringify(text)}`, async (t) => {
    t.throws(() => parseServices(text), ServiceSpecError);
    try {
      parseServices(text);
    } catch (error) {
      t.match((error as Error).message, expected);
    }
  });
}
