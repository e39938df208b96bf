/*
 * A job that fails on its first attempt (a flaky upstream) and succeeds on the retry.
 */
import { Job, type JobContext, type JobHandler } from '@warren/core';

@Job('reports.build', { pipeline: 'reports', attempts: 3, backoff: { type: 'fixed', delay: '200ms' } })
export class BuildReport implements JobHandler<{ reportId: string }> {
  async handle(payload: { reportId: string }, ctx: JobContext): Promise<void> {
    if (ctx.attempt === 1) throw new Error(`upstream timed out building ${payload.reportId}`);
  }
}
