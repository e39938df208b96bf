import { describe, expect, it } from 'vitest';
import { formatSchedules, schedulesJson, type ScheduleRow } from '../../../src/output/format-schedules.js';
import { formatStatusJson } from '../../../src/output/format-status.js';

const rows: ScheduleRow[] = [
  { job: 'reports.daily', pipeline: 'reports', cron: '0 6 * * *', tz: 'Europe/Berlin', nextRunMs: Date.parse('2026-12-03T05:00:00Z'), lastRunMs: Date.parse('2026-12-02T05:00:00Z'), holder: 'web-1:4242', candidates: 3 },
  { job: 'billing.close', pipeline: 'billing', cron: '0 0 1 * *', tz: undefined, nextRunMs: Date.parse('2027-01-01T00:00:00Z'), lastRunMs: undefined, holder: undefined, candidates: 0 },
  { job: 'orphan', pipeline: undefined, cron: '* * * * *', tz: undefined, nextRunMs: undefined, lastRunMs: undefined, holder: undefined, candidates: undefined },
];

describe('formatSchedules', () => {
  it('prints each schedule with next run, last run and holder, after a blank line', () => {
    expect(formatSchedules(rows)).toEqual([
      '',
      'SCHEDULE       PIPELINE  CRON       TZ             NEXT RUN                  LAST RUN                  HOLDER',
      'reports.daily  reports   0 6 * * *  Europe/Berlin  2026-12-03T05:00:00.000Z  2026-12-02T05:00:00.000Z  web-1:4242',
      'billing.close  billing   0 0 1 * *  UTC            2027-01-01T00:00:00.000Z  -                         none (no worker running)',
      'orphan         -         * * * * *  UTC            -                         -                         -',
    ]);
  });

  it('prints nothing when there are no schedules, and leaves them out of the JSON', () => {
    expect(formatSchedules([])).toEqual([]);
    expect(JSON.parse(formatStatusJson([], [], { schedules: [] }))).toEqual({ pipelines: [], connections: {} });
  });

  it('gives JSON with ISO times and null for what is unknown', () => {
    expect(schedulesJson(rows.slice(1))).toEqual([
      { job: 'billing.close', pipeline: 'billing', cron: '0 0 1 * *', tz: 'UTC', nextRun: '2027-01-01T00:00:00.000Z', lastRun: null, holder: null, candidates: 0 },
      { job: 'orphan', pipeline: null, cron: '* * * * *', tz: 'UTC', nextRun: null, lastRun: null, holder: null, candidates: null },
    ]);
    expect(JSON.parse(formatStatusJson([], [], { schedules: rows })).schedules).toHaveLength(3);
  });
});
