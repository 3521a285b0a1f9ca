/** Role changes as the application sees them (RoleDebouncer, with an injected clock). */
import t from 'tap';
import { RoleDebouncer, type Timers } from '../../lib/monitor/debounce.ts';

type Role = 'active' | 'standby' | 'unknown';

/** A manual clock: timers fire when `advance` passes them. */
function clock(): Timers & { advance(ms: number): void } {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (h) => void timers.delete(h as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = [...timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = end;
    },
  };
}

function make(holdMs = 1000, unknownAfterMs = 3000) {
  const c = clock();
  const got: string[] = [];
  const d = new RoleDebouncer<Role>('unknown', { holdMs, unknownAfterMs, unknown: 'unknown', timers: c, deliver: (r, p) => got.push(`${c.now()}:${p}>${r}`) });
  return { c, d, got };
}

t.test('the first role, and active after a quiet period, are delivered at once', async (t) => {
  const { c, d, got } = make();
  d.observe('standby');
  c.advance(5000);
  d.observe('active');
  t.same(got, ['0:unknown>standby', '5000:standby>active']);
});

t.test('a flapping resource: 40 changes in 2 s cost the application at most one change per hold', async (t) => {
  const { c, d, got } = make(1000);
  d.observe('standby');
  c.advance(5000);
  for (let i = 0; i < 40; i++) {
    d.observe(i % 2 === 0 ? 'active' : 'standby');
    c.advance(50);
  }
  c.advance(5000);
  // active at once, then the hold; at its end the latest (standby) differs: delivered; then quiet
  t.same(got, ['0:unknown>standby', '5000:standby>active', '6000:active>standby']);
});

t.test('a flap that returns to the delivered role within the hold delivers nothing more', async (t) => {
  const { c, d, got } = make(1000);
  d.observe('active');
  c.advance(100);
  d.observe('standby'); // delivered at once (the first after unknown opened no hold)
  c.advance(100);
  d.observe('active'); // within the hold: held
  c.advance(200);
  d.observe('standby'); // back to the delivered role before the hold ends
  c.advance(3000);
  t.same(got, ['0:unknown>active', '100:active>standby']);
});

t.test('unknown must last unknownAfterMs; a known role in between cancels it', async (t) => {
  const { c, d, got } = make(1000, 3000);
  d.observe('active');
  d.observe('unknown');
  c.advance(2000);
  d.observe('active'); // the blip is over
  c.advance(5000);
  t.same(got, ['0:unknown>active'], 'a 2 s blip changes nothing');
  d.observe('unknown');
  c.advance(3000);
  t.same(got, ['0:unknown>active', '10000:active>unknown'], 'a lasting one is delivered after 3 s');
  d.observe('active');
  t.same(got.at(-1), '10000:unknown>active', 'and news after unknown at once');
});

t.test('close stops every timer', async (t) => {
  const { c, d, got } = make(1000, 3000);
  d.observe('active');
  d.observe('unknown');
  d.close();
  c.advance(10_000);
  t.same(got, ['0:unknown>active']);
});
