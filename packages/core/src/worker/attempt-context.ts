/*
 * AttemptContext: the JobContext of one attempt. `logger` (a pino child with the job's fields) and
 * `signal` are getters that make their object on first access, so a handler that never logs or
 * listens costs neither (a pino child serializes its bindings at once, ~3 µs per job). A class, not an
 * object literal with getters: V8 builds such literals in a slow path (~1 µs each).
 */
import type { Logger } from 'pino';
import type { JobContext } from '../job/job-types.js';
import type { AttemptAbort } from './attempt-abort.js';
import type { DecodedJob } from './decode-delivery.js';

/** One attempt's JobContext (README, Writing jobs); `logger` and `signal` are created lazily. */
export class AttemptContext implements JobContext {
  readonly id: string;
  readonly name: string;
  readonly pipeline: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly enqueuedAt: Date;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly #abort: AttemptAbort;
  readonly #parentLogger: Logger;
  #logger: Logger | undefined;

  constructor(job: DecodedJob, pipeline: string, abort: AttemptAbort, parentLogger: Logger) {
    this.id = job.id;
    this.name = job.name;
    this.pipeline = pipeline;
    this.attempt = job.attempt;
    this.maxAttempts = job.definition.attempts;
    this.enqueuedAt = job.enqueuedAt;
    this.headers = job.headers;
    this.#abort = abort;
    this.#parentLogger = parentLogger;
  }

  /** Aborted when the job times out or the worker is forced to shut down; created on first access. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** A pino child of the worker's logger with jobId, job, pipeline and attempt; created on first access. */
  get logger(): Logger {
    this.#logger ??= this.#parentLogger.child({ jobId: this.id, job: this.name, pipeline: this.pipeline, attempt: this.attempt });
    return this.#logger;
  }

  /** True once `logger` was accessed (the child exists). */
  get hasLogger(): boolean {
    return this.#logger !== undefined;
  }
}
