/*
 * Warren: the entry point users hold. Dispatches jobs to their pipeline's driver and, on run(),
 * consumes the configured pipelines through a WorkerPool. Lifecycle in warren-state.ts.
 * Config loading lives in prepare-warren.ts, driver wiring in driver-set.ts, health in warren-health.ts.
 */
import type { Logger } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import type { WarrenConfig } from '../config/config-types.js';
import type { InspectOptions, PipelineStats } from '../driver/driver.js';
import type { WireMessage } from '../driver/wire-message.js';
import { WarrenError } from '../errors/warren-error.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import type { WarrenEventMap } from '../events/warren-events.js';
import type { JobRegistry } from '../job/job-registry.js';
import type { DispatchOptions, JobClass, PayloadOf } from '../job/job-types.js';
import { createLogger } from '../logging/logger.js';
import { logWarningsOnce } from '../logging/warn-once.js';
import { dispatchJob, dispatchJobs, type DispatchItem, type DispatchTargets } from './dispatch-job.js';
import { DriverSet } from './driver-set.js';
import { prepareWarren } from './prepare-warren.js';
import { createJobTracing } from '../tracing/create-job-tracing.js';
import type { JobTracing } from '../tracing/job-tracing.js';
import { createReplayCopy } from './replay-copy.js';
import { computeHealth, type WarrenHealth } from './warren-health.js';
import { drainTimeoutMs, type CloseOptions, type RunOptions, type WarrenOptions } from './warren-options.js';
import { canWarrenTransition, type WarrenState } from './warren-state.js';
import { WorkerPool } from './worker-pool.js';
import { collectSchedules } from '../schedule/collect-schedules.js';
import type { ScheduleStatus } from '../schedule/pipeline-scheduler.js';
import { Scheduler } from '../schedule/scheduler.js';
import type { ScheduleInspection } from '../driver/scheduler-lease.js';

