/*
 * The schedules part of `warren status`: one row per schedule with its next run, last recorded run and the
 * process holding its pipeline's scheduler. Times are ISO 8601 UTC; unknown values show as "-" (null in JSON).
 */
import { formatTable } from './format-table.js';

export interface ScheduleRow {
  readonly job: string;
  /** Undefined when the config names no pipeline and no running scheduler announced the job. */
  readonly pipeline: string | undefined;
  readonly cron: string;
  readonly tz: string | undefined;
  readonly nextRunMs: number | undefined;
  readonly lastRunMs: number | undefined;
  /** `host:pid` of the process holding the scheduler; undefined when none runs. */
  readonly holder: string | undefined;
  /** Processes taking part in the election; undefined when unknown. */
  readonly candidates: number | undefined;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** The schedules table lines (none when there are no schedules). */
export function formatSchedules(rows: readonly ScheduleRow[]): string[] {
  if (rows.length === 0) return [];
  return ['', ...formatTable(
    ['SCHEDULE', 'PIPELINE', 'CRON', 'TZ', 'NEXT RUN', 'LAST RUN', 'HOLDER'],
    rows.map((r) => [r.job, r.pipeline, r.cron, r.tz ?? 'UTC', iso(r.nextRunMs), iso(r.lastRunMs), r.holder ?? (r.candidates === 0 ? 'none (no worker running)' : undefined)]),
  )];
}

/** The `schedules` entries of `warren status --json`. */
export function schedulesJson(rows: readonly ScheduleRow[]): object[] {
  return rows.map((r) => ({
    job: r.job, pipeline: r.pipeline ?? null, cron: r.cron, tz: r.tz ?? 'UTC', nextRun: iso(r.nextRunMs) ?? null, lastRun: iso(r.lastRunMs) ?? null,
    holder: r.holder ?? null, candidates: r.candidates ?? null,
  }));
}
