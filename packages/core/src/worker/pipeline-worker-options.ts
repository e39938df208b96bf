/*
 * Options of a PipelineWorker. Trusted input: Warren builds them from parsed config, so nothing
 * here is re-validated beyond what would break the worker (concurrency >= 1).
 */
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'pino';
import type { ResolvedBreakerOptions } from '../breaker/breaker-options.js';
import type { Driver } from '../driver/driver.js';
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { WarrenEventMap } from '../events/warren-events.js';
import type { JobRegistry } from '../job/job-registry.js';
import type { JobTracing } from '../tracing/job-tracing.js';
import type { ResolvedRateLimit } from '../schedule/schedule-types.js';
import type { RandomSource } from './backoff.js';

/** Options of a PipelineWorker. */
export interface PipelineWorkerOptions {
  /** The transport of this pipeline; it must be started (or starting) before `start()`. */
  readonly driver: Driver;
  /** Where delivered job names are looked up. */
  readonly registry: JobRegistry;
  /** The pipeline to consume. */
  readonly pipeline: string;
  /** Handlers of this pipeline running at once; deliveries beyond it wait locally. */
  readonly concurrency: number;
  /** Unsettled deliveries the driver may hand over; default `concurrency`. */
  readonly prefetch?: number;
  /** The worker logs through a child with `{ pipeline }`; job contexts get children of that. */
  readonly logger: Logger;
  /** Receives job:* and worker:state events. */
  readonly events: TypedEmitter<WarrenEventMap>;
  /** The base DI container; each attempt gets a child of it. Default tsyringe's root container. */
  readonly container?: DependencyContainer;
  /** Random source for backoff jitter (tests pin it). Default Math.random. */
  readonly random?: RandomSource;
  /** A job running this long is logged as stuck (once); undefined: never. Warren passes the driver's stuckJobAfterMs. */
  readonly stuckJobAfterMs?: number | undefined;
  /** The pipeline's `rate_limit` (jobs' own `rateLimit` come from the registry); undefined: none. */
  readonly rateLimit?: ResolvedRateLimit | undefined;
  /** How long a delivery is held before it is requeued when the driver refused its retry or dead-letter copy. Default 1000. */
  readonly requeueDelayMs?: number;
  /** Runs each attempt in an OpenTelemetry consumer span; Warren passes one when `@opentelemetry/api` is installed. */
  readonly tracing?: JobTracing | undefined;
  /** The pipeline's consumption breaker (jobs.pipelines.<p>.breaker); undefined: none. Jobs may have their own. */
  readonly breaker?: ResolvedBreakerOptions | undefined;
}

/** Options of `PipelineWorker.stop`. */
export interface StopOptions {
  /** How long to wait for in-flight jobs before aborting and requeueing them. Default 30000. */
  readonly timeoutMs?: number;
}

/** Default of `stop({ timeoutMs })`, matching the default `jobs.shutdown_timeout`. */
export const DEFAULT_STOP_TIMEOUT_MS = 30_000;