/** Dispatches jobs and runs their handlers. Create one with `Warren.fromConfig()`. */
export class Warren {
  /** The parsed configuration (durations in milliseconds). */
  readonly config: WarrenConfig;
  /** Job outcomes, worker, driver and instance state changes. */
  readonly events = new TypedEmitter<WarrenEventMap>();
  readonly logger: Logger;
  /** Where job names and classes are resolved. */
  readonly registry: JobRegistry;
  #state: WarrenState = 'ready';
  readonly #drivers: DriverSet;
  readonly #container: DependencyContainer | undefined;
  readonly #tracing: JobTracing | undefined;
  readonly #dispatchTargets: DispatchTargets;
  #pool: WorkerPool | undefined;
  #scheduler: Scheduler | undefined;
  #stopping: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(config: WarrenConfig, registry: JobRegistry, drivers: DriverSet, logger: Logger, container?: DependencyContainer, tracing?: JobTracing) {
    this.config = config;
    this.registry = registry;
    this.#drivers = drivers;
    this.logger = logger;
    this.#container = container;
    this.#tracing = tracing;
    this.#dispatchTargets = { registry, drivers, tracing };
    this.events.onListenerError = (error, event) => logger.error({ err: error, event }, 'a Warren event listener threw');
    for (const driver of drivers.all()) {
      driver.events.on('driver:state', (change) => this.events.emit('driver:state', change));
    }
  }

  /**
   * Loads and checks the config (a warren.yaml path or an object), imports jobs.bootstrap and
   * jobs.modules, creates and starts the drivers. Rejects with WARREN_ERR_CONFIG_INVALID (every
   * problem in `details.diagnostics`) before connecting anything when the config has errors.
   */
  static async fromConfig(source: string | object, options: WarrenOptions = {}): Promise<Warren> {
    const prepared = await prepareWarren(source, options);
    const logger = options.logger ?? createLogger({ level: prepared.config.log.level });
    logWarningsOnce(logger, prepared.warnings);
    const drivers = new DriverSet(prepared.config, prepared.drivers, logger);
    const tracing = await createJobTracing(options.tracing ?? true);
    const warren = new Warren(prepared.config, prepared.registry, drivers, logger, options.container, tracing);
    try {
      await drivers.startAll();
    } catch (error) {
      await drivers.closeAll(1_000).catch(() => undefined);
      throw error;
    }
    return warren;
  }

  get state(): WarrenState {
    return this.#state;
  }

  /** Publishes one job; resolves with its id once the driver has it safely (confirmed or buffered). */
  dispatch<C extends JobClass>(job: C, payload: PayloadOf<C>, options?: DispatchOptions): Promise<string>;
  dispatch(name: string, payload: unknown, options?: DispatchOptions): Promise<string>;
  dispatch(job: JobClass | string, payload: unknown, options: DispatchOptions = {}): Promise<string> {
    // Not async: one frame less per dispatch in flight (dispatch-job.ts says why that matters).
    const closed = this.#closedError('dispatch');
    return closed ? Promise.reject(closed) : dispatchJob(this.#dispatchTargets, job, payload, options);
  }

  /**
   * Publishes several jobs at once (their confirms overlap); resolves with their ids in order.
   * When some fail, rejects with WARREN_ERR_JOB_DISPATCH_PARTIAL saying which ones were published.
   */
  dispatchMany(items: readonly DispatchItem[]): Promise<string[]>;
  /** Several payloads of one job, with the same options. */
  dispatchMany<C extends JobClass>(job: C, payloads: ReadonlyArray<PayloadOf<C>>, options?: DispatchOptions): Promise<string[]>;
  dispatchMany(job: string, payloads: readonly unknown[], options?: DispatchOptions): Promise<string[]>;
  async dispatchMany(
    itemsOrJob: readonly DispatchItem[] | JobClass | string,
    payloads: readonly unknown[] = [],
    options: DispatchOptions = {},
  ): Promise<string[]> {
    this.#assertOpen('dispatchMany');
    const items = Array.isArray(itemsOrJob)
      ? (itemsOrJob as readonly DispatchItem[])
      : payloads.map((payload) => ({ job: itemsOrJob as JobClass | string, payload, options }));
    return dispatchJobs(this.#dispatchTargets, items);
  }

  /** Starts one worker per consumed pipeline; resolves once every one is subscribed. */
  async run(options: RunOptions = {}): Promise<void> {
    this.#assertOpen('run');
    const pipelines = options.pipelines ?? this.config.jobs.consume;
    for (const pipeline of pipelines) this.#drivers.forPipeline(pipeline); // unknown pipeline → coded error now
    const schedules = options.schedules === false ? [] : collectSchedules(this.config, this.registry); // a bad one throws before anything starts
    this.#transition('running', 'run() called');
    this.#stopping = undefined;
    this.#pool = new WorkerPool(
      { config: this.config, drivers: this.#drivers, registry: this.registry, logger: this.logger, events: this.events, container: this.#container, tracing: this.#tracing },
      pipelines,
    );
    try {
      await this.#pool.start();
    } catch (error) {
      this.#transition('stopping', 'a worker could not start');
      this.#transition('stopped', 'the workers that started were stopped');
      throw error;
    }
    if (schedules.length > 0) {
      this.#scheduler = new Scheduler({ schedules, drivers: this.#drivers, registry: this.registry, logger: this.logger, events: this.events });
      await this.#scheduler.start().catch(async (error: unknown) => {
        this.#scheduler = undefined;
        await this.stop({ timeoutMs: 0 });
        throw error;
      });
    }
    this.logger.debug({ pipelines, schedules: schedules.length }, 'warren is consuming'); // each worker logs its own start at info
  }

  /** Stops consuming and drains in-flight jobs up to the timeout; the rest are aborted and requeued. Idempotent. */
  stop(options: CloseOptions = {}): Promise<void> {
    if (this.#stopping) return this.#stopping;
    if (this.#state !== 'running') return Promise.resolve();
    this.#transition('stopping', 'stop() called');
    const pool = this.#pool!;
    this.#stopping = this.#closeScheduler().catch((error: unknown) => this.logger.error({ err: error }, 'leaving the scheduler elections failed')).then(() => pool.stop(drainTimeoutMs(options, this.config.jobs.shutdownTimeoutMs)).finally(() => {
      if (this.#state === 'stopping') this.#transition('stopped', 'workers drained');
    }));
    return this.#stopping;
  }

  /** stop(), then closes the drivers (flushing buffered publishes). Idempotent: a second call returns the same promise. */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#shutdown(drainTimeoutMs(options, this.config.jobs.shutdownTimeoutMs));
    return this.#closing;
  }

  /**
   * Aborts in-flight jobs at once (they are requeued, never acked) and closes: for a second signal.
   * Also cuts short a stop() or close() that is still draining.
   */
  forceClose(): Promise<void> {
    // Settles through the drain already under way; its errors surface there.
    if (this.#pool) void this.#pool.stop(0).catch(() => undefined);
    this.#closing ??= this.#shutdown(0);
    return this.#closing;
  }

  /** Liveness, readiness (with reasons) and per-pipeline and per-driver state, computed now. */
  health(): WarrenHealth {
    const statuses = this.#drivers.all().map((driver) => driver.status());
    return computeHealth(this.#state, this.config, this.#pool?.workers ?? new Map(), statuses, (pipeline) => this.#drivers.forPipeline(pipeline).status().state);
  }

  /** The schedules this process runs (after run()), with their next tick and what it fired last. */
  schedules(): ScheduleStatus[] {
    return this.#scheduler?.status() ?? [];
  }

  /** Who holds a pipeline's scheduler and the last recorded ticks of `jobs`, as the driver knows (`warren status`). */
  async inspectSchedules(pipeline: string, jobs: readonly string[]): Promise<ScheduleInspection | undefined> {
    const driver = this.#drivers.forPipeline(pipeline);
    return driver.inspectSchedules ? driver.inspectSchedules(pipeline, jobs) : undefined;
  }

  /** Queue counts of a pipeline as its driver reports them (for `warren status`). */
  inspect(pipeline: string, options?: InspectOptions): Promise<PipelineStats> {
    return this.#drivers.forPipeline(pipeline).inspect(pipeline, options);
  }

  /** Up to `limit` dead letters of a pipeline, oldest first, left in place. */
  peekDeadLetters(pipeline: string, limit = 100): Promise<WireMessage[]> {
    return this.#drivers.forPipeline(pipeline).peekDeadLetters(pipeline, limit);
  }

  /** Puts dead letters back on their pipeline with attempts reset to 1 (at most those there when it started); resolves with how many. */
  replayDeadLetters(pipeline: string, limit?: number): Promise<number> {
    return this.#drivers.forPipeline(pipeline).replayDeadLetters(pipeline, createReplayCopy, limit);
  }

  /** Deletes every dead letter of a pipeline; resolves with how many. */
  purgeDeadLetters(pipeline: string): Promise<number> {
    return this.#drivers.forPipeline(pipeline).purgeDeadLetters(pipeline);
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    const failures: unknown[] = [];
    const reason = timeoutMs === 0 ? 'forceClose() called' : 'close() called';
    if (this.#state === 'running') this.#transition('stopping', reason);
    await this.#closeScheduler().catch((error: unknown) => failures.push(error));
    if (this.#state === 'stopping') await this.#pool?.stop(timeoutMs).catch((error: unknown) => failures.push(error));
    this.#transition('closing', reason);
    await this.#drivers.closeAll(Math.max(timeoutMs, 1_000)).catch((error: unknown) => failures.push(error));
    this.#transition('closed', 'drivers closed');
    if (failures.length > 0) throw new AggregateError(failures, 'warren closed with errors');
  }

  /** Leaves the scheduler elections first, so another process takes over while this one drains. */
  async #closeScheduler(): Promise<void> {
    const scheduler = this.#scheduler;
    this.#scheduler = undefined;
    await scheduler?.close();
  }

  #assertOpen(operation: string): void {
    const closed = this.#closedError(operation);
    if (closed) throw closed;
  }

  /** The error for `operation` on a closing or closed instance; undefined while it is open. */
  #closedError(operation: string): WarrenError | undefined {
    if (this.#state !== 'closing' && this.#state !== 'closed') return undefined;
    return new WarrenError('WARREN_ERR_WORKER_CLOSED', `cannot ${operation}(): this Warren instance is ${this.#state}`);
  }

  #transition(to: WarrenState, reason: string): void {
    const from = this.#state;
    if (!canWarrenTransition(from, to)) {
      throw new WarrenError('WARREN_ERR_WORKER_ILLEGAL_STATE', `Warren cannot go from ${from} to ${to} (${reason})`, { details: { from, to, reason } });
    }
    this.#state = to;
    this.logger.debug({ from, to, reason }, 'warren state');
    this.events.emit('warren:state', { from, to, reason });
  }
}
