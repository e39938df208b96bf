import { describe, expect, it } from 'vitest';
import { redialDelayMs } from '../../../src/connection/redial-schedule.js';

const SCHEDULE = [100, 500, 1_000, 1_000, 2_000, 2_000, 5_000, 15_000, 25_000];
const middle = () => 0.5; // no jitter effect

describe('redialDelayMs', () => {
  it.each([
    [1, 100], [2, 500], [3, 1_000], [7, 5_000], [8, 15_000], [9, 25_000], [10, 25_000], [1_000, 25_000],
  ])('attempt %i waits %ims (the last step repeats)', (attempt, expectedMs) => {
    expect(redialDelayMs(SCHEDULE, attempt, 0.2, middle)).toBe(expectedMs);
  });

  it('treats attempt 0 or below as the first step', () => {
    expect(redialDelayMs(SCHEDULE, 0, 0, middle)).toBe(100);
  });

  it.each([
    [0, 1_000 * 0.8], [0.999999, 1_000 * 1.2], [0.25, 1_000 * 0.9], [0.75, 1_000 * 1.1],
  ])('with jitter 0.2 and random %f gives %fms for a 1s step', (random, expectedMs) => {
    expect(redialDelayMs([1_000], 1, 0.2, () => random)).toBeCloseTo(expectedMs, 0);
  });

  it('stays within ±jitter over many random draws', () => {
    for (let i = 0; i < 1_000; i++) {
      const delayMs = redialDelayMs([2_000], 1, 0.3);
      expect(delayMs).toBeGreaterThanOrEqual(1_400);
      expect(delayMs).toBeLessThanOrEqual(2_600);
    }
  });

  it('never goes negative and tolerates an empty schedule', () => {
    expect(redialDelayMs([10], 1, 1, () => 0)).toBe(0);
    expect(redialDelayMs([], 3, 0.2)).toBe(0);
  });
});
