/*
 * Runs each registered driver's own doctor hook with the pipelines that use it, their longest job
 * timeout and the driver's section. A hook that throws becomes a warning, never a crash.
 */
import type { WarrenConfig } from '../../config/config-types.js';
import type { DriverRegistry } from '../../driver/driver-registry.js';
import type { Diagnostic } from '../diagnostic.js';
import type { DoctorJobInfo } from '../doctor-job-info.js';

function maxTimeoutMs(jobs: readonly DoctorJobInfo[], pipeline: string): number | undefined {
  const timeouts = jobs.filter((job) => job.pipeline === pipeline && job.timeoutMs !== undefined).map((job) => job.timeoutMs as number);
  return timeouts.length === 0 ? undefined : Math.max(...timeouts);
}

/** Diagnostics from every used driver's `doctor` hook. */
export function driverHooksCheck(config: WarrenConfig, registry: DriverRegistry, jobs: readonly DoctorJobInfo[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const driver of registry.all()) {
    if (!driver.doctor) continue;
    const pipelines = Object.entries(config.jobs.pipelines)
      .filter(([, pipeline]) => pipeline.driver === driver.name)
      .map(([name, pipeline]) => ({ name, concurrency: pipeline.concurrency, options: pipeline.options, maxJobTimeoutMs: maxTimeoutMs(jobs, name) }));
    if (pipelines.length === 0) continue;
    try {
      diagnostics.push(...driver.doctor({ pipelines, section: config.drivers[driver.name], file: config.file }));
    } catch (error) {
      diagnostics.push({
        severity: 'warning',
        code: 'WARREN_WRN_004',
        path: driver.name,
        message: `the ${driver.name} driver's doctor check crashed: ${error instanceof Error ? error.message : String(error)}`,
        hint: `report it to the ${driver.name} driver's maintainers; the other checks still ran`,
      });
    }
  }
  return diagnostics;
}
