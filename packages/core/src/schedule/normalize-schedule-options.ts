/*
 * Validation of the `schedule` and `rateLimit` options of @Job into their resolved forms, collecting problems as
 * sentences (normalize-job-options.ts throws them together as WARREN_ERR_JOB_INVALID). Pure.
 */
import { tryParseDurationMs } from '../util/duration.js';
import { CRON_HINT, TIMEZONE_HINT, cronProblem, timezoneProblem } from './cron-check.js';
import { DEFAULT_CATCH_UP, type RateLimitOptions, type ResolvedRateLimit, type ResolvedScheduleFields, type ScheduleSpec } from './schedule-types.js';

/** The resolved `schedule` option, or undefined (none, or invalid: then `problems` says why). */
export function resolveScheduleOption(schedule: ScheduleSpec | undefined, problems: string[]): ResolvedScheduleFields | undefined {
  if (schedule === undefined) return undefined;
  const long = typeof schedule === 'string' ? { cron: schedule } : schedule;
  if (typeof long !== 'object' || long === null) {
    problems.push("schedule must be a cron expression or { cron, tz, payload, catch_up }");
    return undefined;
  }
  const before = problems.length;
  const cronIssue = cronProblem(long.cron);
  if (cronIssue) problems.push(`schedule: ${cronIssue}; ${CRON_HINT}`);
  if (long.tz !== undefined) {
    const tzIssue = timezoneProblem(long.tz);
    if (tzIssue) problems.push(`schedule.tz: ${tzIssue}; ${TIMEZONE_HINT}`);
  }
  const catchUp = long.catch_up ?? DEFAULT_CATCH_UP;
  if (catchUp !== 'none' && catchUp !== 'latest') problems.push(`schedule.catch_up must be 'none' or 'latest', got ${String(catchUp)}`);
  if (problems.length > before) return undefined;
  return { cron: long.cron, tz: long.tz, payload: long.payload ?? {}, catchUp };
}

/** The resolved `rateLimit` option, or undefined (none, or invalid: then `problems` says why). */
export function resolveRateLimitOption(rateLimit: RateLimitOptions | undefined, problems: string[]): ResolvedRateLimit | undefined {
  if (rateLimit === undefined) return undefined;
  if (typeof rateLimit !== 'object' || rateLimit === null) {
    problems.push("rateLimit must be an object like { max: 100, per: '1s' }");
    return undefined;
  }
  const before = problems.length;
  if (!Number.isInteger(rateLimit.max) || rateLimit.max <= 0) problems.push(`rateLimit.max must be an integer >= 1, got ${String(rateLimit.max)}; for a limit across N workers give each max / N`);
  const perMs = tryParseDurationMs(rateLimit.per);
  if (perMs === undefined || perMs <= 0) problems.push(`rateLimit.per ${JSON.stringify(rateLimit.per)} is not a positive duration (use e.g. 1s, 1m)`);
  return problems.length > before ? undefined : { max: rateLimit.max, perMs: perMs as number };
}
