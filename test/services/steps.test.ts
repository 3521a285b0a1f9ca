import t from 'tap';
import { stopWindow } from '../../lib/services/steps.ts';

t.test('each service gets its stop_timeout plus the SIGKILL reserve when there is time', async (t) => {
  t.equal(stopWindow(120_000, 20_000, 2), 21_000);
  t.equal(stopWindow(120_000, 20_000, 0), 21_000);
});

t.test('when time is short, the services still to stop keep enough for their SIGKILL', async (t) => {
  // 8 s left, three services of 10 s each: the first may use 8 s less two shares of 1 s
  t.equal(stopWindow(8000, 10_000, 2), 6000);
  t.equal(stopWindow(7000, 10_000, 1), 6000);
  t.equal(stopWindow(1000, 10_000, 0), 1000, 'the last one takes what is left');
  // very little left: each later service keeps an equal share of half of it
  const first = stopWindow(600, 10_000, 2);
  t.equal(first, 400);
  t.equal(stopWindow(0, 10_000, 2), 0);
});
