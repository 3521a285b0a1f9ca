/**
 * The systemd unit state parser and judgement, over `systemctl show` output captured from
 * systemd 252 (Debian 12) booted in its own container (test/fixtures/systemd/show/, made with
 * the units in test/fixtures/systemd/units/; see test/services/systemd-nspawn.test.ts).
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeUnit, judgeUnit, parseUnitShow, sameRun, UnitShowError } from '../../lib/services/systemd-unit.ts';

const SHOW = join(import.meta.dirname, '..', 'fixtures', 'systemd', 'show');
const capture = (name: string): string => readFileSync(join(SHOW, `${name}.txt`), 'utf8');
const facts = (name: string, unit = 'u') => parseUnitShow(unit, capture(name));

t.test('parses Key=Value lines whatever their order', async (t) => {
  // systemd prints properties in its own order (MainPID first), not in the order of -p
  t.ok(capture('active-running').startsWith('MainPID='));
  t.same(facts('active-running'), { loadState: 'loaded', activeState: 'active', subState: 'running', result: 'success', mainPid: 129, restarts: 0 });
  t.same(facts('activating-auto-restart'), { loadState: 'loaded', activeState: 'activating', subState: 'auto-restart', result: 'exit-code', mainPid: null, restarts: 0 });
  t.same(facts('not-found'), { loadState: 'not-found', activeState: 'inactive', subState: 'dead', result: 'success', mainPid: null, restarts: 0 });
});

t.test('output systemctl would not print is a typed error naming the unit and line', async (t) => {
  t.throws(() => parseUnitShow('db', 'ActiveState=active\nSubState=running\n'), new UnitShowError('db', 'no LoadState in its output'));
  t.throws(() => parseUnitShow('db', 'LoadState=loaded\nactive\n'), { name: 'UnitShowError', message: 'systemctl show db: line 2 is not Key=Value: "active"' });
  t.throws(() => parseUnitShow('db', `${capture('active-running')}MainPID=12x\n`), { message: 'systemctl show db: MainPID="12x" is not a number' });
  t.throws(() => parseUnitShow('db', ''), { name: 'UnitShowError' });
});

t.test('each real state, judged', async (t) => {
  const judged = (name: string) => judgeUnit('svc.service', facts(name));
  t.same(judged('active-running'), { kind: 'running', pid: 129 });
  // reloading: the service runs and serves while it reloads (systemd bounds the reload)
  t.same(judged('reloading'), { kind: 'running', pid: 141 });
  t.same(judged('inactive-dead'), { kind: 'stopped' });
  t.same(judged('inactive-after-stop-in-auto-restart'), { kind: 'stopped' });
  // a crash loop under Restart= waits in activating (auto-restart): pending, never running
  t.same(judged('activating-auto-restart'), { kind: 'pending', reason: 'unit is activating (auto-restart, exit-code)' });
  t.same(judged('activating-start'), { kind: 'pending', reason: 'unit is activating (start)' });
  t.same(judged('deactivating-stop'), { kind: 'pending', reason: 'unit is deactivating (stop)' });
  t.same(judged('failed-signal'), { kind: 'failed', reason: 'unit is failed (signal)' });
  t.same(judged('not-found'), { kind: 'missing', reason: 'no unit svc.service on this node (LoadState=not-found)' });
  // a name that looks like an option is a unit name to systemctl after `--`
  t.same(judgeUnit('--now', facts('not-found-option-like')), { kind: 'missing', reason: 'no unit --now on this node (LoadState=not-found)' });
});

t.test('a unit whose file is gone is judged by what runs', async (t) => {
  const running = { ...facts('active-running'), loadState: 'not-found' };
  t.same(judgeUnit('u', running), { kind: 'running', pid: 129 });
  t.same(judgeUnit('u', { ...facts('failed-signal'), loadState: 'masked' }), { kind: 'missing', reason: 'no unit u on this node (LoadState=masked)' });
  t.same(judgeUnit('u', { ...facts('inactive-dead'), activeState: 'maintenance' }), { kind: 'failed', reason: 'unit is maintenance (dead)' });
});

t.test('a start is believed only when the same process is seen twice', async (t) => {
  const first = facts('active-running');
  t.ok(sameRun(first, { ...first }));
  t.notOk(sameRun(first, { ...first, mainPid: 130 }), 'another main process: it was restarted');
  t.notOk(sameRun(first, { ...first, restarts: 1 }), 'a restart in between');
  t.equal(describeUnit(first), 'active (running)');
});
