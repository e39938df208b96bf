/*
 * Storage of what @Job recorded on a class: the name and the raw options, exactly as written.
 * A WeakMap keyed by the class itself, so subclasses do not inherit a job name by accident.
 * Validation and defaults belong to the registry (normalize-job-options.ts).
 */
import type { JobClass, JobOptions } from './job-types.js';

/** The raw arguments of `@Job(name, options)`. */
export interface JobMetadata {
  readonly name: string;
  readonly options: JobOptions;
}

const metadataByClass = new WeakMap<Function, JobMetadata>();

/** Records `@Job` arguments on a class (called by the decorator). */
export function setJobMetadata(jobClass: JobClass, metadata: JobMetadata): void {
  metadataByClass.set(jobClass, metadata);
}

/** What `@Job` recorded on exactly this class, or undefined when it is not a job class. */
export function getJobMetadata(jobClass: Function): JobMetadata | undefined {
  return metadataByClass.get(jobClass);
}
