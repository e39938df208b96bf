/*
 * The catch-up rule, pure: when a process becomes the scheduler, which missed tick (if any) it fires at once.
 * A tick is missed when it is due and later than the last tick any scheduler recorded. `latest` fires only
 * the latest missed tick (once), `none` fires none. A schedule with no recorded tick is new: nothing is missed.
 */
import type { CatchUp } from './schedule-types.js';

export interface CatchUpInput {
  /** The last tick fired by any scheduler of this schedule, as recorded; undefined when none ever fired. */
  readonly lastFiredMs: number | undefined;
  /** The latest tick at or before now; undefined when the expression has none. */
  readonly latestDueMs: number | undefined;
  readonly catchUp: CatchUp;
}

/** The tick to fire now, or undefined. */
export function catchUpTick(input: CatchUpInput): number | undefined {
  const { lastFiredMs, latestDueMs, catchUp } = input;
  if (catchUp === 'none' || lastFiredMs === undefined || latestDueMs === undefined) return undefined;
  return latestDueMs > lastFiredMs ? latestDueMs : undefined;
}
