import t from 'tap';
import { OCF } from '../../lib/ocf/codes.ts';
import { monitorVerdict } from '../../lib/services/verdict.ts';

const running = { state: 'running' as const, pid: 1 };
const stopped = { state: 'stopped' as const };
const failed = (reason: string) => ({ state: 'failed' as const, reason, pid: null });

t.test('all running is success, all stopped is not running', async (t) => {
  t.same(monitorVerdict([{ name: 'a', health: running }, { name: 'b', health: running }]), { code: OCF.SUCCESS });
  t.same(monitorVerdict([{ name: 'a', health: stopped }, { name: 'b', health: stopped }]), { code: OCF.NOT_RUNNING });
});

t.test('a failed service is a generic error naming it', async (t) => {
  const v = monitorVerdict([
    { name: 'a', health: running },
    { name: 'b', health: failed('process 12 is gone') },
    { name: 'c', health: failed('check exit 1') },
  ]);
  t.equal(v.code, OCF.ERR_GENERIC);
  t.equal(v.reason, 'service b failed: process 12 is gone (and c)');
});

t.test('some running and some stopped is an error too', async (t) => {
  const v = monitorVerdict([{ name: 'a', health: running }, { name: 'b', health: stopped }]);
  t.equal(v.code, OCF.ERR_GENERIC);
  t.equal(v.reason, 'service b not running while a run');
});
