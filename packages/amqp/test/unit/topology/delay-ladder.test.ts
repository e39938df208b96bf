import { describe, expect, it } from 'vitest';
import { MAX_DELAY_MS } from '@warren/core';
import {
  DELAY_LADDER_BASE_MS, DELAY_LADDER_FLOOR_MS, DELAY_LADDER_MS, DELAY_LADDER_RATIO, DELAY_LADDER_TOP_MS, delayStepMs,
} from '../../../src/topology/delay-ladder.js';

const DAY_MS = 24 * 3_600_000;

/** The lateness bound of DESIGN.md: a rounded-up delay is at most 10 % + 50 ms late. */
function maxLateMs(delayMs: number): number {
  return 0.1 * delayMs + 50;
}

describe('the delay ladder', () => {
  it('has 167 steps from 50 ms to exactly 7 days, so a pipeline creates at most 167 delay queues', () => {
    expect(DELAY_LADDER_MS).toHaveLength(167);
    expect(DELAY_LADDER_MS[0]).toBe(DELAY_LADDER_FLOOR_MS);
    expect(DELAY_LADDER_MS[1]).toBe(DELAY_LADDER_BASE_MS);
    expect(DELAY_LADDER_MS.at(-1)).toBe(7 * DAY_MS);
    expect(DELAY_LADDER_TOP_MS).toBe(MAX_DELAY_MS);
  });

  it('climbs in whole milliseconds by at most 1.1 per step from 100 ms', () => {
    for (let index = 2; index < DELAY_LADDER_MS.length; index += 1) {
      const [previous, step] = [DELAY_LADDER_MS[index - 1] as number, DELAY_LADDER_MS[index] as number];
      expect(Number.isInteger(step)).toBe(true);
      expect(step).toBeGreaterThan(previous);
      expect(step / previous).toBeLessThanOrEqual(DELAY_LADDER_RATIO);
    }
  });

  it.each([
    ['1 ms goes to the 50 ms floor', 1, 50],
    ['a fraction of a millisecond too', 0.4, 50],
    ['50 ms is a step', 50, 50],
    ['51 ms goes to 100 ms', 51, 100],
    ['100 ms is a step', 100, 100],
    ['101 ms goes to 110 ms', 101, 110],
    ['300 ms goes to 309 ms', 300, 309],
    ['1 s', 1_000, 1_053],
    ['the default first retry (1 s with 0.2 jitter) at its low end', 800, 871],
    ['5 minutes, the default backoff cap', 300_000, 319_299],
    ['7 days is the top step', 7 * DAY_MS, 7 * DAY_MS],
    ['just under 7 days goes to the top', 7 * DAY_MS - 1, 7 * DAY_MS],
  ])('rounds up: %s', (_title, delayMs, expected) => {
    expect(delayStepMs(delayMs)).toBe(expected);
  });

  it.each([
    ['no delay', 0],
    ['a negative delay', -5],
    ['NaN', Number.NaN],
    ['one millisecond over 7 days', 7 * DAY_MS + 1],
    ['30 days', 30 * DAY_MS],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('has no step for %s', (_title, delayMs) => {
    expect(delayStepMs(delayMs)).toBeUndefined();
  });

  it('is never earlier than asked and at most 10 % + 50 ms later, at every step edge and between', () => {
    const probes = new Set<number>([1, 2, 49, 99]);
    for (const step of DELAY_LADDER_MS) for (const delta of [-1, 0, 1]) probes.add(step + delta);
    for (let delayMs = 1; delayMs < 20_000; delayMs += 7) probes.add(delayMs);
    for (const delayMs of probes) {
      if (delayMs <= 0 || delayMs > DELAY_LADDER_TOP_MS) continue;
      const stepMs = delayStepMs(delayMs) as number;
      expect(stepMs, `delay ${delayMs}`).toBeGreaterThanOrEqual(delayMs);
      expect(stepMs - delayMs, `delay ${delayMs}`).toBeLessThanOrEqual(maxLateMs(delayMs));
    }
  });

  it('maps the default backoff (1 s to 5 min, exponential, 0.2 jitter) onto 63 steps, not one per millisecond', () => {
    const steps = new Set<number>();
    for (let delayMs = 800; delayMs <= 300_000; delayMs += 1) steps.add(delayStepMs(delayMs) as number);
    expect(steps.size).toBe(63);
  });
});
