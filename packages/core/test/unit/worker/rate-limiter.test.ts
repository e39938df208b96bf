import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/worker/rate-limiter.js';

/** The times at which `count` starts are let through when each asks as early as it may, from t = 0. */
function startTimes(max: number, perMs: number, count: number): number[] {
  const limiter = new RateLimiter({ max, perMs });
  const times: number[] = [];
  let nowMs = 0;
  while (times.length < count) {
    nowMs += limiter.waitMs(nowMs);
    limiter.take(nowMs);
    times.push(nowMs);
  }
  return times;
}

describe('RateLimiter', () => {
  it.each([
    // max, per, starts → when each start is let through (ms)
    [20, 1_000, 5, [0, 50, 100, 150, 200]],
    [1, 1_000, 3, [0, 1_000, 2_000]],
    [10, 60_000, 3, [0, 6_000, 12_000]],
    // Above 100 per second up to 10 ms of starts may go together (timers cannot wake every 0.2 ms).
    [5_000, 1_000, 4, [0, 0, 0, 0]],
  ])('%i per %i ms spaces %i starts at %j', (max, perMs, count, expected) => {
    expect(startTimes(max, perMs, count)).toEqual(expected);
  });

  it('lets at most max starts into any window of per (spacing of 10 ms and more)', () => {
    for (const [max, perMs] of [[20, 1_000], [3, 100], [100, 1_000]] as const) {
      const times = startTimes(max, perMs, max * 3);
      for (const start of times) expect(times.filter((t) => t >= start && t < start + perMs).length).toBeLessThanOrEqual(max);
    }
  });

  it('takes 100 starts at 20 per second over at least 4.5 s', () => {
    expect(startTimes(20, 1_000, 100).at(-1)).toBeGreaterThanOrEqual(4_500);
  });

  it('does not save up unused time: a start after a quiet spell is followed by the full spacing', () => {
    const limiter = new RateLimiter({ max: 2, perMs: 1_000 });
    limiter.take(0);
    expect(limiter.waitMs(10_000)).toBe(0);
    limiter.take(10_000);
    expect(limiter.waitMs(10_000)).toBe(500);
  });
});
