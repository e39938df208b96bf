/*
 * The redial schedule: the delay before redial attempt N, repeating the last step, with jitter.
 * Pure (the random source is injected) so it is table-tested; the connection manager owns the timer.
 * Also the schedule on which one channel (a consumer's, the publisher's) is reopened after a channel error.
 */

/** Channel recovery delays (consumer and publish channels); the last repeats. Short first: most channel errors are one-offs. */
export const CHANNEL_RETRY_SCHEDULE_MS: readonly number[] = [100, 500, 1_000, 2_000, 5_000];

/**
 * Delay before the `attempt`-th redial (1-based): `scheduleMs[attempt-1]`, or the last step once past
 * the end, spread by ±`jitter` (a fraction) using `random()` in [0, 1). Never negative.
 */
export function redialDelayMs(scheduleMs: readonly number[], attempt: number, jitter: number, random: () => number = Math.random): number {
  if (scheduleMs.length === 0) return 0;
  const index = Math.min(Math.max(attempt, 1), scheduleMs.length) - 1;
  const baseMs = scheduleMs[index] as number;
  // random() in [0,1) → factor in [1-jitter, 1+jitter): spreads a fleet of workers that lost the broker together.
  const factor = 1 + jitter * (2 * random() - 1);
  return Math.max(0, Math.round(baseMs * factor));
}
