import { describe, expect, it } from 'vitest';
import type { ResolvedBackoff } from '../../../src/job/job-definition.js';
import { backoffDelayMs } from '../../../src/worker/backoff.js';

const exponential: ResolvedBackoff = { type: 'exponential', delayMs: 1_000, maxMs: 300_000, jitter: 0.2 };
const fixed: ResolvedBackoff = { type: 'fixed', delayMs: 2_000, maxMs: 300_000, jitter: 0 };
const mid = () => 0.5; // jitter factor exactly 1
const lowest = () => 0; // factor 1 - jitter
const highest = () => 0.999_999; // factor just under 1 + jitter

describe('backoffDelayMs', () => {
  it.each([
    ['exponential, first retry', exponential, 1, mid, 1_000],
    ['exponential, doubles per attempt', exponential, 2, mid, 2_000],
    ['exponential, attempt 5', exponential, 5, mid, 16_000],
    ['exponential, capped at max', exponential, 20, mid, 300_000],
    ['exponential, jitter low end', exponential, 3, lowest, 3_200],
    ['exponential, jitter high end', exponential, 3, highest, 4_800],
    ['exponential, jitter never exceeds max', exponential, 12, highest, 300_000],
    ['fixed, every attempt the same', fixed, 7, lowest, 2_000],
    ['huge attempt numbers stay finite', exponential, 10_000, mid, 300_000],
  ] as const)('%s', (_title, backoff, attempt, random, expected) => {
    expect(backoffDelayMs(backoff, attempt, random)).toBe(expected);
  });

  it('keeps random delays within ±jitter of the base', () => {
    for (let i = 0; i < 200; i += 1) {
      const delay = backoffDelayMs(exponential, 4);
      expect(delay).toBeGreaterThanOrEqual(6_400);
      expect(delay).toBeLessThanOrEqual(9_600);
    }
  });
});
