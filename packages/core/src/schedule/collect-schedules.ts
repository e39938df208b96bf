/*
 * collectSchedules: every schedule a worker runs — `schedule` on registered @Job classes, and `jobs.schedules` in
 * the config (which wins for the same job, so operators can change a schedule without a deploy). Pure, given the
 * registry and the parsed config. Throws WARREN_ERR_CONFIG_INVALID for a configured schedule whose pipeline is unknown.
 */
import type { WarrenConfig } from '../config/config-types.js';
import { WarrenError } from '../errors/warren-error.js';
import type { JobRegistry } from '../job/job-registry.js';
import type { ResolvedSchedule } from './schedule-types.js';

export function collectSchedules(config: WarrenConfig, registry: JobRegistry): ResolvedSchedule[] {
  const byJob = new Map<string, ResolvedSchedule>();
  for (const definition of registry.definitions()) {
    if (definition.schedule) byJob.set(definition.name, { ...definition.schedule, job: definition.name, pipeline: definition.pipeline, source: `@Job('${definition.name}')` });
  }
  for (const [job, configured] of Object.entries(config.jobs.schedules ?? {})) {
    const pipeline = configured.pipeline ?? registry.find(job)?.pipeline;
    if (pipeline === undefined) {
      throw new WarrenError('WARREN_ERR_CONFIG_INVALID', `jobs.schedules.${job}: no job named "${job}" is loaded here, so its pipeline is unknown`, {
        hint: `add pipeline: <name> to jobs.schedules.${job}, or load the module that defines "${job}" (jobs.modules)`,
        details: { path: `jobs.schedules.${job}` },
      });
    }
    const { cron, tz, payload, catchUp } = configured;
    byJob.set(job, { cron, tz, payload, catchUp, job, pipeline, source: `jobs.schedules.${job}` });
  }
  return [...byJob.values()];
}
