import { describe, expect, it } from 'vitest';
import { computeRates, parseJobTotals } from '../../../src/dashboard/job-rates.js';

const METRICS = [
  '# HELP warren_jobs_total Job attempts by outcome.',
  '# TYPE warren_jobs_total counter',
  'warren_jobs_total{pipeline="emails",job="emails.welcome",outcome="succeeded",reason=""} 10',
  'warren_jobs_total{pipeline="emails",job="emails.reset",outcome="succeeded",reason=""} 5',
  'warren_jobs_total{pipeline="emails",job="emails.welcome",outcome="retried",reason="error"} 3',
  'warren_jobs_total{pipeline="emails",job="(unknown)",outcome="dead_lettered",reason="unknown-job"} 2',
  'warren_jobs_total{pipeline="reports",job="reports.build",outcome="failed",reason="WARREN_ERR_JOB_TIMEOUT"} 1',
  'warren_job_duration_seconds_count{pipeline="emails",job="emails.welcome",outcome="succeeded"} 10',
  'warren_jobs_in_flight{pipeline="emails"} 4',
].join('\n');

describe('parseJobTotals', () => {
  it('sums warren_jobs_total per pipeline and outcome and ignores every other metric', () => {
    expect(Object.fromEntries(parseJobTotals(METRICS))).toEqual({
      emails: { succeeded: 15, failed: 0, retried: 3, dead_lettered: 2 },
      reports: { succeeded: 0, failed: 1, retried: 0, dead_lettered: 0 },
    });
  });

  it('adds several workers\' texts into one total', () => {
    const totals = parseJobTotals(METRICS);
    parseJobTotals(METRICS, totals);
    expect(totals.get('emails')?.succeeded).toBe(30);
  });

  it.each([
    ['an unknown outcome', 'warren_jobs_total{pipeline="p",job="j",outcome="exploded",reason=""} 1'],
    ['no pipeline label', 'warren_jobs_total{job="j",outcome="succeeded",reason=""} 1'],
    ['a value that is not a number', 'warren_jobs_total{pipeline="p",job="j",outcome="succeeded",reason=""} NaN'],
  ])('skips a sample with %s', (_, line) => {
    expect(parseJobTotals(line).size).toBe(0);
  });
});

describe('computeRates', () => {
  const counts = (succeeded: number, failed = 0, retried = 0, deadLettered = 0) => ({ succeeded, failed, retried, dead_lettered: deadLettered });
  it.each([
    ['per second over the elapsed time', counts(10, 2), counts(30, 4, 1), 2_000, counts(10, 1, 0.5)],
    ['from zero for a pipeline seen for the first time', undefined, counts(4), 1_000, counts(4)],
    ['from zero when a counter went down (the worker restarted)', counts(100), counts(6), 2_000, counts(3)],
    ['zero when no time passed', counts(1), counts(5), 0, counts(0)],
  ])('computes rates %s', (_, previous, next, elapsedMs, expected) => {
    expect(computeRates(previous, next, elapsedMs)).toEqual(expected);
  });
});
