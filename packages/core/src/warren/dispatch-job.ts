/*
 * dispatchJob: resolves a job (class or name) to its pipeline, validates the payload when the job
 * has a schema, encodes the wire message and hands it to the pipeline's driver. The hot path of
 * producing: no work here that a plain amqplib publish would not also need.
 */
import { MAX_DELAY_MS, type JobDefinition } from '../job/job-definition.js';
import type { JobRegistry } from '../job/job-registry.js';
import type { DispatchOptions, JobClass } from '../job/job-types.js';
import { WarrenError } from '../errors/warren-error.js';
import { parseDurationMs } from '../util/duration.js';
import { encodeJob } from '../worker/encode-job.js';
import { validatePayloadNow, type PayloadValidation } from '../worker/validate-payload.js';
import type { JobTracing } from '../tracing/job-tracing.js';
import { messagingTargetOf } from '../tracing/messaging-target.js';
import type { DriverSet } from './driver-set.js';

/** One entry of `dispatchMany`. */
export interface DispatchItem {
  readonly job: JobClass | string;
  readonly payload: unknown;
  readonly options?: DispatchOptions;
}

export interface DispatchTargets {
  readonly registry: JobRegistry;
  readonly drivers: DriverSet;
  /** Wraps each publish in a producer span when set. */
  readonly tracing?: JobTracing | undefined;
}

/**
 * Not an async function on purpose: a dispatch stays in flight until the broker confirms, and each async frame in its
 * chain (generator, promise, context) lives that long, survives young-generation GCs and is promoted: fewer of them
 * per dispatch is less promoted garbage at a window of 1,000 publishes. Throws only as a rejected promise.
 */
export function dispatchJob(targets: DispatchTargets, job: JobClass | string, payload: unknown, options: DispatchOptions): Promise<string> {
  try {
    const definition = resolveDefinition(targets.registry, job);
    const name = definition?.name ?? (job as string);
    const pipeline = options.pipeline ?? definition?.pipeline;
    if (pipeline === undefined) {
      throw new WarrenError('WARREN_ERR_JOB_NOT_FOUND', `no job named "${name}" is registered here, so its pipeline is unknown`, {
        hint: `Pass { pipeline: '...' } to dispatch, or load the module that defines "${name}" (jobs.modules).`,
        details: { job: name },
      });
    }
    const validation = definition?.schema ? validatePayloadNow(definition.schema, payload) : undefined;
    if (validation instanceof Promise) return validation.then((settled) => publishJob(targets, definition, name, pipeline, payload, options, settled));
    return publishJob(targets, definition, name, pipeline, payload, options, validation);
  } catch (error) {
    return Promise.reject(error);
  }
}

function publishJob(
  targets: DispatchTargets, definition: JobDefinition | undefined, name: string, pipeline: string, payload: unknown, options: DispatchOptions,
  validation: PayloadValidation | undefined,
): Promise<string> {
  if (validation !== undefined && !validation.isValid) {
    throw new WarrenError('WARREN_ERR_JOB_PAYLOAD_INVALID', `the payload of job "${name}" is invalid: ${validation.message}`, { details: { job: name } });
  }
  const message = encodeJob(definition ?? { name }, payload, { id: options.id, priority: options.priority, headers: options.headers });
  const delayMs = options.delay === undefined ? 0 : parseDelay(options.delay, name);
  const driver = targets.drivers.forPipeline(pipeline);
  const publishOptions = delayMs > 0 ? { delayMs } : undefined;
  const id = message.properties.messageId;
  const published = targets.tracing === undefined
    ? driver.publish(pipeline, message, publishOptions)
    : targets.tracing.tracePublish(messagingTargetOf(driver, pipeline), pipeline, message, delayMs, () => driver.publish(pipeline, message, publishOptions));
  return published.then(() => id);
}

/** A class is registered on first dispatch if it carries @Job metadata, so producers need no module loading. */
function resolveDefinition(registry: JobRegistry, job: JobClass | string): JobDefinition | undefined {
  if (typeof job === 'string') return registry.find(job);
  return registry.find(job) ?? registry.add(job);
}

function parseDelay(delay: NonNullable<DispatchOptions['delay']>, job: string): number {
  let delayMs: number;
  try {
    delayMs = parseDurationMs(delay);
  } catch (error) {
    throw new WarrenError('WARREN_ERR_JOB_INVALID', `dispatch of "${job}": delay ${String(delay)} is not a duration`, { cause: error });
  }
  if (delayMs > MAX_DELAY_MS) {
    throw new WarrenError('WARREN_ERR_JOB_INVALID', `dispatch of "${job}": delay ${String(delay)} is longer than 7 days (168h), the longest delay Warren supports`, {
      hint: 'Keep work that is due later than 7 days in your database and dispatch it (with a schedule) when it is due within 7 days.',
      details: { job, delayMs, maxDelayMs: MAX_DELAY_MS },
    });
  }
  return delayMs;
}

/** Dispatches every item at once; when some fail, says which were published so a retry can skip them. */
export async function dispatchJobs(targets: DispatchTargets, items: readonly DispatchItem[]): Promise<string[]> {
  const results = await Promise.allSettled(items.map((item) => dispatchJob(targets, item.job, item.payload, item.options ?? {})));
  const failed = results.flatMap((result, index) => (result.status === 'rejected' ? [{ index, error: result.reason as unknown }] : []));
  if (failed.length === 0) return results.map((result) => (result as PromiseFulfilledResult<string>).value);
  const published = results.flatMap((result, index) => (result.status === 'fulfilled' ? [{ index, id: result.value }] : []));
  throw new WarrenError('WARREN_ERR_JOB_DISPATCH_PARTIAL', `${failed.length} of ${items.length} jobs were not dispatched (${published.length} were)`, {
    cause: failed[0]!.error,
    details: { published, failed },
  });
}
