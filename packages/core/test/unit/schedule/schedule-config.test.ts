/*
 * Bad schedules and rate limits are config errors before anything connects: each names its key path and a fix
 * (warren doctor exits 2 on them); in @Job they make the declaration invalid (WARREN_ERR_JOB_INVALID).
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Job, JobRegistry, Warren, buildConfigSchema, runDoctor, type Diagnostic } from '../../../src/index.js';
import { fakeRegistry } from '../config/fake-drivers.js';

const withSchedule = (schedule: unknown) => ({ version: 1, jobs: { pipelines: { reports: {} }, schedules: { 'reports.daily': schedule } } });
const withRateLimit = (rateLimit: unknown) => ({ version: 1, jobs: { pipelines: { reports: { rate_limit: rateLimit } } } });

describe('schedule and rate-limit config', () => {
  it.each<[string, object, Partial<Diagnostic> & { messageIncludes: string; hintIncludes: string }]>([
    ['an invalid cron expression', withSchedule('61 * * * *'),
      { path: 'jobs.schedules["reports.daily"]', messageIncludes: '"61 * * * *" is not a valid cron expression', hintIncludes: 'write 5 fields' }],
    ['an invalid cron expression in the long form', withSchedule({ cron: 'every day', pipeline: 'reports' }),
      { path: 'jobs.schedules["reports.daily"].cron', messageIncludes: 'not a valid cron expression', hintIncludes: '6 with seconds first' }],
    ['an unknown time zone', withSchedule({ cron: '0 6 * * *', tz: 'Mars/Olympus', pipeline: 'reports' }),
      { path: 'jobs.schedules["reports.daily"].tz', messageIncludes: '"Mars/Olympus" is not a known IANA time zone', hintIncludes: 'Europe/Berlin' }],
    ['a schedule on an undefined pipeline', withSchedule({ cron: '0 6 * * *', pipeline: 'nowhere' }),
      { code: 'WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND', path: 'jobs.schedules["reports.daily"].pipeline', messageIncludes: '`nowhere`', hintIncludes: 'define jobs.pipelines.nowhere' }],
    ['rate_limit.max of 0', withRateLimit({ max: 0, per: '1s' }),
      { path: 'jobs.pipelines.reports.rate_limit.max', messageIncludes: 'must be at least 1, but is the number 0', hintIncludes: 'max / N' }],
    ['a negative rate_limit.max', withRateLimit({ max: -5, per: '1s' }),
      { path: 'jobs.pipelines.reports.rate_limit.max', messageIncludes: 'must be at least 1', hintIncludes: 'at least 1' }],
    ['a rate_limit.per of 0', withRateLimit({ max: 5, per: 0 }),
      { path: 'jobs.pipelines.reports.rate_limit.per', messageIncludes: 'must be longer than 0', hintIncludes: '1s' }],
  ])('reports %s with its key path and a fix', async (_title, source, expected) => {
    const diagnostics = await runDoctor({ source, registry: fakeRegistry() });
    const found = diagnostics.find((d) => d.path === expected.path);
    expect(found, JSON.stringify(diagnostics, null, 2)).toBeDefined();
    expect(found).toMatchObject({ severity: 'error', code: expected.code ?? 'WARREN_ERR_CONFIG_INVALID' });
    expect(found!.message).toContain(expected.messageIncludes);
    expect(found!.hint).toContain(expected.hintIncludes);
  });

  it('reports a schedule for a job no loaded module declares, when it names no pipeline', async () => {
    const source = { version: 1, jobs: { schedules: { 'not.loaded': '0 * * * *', 'elsewhere': { cron: '0 * * * *', pipeline: 'default' } } } };
    const jobs = [{ name: 'loaded', className: 'Loaded', pipeline: 'default', timeoutMs: 1_000 }];
    const errors = (await runDoctor({ source, registry: fakeRegistry(), jobs })).filter((d) => d.severity === 'error');
    expect(errors).toEqual([expect.objectContaining({
      code: 'WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND', path: 'jobs.schedules["not.loaded"]', hint: expect.stringContaining('add pipeline: <name>'),
    })]);
  });

  it('parses both forms with their defaults', () => {
    const config = buildConfigSchema(fakeRegistry()).parse({
      version: 1,
      jobs: {
        pipelines: { reports: { rate_limit: { max: 100, per: '1m' } } },
        schedules: { a: '*/5 * * * *', b: { cron: '0 6 * * *', tz: 'Europe/Berlin', payload: { full: true }, catch_up: 'none', pipeline: 'reports' } },
      },
    });
    expect(config.jobs.pipelines.reports?.rateLimit).toEqual({ max: 100, perMs: 60_000 });
    expect(config.jobs.schedules).toEqual({
      a: { cron: '*/5 * * * *', tz: undefined, payload: {}, catchUp: 'latest', pipeline: undefined },
      b: { cron: '0 6 * * *', tz: 'Europe/Berlin', payload: { full: true }, catchUp: 'none', pipeline: 'reports' },
    });
  });

  it('refuses a Warren whose config has a bad schedule before creating any driver', async () => {
    await expect(Warren.fromConfig(withSchedule('nope'), { registry: new JobRegistry(), loadModules: false })).rejects.toMatchObject({ code: 'WARREN_ERR_CONFIG_INVALID' });
  });
});

describe('@Job schedule and rateLimit', () => {
  it.each([
    [{ schedule: '61 * * * *' }, 'schedule: "61 * * * *" is not a valid cron expression'],
    [{ schedule: { cron: '0 6 * * *', tz: 'Mars/Olympus' } }, 'schedule.tz: "Mars/Olympus" is not a known IANA time zone'],
    [{ schedule: { cron: '0 6 * * *', catch_up: 'all' } }, "schedule.catch_up must be 'none' or 'latest'"],
    [{ rateLimit: { max: 0, per: '1s' } }, 'rateLimit.max must be an integer >= 1, got 0'],
    [{ rateLimit: { max: 5, per: 'soon' } }, 'rateLimit.per "soon" is not a positive duration'],
  ])('rejects %j as WARREN_ERR_JOB_INVALID', (options, problem) => {
    const declare = () => Job(`invalid.${Math.random()}`, options as never)(class { handle() {} });
    expect(declare).toThrow(expect.objectContaining({ code: 'WARREN_ERR_JOB_INVALID', message: expect.stringContaining(problem) }));
  });

  it('resolves valid options onto the job definition', () => {
    const registry = new JobRegistry();
    const definition = registry.add(Job('valid.scheduled', { schedule: '*/10 * * * * *', rateLimit: { max: 20, per: '1s' } })(class { handle() {} }));
    expect(definition.schedule).toEqual({ cron: '*/10 * * * * *', tz: undefined, payload: {}, catchUp: 'latest' });
    expect(definition.rateLimit).toEqual({ max: 20, perMs: 1_000 });
  });
});
