/*
 * Whether a Warren traces: on when `@opentelemetry/api` is installed, unless turned off (WarrenOptions.tracing).
 * Off, the API is not even looked for. Does not create spans.
 */
import { JobTracing } from './job-tracing.js';
import { loadOpenTelemetryApi } from './load-open-telemetry.js';

/** The JobTracing of a Warren, or undefined when tracing is off or the API is not installed. */
export async function createJobTracing(isEnabled: boolean): Promise<JobTracing | undefined> {
  if (!isEnabled) return undefined;
  const api = await loadOpenTelemetryApi();
  return api === undefined ? undefined : new JobTracing(api);
}
