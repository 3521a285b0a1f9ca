import t from 'tap';
import { summarize } from '../../lib/services/verdict.ts';

const running = { state: 'running' as const, pid: 1 };
const stopped = { state: 'stopped' as const };
const failed = (reason: string) => ({ state: 'failed' as const, reason, pid: null });
const unavailable = (reason: string) => ({ state: 'unavailable' as const, reason });

t.test('all running is running, all stopped is stopped', async (t) => {
  t.same(summarize([{ name: 'a', health: running }, { name: 'b', health: running }]), { state: 'running' });
  t.same(summarize([{ name: 'a', health: stopped }, { name: 'b', health: stopped }]), { state: 'stopped' });
});

t.test('a failed service is a failure naming it', async (t) => {
  const v = summarize([
    { name: 'a', health: running },
    { name: 'b', health: failed('process 12 is gone') },
    { name: 'c', health: failed('check exit 1') },
  ]);
  t.same(v, { state: 'failed', reason: 'service b failed: process 12 is gone (and c)' });
});

t.test('some running and some stopped is a failure too', async (t) => {
  t.same(summarize([{ name: 'a', health: running }, { name: 'b', health: stopped }]), { state: 'failed', reason: 'service b not running while a run' });
});

t.test('unavailable counts only while nothing runs', async (t) => {
  t.same(summarize([{ name: 'a', health: stopped }, { name: 'b', health: unavailable('systemd is not running') }]), {
    state: 'unavailable',
    reason: 'service b: systemd is not running',
  });
  // something of ours runs: that it cannot be checked does not make it "not installed"
  t.same(summarize([{ name: 'a', health: running }, { name: 'b', health: unavailable('systemd is not running') }]), {
    state: 'failed',
    reason: 'service b not running while a run',
  });
});
