/*
 * The delay ladder: the fixed, finite set of delays that a pipeline's delay queues (Q.delay.<ms>) can have. A
 * requested delay is rounded up to the next step, never down, so jitter no longer makes one queue per distinct
 * millisecond and a pipeline can never create more than DELAY_LADDER_MS.length delay queues. Pure; it does not
 * decide what happens to a delay above the top step (the driver rejects it, see amqp-driver.ts).
 */
import { MAX_DELAY_MS } from '@warren/core';

/** Growth factor between consecutive steps from 100 ms up: a rounded-up delay is at most 10 % late. */
export const DELAY_LADDER_RATIO = 1.1;

/** Where the geometric part of the ladder starts. */
export const DELAY_LADDER_BASE_MS = 100;

/**
 * The step below the geometric part: without it a 1 ms delay would wait 100 ms. With it, any delay up to 100 ms is at
 * most 50 ms late, which is where the "+ 50 ms" of the lateness bound comes from.
 */
export const DELAY_LADDER_FLOOR_MS = 50;

/** The top step: 7 days, core's MAX_DELAY_MS (the longest delay Warren accepts on any driver). */
export const DELAY_LADDER_TOP_MS = MAX_DELAY_MS;

function buildLadder(): readonly number[] {
  const steps = [DELAY_LADDER_FLOOR_MS];
  // Whole milliseconds rounded down, so no ratio between neighbours exceeds DELAY_LADDER_RATIO.
  for (let step = DELAY_LADDER_BASE_MS; step < DELAY_LADDER_TOP_MS; step = Math.floor(step * DELAY_LADDER_RATIO)) steps.push(step);
  steps.push(DELAY_LADDER_TOP_MS);
  return Object.freeze(steps);
}

/** Every step, ascending: 50, 100, 110, 121, 133, …, 604800000 (167 steps, so at most 167 delay queues per pipeline). */
export const DELAY_LADDER_MS: readonly number[] = buildLadder();

/**
 * The step a delay is rounded up to: the smallest step >= `delayMs`. Undefined for a delay of 0 or less (no delay
 * queue), for one above the top step, and for NaN. Never earlier than asked, at most 10 % + 50 ms later.
 */
export function delayStepMs(delayMs: number): number | undefined {
  if (!(delayMs > 0) || delayMs > DELAY_LADDER_TOP_MS) return undefined;
  let low = 0;
  let high = DELAY_LADDER_MS.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((DELAY_LADDER_MS[middle] as number) >= delayMs) high = middle;
    else low = middle + 1;
  }
  return DELAY_LADDER_MS[low];
}
