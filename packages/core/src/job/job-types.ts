/*
 * The handler API (README, Writing jobs) as types: JobHandler, JobContext, JobOptions and the class shape
 * that @Job accepts. No behaviour here; the registry validates and the worker runs.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Logger } from 'pino';
import type { InjectionToken } from 'tsyringe';
import type { RateLimitOptions, ScheduleSpec } from '../schedule/schedule-types.js';
import type { Duration } from '../util/duration.js';

/** What a handler receives besides its payload. */
export interface JobContext {
  /** The job id (the AMQP `message_id`). */
  readonly id: string;
  readonly name: string;
  readonly pipeline: string;
  /** 1-based attempt number. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly enqueuedAt: Date;
  readonly headers: Readonly<Record<string, unknown>>;
  /** Aborted when the job times out or the worker is forced to shut down. */
  readonly signal: AbortSignal;
  /** pino child logger carrying the job's id, name, pipeline and attempt. */
  readonly logger: Logger;
}

/** A job handler. Throw to fail the attempt; throw `Unrecoverable` to dead-letter at once. */
export interface JobHandler<TPayload = unknown> {
  handle(payload: TPayload, context: JobContext): Promise<void> | void;
}

/** How retry delays grow: `fixed` keeps the delay, `exponential` doubles it per attempt. */
export type BackoffType = 'fixed' | 'exponential';

/** The `backoff` option of `@Job`. */
export interface BackoffOptions {
  readonly type: BackoffType;
  /** The first retry's delay (exponential doubles it each attempt). */
  readonly delay: Duration;
  /** Upper bound for any single delay. */
  readonly max?: Duration;
  /** Random spread, 0..1: each delay is multiplied by a factor in [1 - jitter, 1 + jitter]. Default 0.2. */
  readonly jitter?: number;
}

/**
 * The `breaker` option of `@Job`: this job gets a consumption breaker of its own. While it is open, this job's
 * deliveries are deferred (same attempt) and the pipeline's other jobs keep flowing. Defaults as the pipeline's.
 */
export interface JobBreakerOptions {
  /** Fraction (0..1) of transient failures among counted attempts in the window that opens it. Default 0.5. */
  readonly failureRate?: number;
  /** Counted attempts needed in the window before the rate is judged. Default 20. */
  readonly minJobs?: number;
  /** Rolling window of counted attempts. Default 10s. */
  readonly window?: Duration;
  /** How long it stays open before one trial job runs. Default 30s. */
  readonly pause?: Duration;
  /** Upper bound of the pause, which doubles after each failed trial. Default 5m. */
  readonly maxPause?: Duration;
}

/** Options of `@Job(name, options)`. */
export interface JobOptions<TPayload = unknown> {
  /** The pipeline that carries this job. Default `default`. */
  readonly pipeline?: string;
  /** Total attempts including the first. Default 3. */
  readonly attempts?: number;
  /** Delay between attempts. Default exponential from 1s, capped at 5m, jitter 0.2. */
  readonly backoff?: BackoffOptions;
  /** Per-attempt time limit; fires `ctx.signal` and counts as a failure. Default none. */
  readonly timeout?: Duration;
  /** Default message priority for dispatches of this job (needs `max_priority` on the queue). */
  readonly priority?: number;
  /** Any Standard Schema validator (zod, valibot, arktype...). Invalid payloads are dead-lettered. */
  readonly schema?: StandardSchemaV1<unknown, TPayload>;
  /** Constructor tokens for classes without decorator metadata (plain JavaScript). */
  readonly inject?: ReadonlyArray<InjectionToken<unknown>>;
  /** A consumption breaker of this job's own (see JobBreakerOptions). Default: it counts towards the pipeline's. */
  readonly breaker?: JobBreakerOptions;
  /**
   * Dispatch this job on a schedule: a cron expression (`'0 * * * *'`, or 6 fields with seconds first) or
   * `{ cron, tz, payload, catch_up }`. Each tick is dispatched once across all workers, with the job id
   * `<name>@<tick as ISO time>`.
   */
  readonly schedule?: ScheduleSpec<TPayload>;
  /** At most `max` jobs of this name start per `per` in each worker process; the others wait (held, not failed). */
  readonly rateLimit?: RateLimitOptions;
}

/** A class whose instances handle jobs of payload `TPayload`. */
export type JobClass<TPayload = any> = new (...args: any[]) => JobHandler<TPayload>;

/** The payload type a handler class accepts. */
export type PayloadOf<C> = C extends new (...args: any[]) => JobHandler<infer P> ? P : never;

/** Options of a single dispatch. */
export interface DispatchOptions {
  /** Deliver no sooner than this. */
  readonly delay?: Duration;
  readonly priority?: number;
  /** A job id of your own (default: a fresh UUID). */
  readonly id?: string;
  readonly headers?: Readonly<Record<string, string | number | boolean>>;
  /** Route a job known only by name (not registered here) to this pipeline. */
  readonly pipeline?: string;
}
