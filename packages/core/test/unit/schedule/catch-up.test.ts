import { describe, expect, it } from 'vitest';
import { catchUpTick } from '../../../src/schedule/catch-up.js';
import { CronClock } from '../../../src/schedule/cron-clock.js';

describe('catchUpTick', () => {
  it.each([
    // lastFired, latestDue, catchUp → tick fired on takeover
    [1_000, 5_000, 'latest', 5_000], // ticks 2..5 missed: only the latest, once
    [1_000, 5_000, 'none', undefined], // missed ticks skipped
    [5_000, 5_000, 'latest', undefined], // nothing missed: the latest due tick was fired
    [6_000, 5_000, 'latest', undefined], // recorded by a scheduler whose clock runs ahead: nothing missed
    [undefined, 5_000, 'latest', undefined], // a new schedule: nothing to catch up
    [1_000, undefined, 'latest', undefined], // an expression with no past tick
  ] as const)('last fired %s, latest due %s, catch_up %s → %s', (lastFiredMs, latestDueMs, catchUp, expected) => {
    expect(catchUpTick({ lastFiredMs, latestDueMs, catchUp })).toBe(expected);
  });
});

describe('CronClock', () => {
  const at = (iso: string) => Date.parse(iso);

  it('reads 6-field expressions with seconds and finds the next tick strictly after a time', () => {
    const clock = new CronClock('*/10 * * * * *', undefined);
    expect(clock.nextAfter(at('2026-01-01T00:00:00.000Z'))).toBe(at('2026-01-01T00:00:10.000Z'));
    expect(clock.nextAfter(at('2026-01-01T00:00:09.999Z'))).toBe(at('2026-01-01T00:00:10.000Z'));
  });

  it('finds the latest tick at or before a time', () => {
    const clock = new CronClock('*/10 * * * * *', undefined);
    expect(clock.latestAtOrBefore(at('2026-01-01T00:00:10.000Z'))).toBe(at('2026-01-01T00:00:10.000Z'));
    expect(clock.latestAtOrBefore(at('2026-01-01T00:00:19.500Z'))).toBe(at('2026-01-01T00:00:10.000Z'));
  });

  it('reads the expression in its time zone (UTC by default)', () => {
    expect(new CronClock('0 6 * * *', undefined).nextAfter(at('2026-07-01T00:00:00Z'))).toBe(at('2026-07-01T06:00:00Z'));
    expect(new CronClock('0 6 * * *', 'Europe/Berlin').nextAfter(at('2026-07-01T00:00:00Z'))).toBe(at('2026-07-01T04:00:00Z'));
  });
});
