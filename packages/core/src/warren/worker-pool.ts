/*
 * WorkerPool: the PipelineWorkers of one run(), started and stopped together. A failed start stops
 * the workers that did start; a stop waits for every worker and reports all failures at once.
 * Does not decide which pipelines to consume (Warren) and owns no driver.
 */
import type { Logger } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import type { WarrenConfig } from '../config/config-types.js';
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { WarrenEventMap } from '../events/warren-events.js';
import type { JobRegistry } from '../job/job-registry.js';
import type { JobTracing } from '../tracing/job-tracing.js';
import { PipelineWorker } from '../worker/pipeline-worker.js';
import type { DriverSet } from './driver-set.js';

export interface WorkerPoolOptions {
  readonly config: WarrenConfig;
  readonly drivers: DriverSet;
  readonly registry: JobRegistry;
  readonly logger: Logger;
  readonly events: TypedEmitter<WarrenEventMap>;
  readonly container: DependencyContainer | undefined;
  readonly tracing: JobTracing | undefined;
}

export class WorkerPool {
  readonly #workers = new Map<string, PipelineWorker>();

  constructor(private readonly options: WorkerPoolOptions, pipelines: readonly string[]) {
    const { config, drivers, registry, logger, events, container, tracing } = options;
    for (const pipeline of pipelines) {
      const pipelineConfig = config.jobs.pipelines[pipeline]!;
      const prefetch = (pipelineConfig.options as { prefetch?: unknown } | undefined)?.prefetch;
      const driver = drivers.forPipeline(pipeline);
      this.#workers.set(pipeline, new PipelineWorker({
        driver,
        stuckJobAfterMs: driver.stuckJobAfterMs,
        registry,
        pipeline,
        concurrency: pipelineConfig.concurrency,
        breaker: pipelineConfig.breaker,
        rateLimit: pipelineConfig.rateLimit,
        ...(typeof prefetch === 'number' ? { prefetch } : {}),
        logger,
        events,
        ...(container ? { container } : {}),
        tracing,
      }));
    }
  }

  get workers(): ReadonlyMap<string, PipelineWorker> {
    return this.#workers;
  }

  /** Subscribes every worker; if one refuses, the others are stopped at once and the error is thrown. */
  async start(): Promise<void> {
    const results = await Promise.allSettled([...this.#workers.values()].map((worker) => worker.start()));
    const failure = results.find((result) => result.status === 'rejected');
    if (!failure) return;
    await this.stop(0).catch((error: unknown) => this.options.logger.error({ err: error }, 'stopping workers after a failed start failed'));
    throw failure.reason;
  }

  /** Drains every worker up to `timeoutMs` (0 aborts and requeues at once, also mid-drain). */
  async stop(timeoutMs: number): Promise<void> {
    const results = await Promise.allSettled(
      [...this.#workers.values()].map((worker) => (timeoutMs === 0 ? worker.forceStop() : worker.stop({ timeoutMs }))),
    );
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} worker(s) failed to stop`);
  }
}
