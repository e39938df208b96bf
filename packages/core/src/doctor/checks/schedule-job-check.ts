/*
 * Schedules in jobs.schedules against the registered jobs: an entry without `pipeline` for a job no loaded module
 * declares could never be dispatched (its pipeline is unknown), so it is an error before anything connects. Pure.
 */
import { formatPath } from '../../config/config-path.js';
import type { WarrenConfig } from '../../config/config-types.js';
import type { Diagnostic } from '../diagnostic.js';
import type { DoctorJobInfo } from '../doctor-job-info.js';

export function scheduleJobCheck(config: WarrenConfig, jobs: readonly DoctorJobInfo[]): Diagnostic[] {
  const known = new Set(jobs.map((job) => job.name));
  return Object.entries(config.jobs.schedules ?? {}).flatMap(([job, schedule]): Diagnostic[] => {
    if (schedule.pipeline !== undefined || known.has(job)) return [];
    return [{
      severity: 'error',
      code: 'WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND',
      path: formatPath(['jobs', 'schedules', job]),
      message: `schedules job \`${job}\`, which no loaded module declares, and names no pipeline to dispatch it to`,
      hint: `add pipeline: <name> to this schedule, or add the module that declares @Job('${job}') to jobs.modules`,
    }];
  });
}
