/*
 * `warren doctor` on bad schedules and rate limits, through the built binary: an invalid cron expression, an unknown
 * time zone and rate_limit.max <= 0 in warren.yaml, and the same in @Job options, each exit 2 with the key path and
 * a fix, before anything connects (the broker URL points at a port nothing listens on).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runWarren } from './cli-harness.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function project(files: Record<string, string>): string {
  const { dir, cleanup } = makeProject(files);
  cleanups.push(cleanup);
  return dir;
}

describe('warren doctor on schedules and rate limits', () => {
  it('exits 2 naming a bad cron expression, an unknown time zone and rate_limit.max <= 0 in warren.yaml', async () => {
    const dir = project({
      'warren.yaml': `version: 1
amqp: { urls: ["amqp://guest:guest@127.0.0.1:1"] }
jobs:
  pipelines:
    reports:
      driver: amqp
      rate_limit: { max: 0, per: 1s }
  schedules:
    reports.daily: "61 6 * * *"
    reports.hourly: { cron: "0 * * * *", tz: Mars/Olympus, pipeline: reports }
`,
    });
    const { code, stdout } = await runWarren(['doctor'], dir);
    expect(code, stdout).toBe(2);
    const lines = stdout.split('\n');
    expect(lines.find((l) => l.includes('rate_limit.max'))).toMatch(/^warren\.yaml:7 +error +jobs\.pipelines\.reports\.rate_limit\.max: must be at least 1, but is the number 0 → fix: .*max \/ N/);
    expect(lines.find((l) => l.includes('reports.daily'))).toMatch(/^warren\.yaml:9 +error +jobs\.schedules\["reports\.daily"\]: "61 6 \* \* \*" is not a valid cron expression .*→ fix: write 5 fields/);
    expect(lines.find((l) => l.includes('.tz'))).toMatch(/^warren\.yaml:10 +error +jobs\.schedules\["reports\.hourly"\]\.tz: "Mars\/Olympus" is not a known IANA time zone → fix: use an IANA time zone name/);
    expect(lines.at(-1)).toBe('3 errors, 0 warnings in warren.yaml');
  });

  it('exits 2 on the same mistakes in @Job options, naming the job and each problem', async () => {
    const dir = project({
      'warren.yaml': 'version: 1\njobs:\n  modules: ["jobs/*.js"]\n',
      'jobs/reports.js': `import { Job } from '@warren/core';
export const Daily = Job('reports.daily', { schedule: { cron: '0 6 * * *', tz: 'Mars/Olympus' }, rateLimit: { max: 0, per: '1s' } })(class { handle() {} });
export const Hourly = Job('reports.hourly', { schedule: '0 61 * * *' })(class { handle() {} });
`,
    });
    const { code, stdout } = await runWarren(['doctor'], dir);
    expect(code, stdout).toBe(2);
    // Modules load in order and the first invalid declaration stops the import: it is reported with every problem it has.
    expect(stdout).toMatch(/error +@Job\('reports\.daily'\): .*schedule\.tz: "Mars\/Olympus" is not a known IANA time zone.*rateLimit\.max must be an integer >= 1, got 0.* → fix: /);
    expect(stdout).not.toContain('job modules not loaded');
  });
});
