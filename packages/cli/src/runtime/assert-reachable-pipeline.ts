/*
 * The short commands (push, status, dlq) run in their own process. A pipeline on an in-process
 * driver (memory) lives inside the worker's process, so from here a push would vanish and a status
 * would show an empty queue: refuse loudly instead.
 */
import { WarrenError, driverRegistry, type Warren } from '@warren/core';

/** True when `pipeline` is carried by a driver another process can reach (e.g. amqp). */
export function isReachablePipeline(warren: Warren, pipeline: string): boolean {
  const driver = warren.config.jobs.pipelines[pipeline]?.driver;
  return driver === undefined || !(driverRegistry.has(driver) && driverRegistry.get(driver).isInProcess === true);
}

/** Throws WARREN_ERR_CLI_INVALID when `command` cannot reach `pipeline` from this process. */
export function assertReachablePipeline(warren: Warren, pipeline: string, command: string): void {
  if (isReachablePipeline(warren, pipeline)) return;
  const driver = warren.config.jobs.pipelines[pipeline]?.driver;
  throw new WarrenError('WARREN_ERR_CLI_INVALID', `\`warren ${command}\` cannot reach pipeline "${pipeline}": its ${driver} driver keeps messages inside the worker's own process`, {
    hint: `Use a broker for jobs that cross processes (driver: amqp), or dispatch from inside your app with warren.dispatch().`,
    details: { pipeline, driver },
  });
}
