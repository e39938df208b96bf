import { describe, expect, it } from 'vitest';
import { jobTimeoutCheck } from '../../../../src/doctor/checks/job-timeout-check.js';
import { configView } from '../../../../src/doctor/config-view.js';
import type { DoctorJobInfo } from '../../../../src/doctor/doctor-job-info.js';

const job = (name: string, pipeline: string, timeoutMs?: number): DoctorJobInfo => ({ name, className: `${name}Class`, pipeline, timeoutMs });
const view = configView({
  version: 1,
  jobs: { consume: ['emails', 'reports'], pipelines: { emails: { concurrency: 10 }, reports: { concurrency: 1 }, billing: {} } },
}, undefined);

describe('jobTimeoutCheck', () => {
  it.each([
    ['a job with a timeout', [job('a', 'emails', 30_000)], []],
    ['a job without a timeout on a consumed pipeline', [job('a', 'emails')], [['jobs.pipelines.emails', "pipeline `emails`'s 10 worker slots"]]],
    ['one slot, in the singular', [job('a', 'reports')], [['jobs.pipelines.reports', "pipeline `reports`'s 1 worker slot for good"]]],
    ['a job on a pipeline this config does not consume', [job('a', 'billing')], []],
    ['a job on a pipeline that does not exist (another check reports it)', [job('a', 'nowhere')], []],
    ['each job on its own', [job('a', 'emails'), job('b', 'emails'), job('c', 'emails', 1)], [['jobs.pipelines.emails', 'job `a`'], ['jobs.pipelines.emails', 'job `b`']]],
  ] as const)('%s', (_title, jobs, expected) => {
    const diagnostics = jobTimeoutCheck(view, jobs);
    expect(diagnostics.map((d) => [d.path, d.message])).toEqual(expected.map(([path, text]) => [path, expect.stringContaining(text)]));
    for (const diagnostic of diagnostics) {
      expect(diagnostic).toMatchObject({ severity: 'warning', code: 'WARREN_WRN_006' });
      expect(diagnostic.message).toContain('consumer_timeout');
      expect(diagnostic.hint).toMatch(/timeout: '5m'/);
    }
  });

  it('never throws, even on a config view of a broken config', () => {
    const broken = configView({ jobs: { pipelines: { emails: { concurrency: 'lots' } } } }, undefined);
    expect(jobTimeoutCheck(broken, [job('a', 'emails')])).toEqual([expect.objectContaining({ message: expect.stringContaining('worker slots for good') })]);
  });
});
