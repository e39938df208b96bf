/*
 * Scheduler: the PipelineSchedulers of one Warren run(), one per pipeline that has schedules, started and closed
 * together. Every process that runs workers takes part in each election; which one fires is the driver's choice.
 * Does not decide what a tick dispatches (pipeline-scheduler.ts).
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { SchedulerHolderInfo } from '../driver/scheduler-lease.js';
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { WarrenEventMap } from '../events/warren-events.js';
import type { JobRegistry } from '../job/job-registry.js';
import type { DriverSet } from '../warren/driver-set.js';
import { PipelineScheduler, type ScheduleStatus } from './pipeline-scheduler.js';
import type { ResolvedSchedule } from './schedule-types.js';

export interface SchedulerOptions {
  readonly schedules: readonly ResolvedSchedule[];
  readonly drivers: DriverSet;
  readonly registry: JobRegistry;
  readonly logger: Logger;
  readonly events: TypedEmitter<WarrenEventMap>;
}

/** This process as the holder of a lease: `host:pid`. */
export function processHolderName(): string {
  return `${hostname()}:${process.pid}`;
}

export class Scheduler {
  readonly #pipelines: PipelineScheduler[] = [];
  #closing: Promise<void> | undefined;

  constructor(options: SchedulerOptions) {
    const byPipeline = new Map<string, ResolvedSchedule[]>();
    for (const schedule of options.schedules) byPipeline.set(schedule.pipeline, [...(byPipeline.get(schedule.pipeline) ?? []), schedule]);
    const sinceMs = Date.now();
    for (const [pipeline, schedules] of byPipeline) {
      const holder: SchedulerHolderInfo = { holder: processHolderName(), sinceMs, schedules: schedules.map(({ job, cron, tz }) => ({ job, cron, tz })) };
      this.#pipelines.push(new PipelineScheduler({ ...options, pipeline, schedules, driver: options.drivers.forPipeline(pipeline), holder }));
    }
  }

  /** Joins every election; if one cannot be joined, closes the others and throws. */
  async start(): Promise<void> {
    const results = await Promise.allSettled(this.#pipelines.map((scheduler) => scheduler.start()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (!failure) return;
    await this.close();
    throw failure.reason;
  }

  /** Per pipeline: this process's scheduler state. */
  states(): Record<string, PipelineScheduler['state']> {
    return Object.fromEntries(this.#pipelines.map((scheduler) => [scheduler.pipeline, scheduler.state]));
  }

  status(nowMs = Date.now()): ScheduleStatus[] {
    return this.#pipelines.flatMap((scheduler) => scheduler.status(nowMs));
  }

  /** Stops firing and leaves every election. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= Promise.allSettled(this.#pipelines.map((scheduler) => scheduler.close())).then((results) => {
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      if (failures.length > 0) throw new AggregateError(failures, 'leaving the scheduler elections failed');
    });
    return this.#closing;
  }
}
