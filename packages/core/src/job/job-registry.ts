/*
 * JobRegistry: job names → class and normalized options. Validates on add, rejects a second class
 * under a taken name (re-adding the same class is a no-op). `jobRegistry` is the process-wide one
 * that @Job registers into; `new JobRegistry()` gives an isolated one for tests and embedding.
 */
import { WarrenError } from '../errors/warren-error.js';
import type { JobDefinition, JobInfo } from './job-definition.js';
import { getJobMetadata } from './job-metadata.js';
import type { JobClass } from './job-types.js';
import { normalizeJobOptions } from './normalize-job-options.js';

/** A job is looked up by its name or by its class. */
export type JobRef = string | Function;

/** Job names → definitions; validates on add and rejects a second class under a taken name. */
export class JobRegistry {
  readonly #byName = new Map<string, JobDefinition>();
  readonly #byClass = new Map<Function, JobDefinition>();

  /**
   * Adds a class decorated with @Job (or wrapped by `Job(name, options)(class ...)`) and returns its
   * definition. Throws WARREN_ERR_JOB_INVALID (no metadata, bad options) or WARREN_ERR_JOB_DUPLICATE_NAME.
   */
  add(jobClass: JobClass): JobDefinition {
    const existing = this.#byClass.get(jobClass);
    if (existing) return existing;
    const metadata = getJobMetadata(jobClass);
    if (!metadata) {
      throw new WarrenError('WARREN_ERR_JOB_INVALID', `class ${jobClass?.name || '(anonymous class)'} has no @Job metadata`, {
        hint: "Decorate it with @Job('name', options), or in plain JavaScript wrap it: Job('name', options)(class { handle() {} }).",
      });
    }
    return this.addDefinition(normalizeJobOptions(metadata.name, jobClass, metadata.options));
  }

  /** Adds an already normalized definition (see `normalizeJobOptions`), with the same duplicate rules. */
  addDefinition(definition: JobDefinition): JobDefinition {
    const existing = this.#byClass.get(definition.jobClass);
    if (existing) return existing;
    const taken = this.#byName.get(definition.name);
    if (taken) {
      throw new WarrenError(
        'WARREN_ERR_JOB_DUPLICATE_NAME',
        `job name "${definition.name}" is claimed by two classes: ${taken.className} and ${definition.className}`,
        { details: { job: definition.name, classes: [taken.className, definition.className] } },
      );
    }
    this.#byName.set(definition.name, definition);
    this.#byClass.set(definition.jobClass, definition);
    return definition;
  }

  /** The definition for a name or class, or undefined. */
  find(ref: JobRef): JobDefinition | undefined {
    return typeof ref === 'string' ? this.#byName.get(ref) : this.#byClass.get(ref);
  }

  /** The definition for a name or class; throws WARREN_ERR_JOB_NOT_FOUND. */
  get(ref: JobRef): JobDefinition {
    const definition = this.find(ref);
    if (!definition) {
      const label = typeof ref === 'string' ? `"${ref}"` : `class ${ref.name || '(anonymous class)'}`;
      throw new WarrenError('WARREN_ERR_JOB_NOT_FOUND', `no job is registered for ${label} (known: ${this.names().join(', ') || 'none'})`, {
        details: { job: typeof ref === 'string' ? ref : ref.name },
      });
    }
    return definition;
  }

  has(ref: JobRef): boolean {
    return this.find(ref) !== undefined;
  }

  /** Removes a job; returns whether it was registered. Meant for tests and hot reload. */
  remove(ref: JobRef): boolean {
    const definition = this.find(ref);
    if (!definition) return false;
    this.#byName.delete(definition.name);
    this.#byClass.delete(definition.jobClass);
    return true;
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** Every definition, in registration order. */
  definitions(): JobDefinition[] {
    return [...this.#byName.values()];
  }

  /** The jobs carried by one pipeline. */
  forPipeline(pipeline: string): JobDefinition[] {
    return this.definitions().filter((definition) => definition.pipeline === pipeline);
  }

  /** A summary per job for doctor and status. */
  list(): JobInfo[] {
    return this.definitions().map(({ name, className, pipeline, timeoutMs }) => ({ name, className, pipeline, timeoutMs }));
  }

  get size(): number {
    return this.#byName.size;
  }
}

/** The process-wide registry that @Job registers into. */
export const jobRegistry = new JobRegistry();
