/*
 * Backoff delays between attempts: fixed or exponential, spread by jitter, capped. Pure; the random
 * source is a parameter so tests can pin it.
 */
import type { ResolvedBackoff } from '../job/job-definition.js';

/** A source of numbers in [0, 1), like Math.random. */
export type RandomSource = () => number;

/**
 * The delay before retrying after attempt `failedAttempt` (1-based) failed.
 * Exponential: `delayMs * 2^(failedAttempt - 1)`; fixed: `delayMs`. Jitter multiplies by a factor in
 * [1 - jitter, 1 + jitter]; the result never exceeds `maxMs` and is a whole number of milliseconds.
 */
export function backoffDelayMs(backoff: ResolvedBackoff, failedAttempt: number, random: RandomSource = Math.random): number {
  const step = Math.max(1, Math.floor(failedAttempt));
  // Cap the exponent so 2^n stays finite for absurd attempt counts.
  const base = backoff.type === 'exponential' ? backoff.delayMs * 2 ** Math.min(step - 1, 52) : backoff.delayMs;
  const factor = 1 + backoff.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(base * factor, backoff.maxMs)));
}
