/*
 * The schedule and rate-limit options as users write them (@Job and warren.yaml) and their resolved forms.
 * Types only; validation is in cron-check.ts and the config schema, firing in pipeline-scheduler.ts.
 */
import type { Duration } from '../util/duration.js';

/** What a scheduler that was down does about ticks it missed: fire the latest one once, or skip them. */
export type CatchUp = 'none' | 'latest';

/** The long form of a schedule. */
export interface ScheduleOptions<TPayload = unknown> {
  /** Cron expression: 5 fields (minute precision) or 6 with a leading seconds field. */
  readonly cron: string;
  /** IANA time zone the expression is read in (e.g. `Europe/Berlin`). Default UTC. */
  readonly tz?: string;
  /** Payload of every dispatched job. Default `{}`. */
  readonly payload?: TPayload;
  /** Missed ticks on takeover: `latest` (default) fires the latest one once, `none` skips them. */
  readonly catch_up?: CatchUp;
}

/** `@Job(name, { schedule })`: a cron expression, or the long form. */
export type ScheduleSpec<TPayload = unknown> = string | ScheduleOptions<TPayload>;

/** `@Job(name, { rateLimit })` and `jobs.pipelines.<name>.rate_limit`: at most `max` job starts per `per`. */
export interface RateLimitOptions {
  readonly max: number;
  readonly per: Duration;
}

/** A rate limit with its window in milliseconds. */
export interface ResolvedRateLimit {
  readonly max: number;
  readonly perMs: number;
}

/** A schedule with its defaults applied. */
export interface ResolvedScheduleFields {
  readonly cron: string;
  /** Undefined means UTC. */
  readonly tz: string | undefined;
  readonly payload: unknown;
  readonly catchUp: CatchUp;
}

/** One schedule a scheduler runs: which job, on which pipeline, when. */
export interface ResolvedSchedule extends ResolvedScheduleFields {
  readonly job: string;
  readonly pipeline: string;
  /** Where it was declared, for messages: `@Job` or `jobs.schedules.<job>`. */
  readonly source: string;
}

/** The default of `catch_up`. */
export const DEFAULT_CATCH_UP: CatchUp = 'latest';
