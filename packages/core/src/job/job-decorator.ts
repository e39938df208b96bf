/*
 * The @Job(name, options) decorator: records metadata, makes the class injectable by tsyringe and
 * registers it in the process-wide `jobRegistry`. Works as a plain function in JavaScript:
 * `Job('name', { inject: [Mailer] })(class { constructor(mailer) {} handle() {} })`.
 */
import type {} from 'reflect-metadata';
import { injectable } from '../di/commonjs-tsyringe.js';
import { jobRegistry } from './job-registry.js';
import { setJobMetadata } from './job-metadata.js';
import type { JobClass, JobHandler, JobOptions } from './job-types.js';
import { normalizeJobOptions } from './normalize-job-options.js';

/** The metadata key tsyringe reads constructor parameter types from. */
const PARAM_TYPES_KEY = 'design:paramtypes';

/**
 * Declares a job handler class. Validates the options at once (WARREN_ERR_JOB_INVALID) and rejects a
 * second class under the same name (WARREN_ERR_JOB_DUPLICATE_NAME). Returns the class unchanged.
 */
export function Job<TPayload = any>(name: string, options: JobOptions<TPayload> = {}) {
  return function jobDecorator<C extends new (...args: any[]) => JobHandler<TPayload>>(target: C): C {
    const jobClass = target as unknown as JobClass;
    // Validate before touching the class, so a bad declaration leaves nothing half-registered.
    normalizeJobOptions(name, jobClass, options as JobOptions);
    setJobMetadata(jobClass, { name, options: options as JobOptions });
    if (options.inject !== undefined) {
      // Explicit tokens win over emitted metadata; plain JavaScript has none at all.
      Reflect.defineMetadata(PARAM_TYPES_KEY, [...options.inject], target);
    }
    injectable()(target);
    jobRegistry.add(jobClass);
    return target;
  };
}
