/*
 * The zod schemas of `jobs.schedules.<job>` and `jobs.pipelines.<name>.rate_limit`: the single source of their
 * defaults, validation (cron through croner, time zones through Intl) and doctor messages, each with a fix.
 */
import { z } from 'zod';
import { durationMs, integer } from '../config/schema-primitives.js';
import { CRON_HINT, TIMEZONE_HINT, cronProblem, timezoneProblem } from './cron-check.js';
import { DEFAULT_CATCH_UP, type ResolvedRateLimit, type ResolvedScheduleFields } from './schedule-types.js';

type IssueSink = { issues: Array<Record<string, unknown>> };

function addCronIssues(ctx: IssueSink, cron: string, tz: string | undefined, cronPath: PropertyKey[]): void {
  const cronIssue = cronProblem(cron);
  if (cronIssue) ctx.issues.push({ code: 'custom', input: cron, path: cronPath, message: cronIssue, params: { warrenHint: CRON_HINT } });
  const tzIssue = tz === undefined ? undefined : timezoneProblem(tz);
  if (tzIssue) ctx.issues.push({ code: 'custom', input: tz, path: ['tz'], message: tzIssue, params: { warrenHint: TIMEZONE_HINT } });
}

const scheduleObjectSchema = z.strictObject({
  cron: z.string().describe("Cron expression: 5 fields, or 6 with seconds first ('*/10 * * * * *')."),
  tz: z.string().optional().describe('IANA time zone the expression is read in. Default UTC.'),
  payload: z.unknown().optional().describe('Payload of every dispatched job. Default {}.'),
  catch_up: z.enum(['none', 'latest']).default(DEFAULT_CATCH_UP).describe('On takeover after no scheduler ran: `latest` fires the latest missed tick once, `none` skips missed ticks.'),
  pipeline: z.string().min(1).optional().describe('Pipeline of the job; needed only when no @Job of that name is loaded in the worker.'),
});

/** A configured schedule: the resolved fields plus an optional pipeline. */
export interface ConfiguredSchedule extends ResolvedScheduleFields {
  readonly pipeline: string | undefined;
}

/** One entry of `jobs.schedules`, keyed by job name: a cron expression or the long form. */
export const scheduleEntrySchema = z
  .union([z.string(), scheduleObjectSchema])
  .transform((entry, ctx): ConfiguredSchedule => {
    const long = typeof entry === 'string' ? { cron: entry, tz: undefined, payload: undefined, catch_up: DEFAULT_CATCH_UP, pipeline: undefined } : entry;
    addCronIssues(ctx as unknown as IssueSink, long.cron, long.tz, typeof entry === 'string' ? [] : ['cron']);
    return { cron: long.cron, tz: long.tz, payload: long.payload ?? {}, catchUp: long.catch_up, pipeline: long.pipeline };
  })
  .describe("A cron expression ('*/5 * * * *'), or { cron, tz, payload, catch_up, pipeline }. Each tick dispatches the job once across all workers.");

/** `rate_limit` of a pipeline: at most `max` job starts per `per`, in each worker process. */
export const rateLimitSchema = z
  .strictObject({
    max: integer(1).describe('Jobs that may start per `per` in one worker process; at least 1. For a limit across N workers, give each max / N.'),
    per: durationMs().describe('The window of `max`, e.g. 1s or 1m; more than 0.'),
  })
  .transform((limit, ctx): ResolvedRateLimit => {
    if (limit.per <= 0) {
      (ctx as unknown as IssueSink).issues.push({ code: 'custom', input: limit.per, path: ['per'], message: 'must be longer than 0', params: { warrenHint: 'write a window such as 1s or 1m' } });
    }
    return { max: limit.max, perMs: limit.per };
  });
