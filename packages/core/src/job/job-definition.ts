/*
 * JobDefinition: the normalized, validated form of a @Job declaration, with every default applied
 * and every duration in milliseconds. Built once by the registry; the worker and dispatch trust it.
 * Does not record or register anything (see job-decorator.ts and job-registry.ts).
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { InjectionToken } from 'tsyringe';
import type { ResolvedBreakerOptions } from '../breaker/breaker-options.js';
import type { ResolvedRateLimit, ResolvedScheduleFields } from '../schedule/schedule-types.js';
import type { BackoffType, JobClass } from './job-types.js';

/** Backoff with durations resolved to milliseconds. */
export interface ResolvedBackoff {
  readonly type: BackoffType;
  /** Delay before the first retry; exponential doubles it per attempt. */
  readonly delayMs: number;
  /** Upper bound of any single delay. */
  readonly maxMs: number;
  /** Random spread 0..1 around each delay. */
  readonly jitter: number;
}

/** Defaults (README, Writing jobs): 3 attempts, exponential backoff from 1s capped at 5m with 0.2 jitter. */
export const JOB_DEFAULTS = {
  pipeline: 'default',
  attempts: 3,
  backoff: { type: 'exponential', delayMs: 1_000, maxMs: 300_000, jitter: 0.2 } satisfies ResolvedBackoff,
} as const;

/**
 * The longest delay Warren accepts, on every driver: a dispatch `delay`, a backoff `delay` or `max` (7 days). The
 * RabbitMQ driver's delay ladder ends here; one limit for all drivers keeps a job that passes its tests on the memory
 * driver valid on RabbitMQ. Longer waits belong in a database and a schedule, not in a queue.
 */
export const MAX_DELAY_MS = 7 * 24 * 3_600_000;

/** A registered job: its class plus normalized options. */
export interface JobDefinition {
  readonly name: string;
  readonly jobClass: JobClass;
  /** The class name, for messages and `doctor`. */
  readonly className: string;
  readonly pipeline: string;
  /** Total attempts including the first (>= 1). */
  readonly attempts: number;
  readonly backoff: ResolvedBackoff;
  /** Per-attempt limit in ms; undefined means none. */
  readonly timeoutMs: number | undefined;
  /** Default priority of dispatched messages; undefined means none. */
  readonly priority: number | undefined;
  readonly schema: StandardSchemaV1<unknown, unknown> | undefined;
  /** Constructor tokens given by `options.inject` (plain JavaScript), if any. */
  readonly inject: ReadonlyArray<InjectionToken<unknown>> | undefined;
  /** The job's own consumption breaker (`@Job({ breaker })`); undefined: it counts towards the pipeline's. */
  readonly breaker?: ResolvedBreakerOptions | undefined;
  /** The `schedule` option resolved; undefined means none. */
  readonly schedule?: ResolvedScheduleFields | undefined;
  /** The `rateLimit` option resolved; undefined means none. */
  readonly rateLimit?: ResolvedRateLimit | undefined;
}

/** What `registry.list()` reports per job (for doctor and status). */
export interface JobInfo {
  readonly name: string;
  readonly className: string;
  readonly pipeline: string;
  readonly timeoutMs: number | undefined;
}
