import { afterEach, describe, expect, it, vi } from 'vitest';
import { CoarseClock } from '../../../src/services/authz/coarse-clock.js';

/** A controllable `performance.now()`. */
function fakeNow(start: number) {
  const time = { t: start };
  const spy = vi.spyOn(performance, 'now').mockImplementation(() => time.t);
  return { time, spy };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('CoarseClock (TTL reads on the hot path)', () => {
  it('reads the real clock once and serves that value for the rest of the turn, never ahead of it', () => {
    const { time, spy } = fakeNow(100);
    const clock = new CoarseClock();
    expect(clock.now()).toBe(100);
    time.t = 150;
    for (let i = 0; i < 100; i += 1) expect(clock.now()).toBe(100);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('reads the real clock again in the next event-loop turn', async () => {
    const { time } = fakeNow(100);
    const clock = new CoarseClock();
    expect(clock.now()).toBe(100);
    time.t = 150;
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.now()).toBe(150);
  });

  it('reads it again after 1,024 reads even when the turn never ends (a loop of awaits on settled promises)', async () => {
    const { time } = fakeNow(100);
    const clock = new CoarseClock();
    clock.now();
    time.t = 150;
    const seen = new Set<number>();
    for (let i = 0; i < 1_024; i += 1) {
      seen.add(clock.now());
      await Promise.resolve();
    }
    expect([...seen]).toEqual([100]);
    expect(clock.now()).toBe(150);
  });

  it('fresh() is the real clock, and later reads in the turn are no older than it', () => {
    const { time } = fakeNow(100);
    const clock = new CoarseClock();
    clock.now();
    time.t = 175;
    expect(clock.fresh()).toBe(175);
    expect(clock.now()).toBe(175);
  });
});
