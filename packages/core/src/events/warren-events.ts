/*
 * The event map of a running Warren: job outcomes, worker state, consumption breakers and driver state.
 * Metrics and logs subscribe here; payloads are objects so fields can be added later.
 */
import type { DriverState } from '../driver/driver.js';
import type { DeadLetterReason } from '../driver/wire-message.js';
import type { SchedulerState } from '../schedule/scheduler-state.js';
import type { WarrenState } from '../warren/warren-state.js';

/** Identity of one job attempt, shared by every job event. */
export interface JobEventInfo {
  readonly id: string;
  readonly name: string;
  readonly pipeline: string;
  readonly attempt: number;
  readonly maxAttempts: number;
}

/** States of a PipelineWorker (spec and table in worker/worker-state.ts). */
export type WorkerState = 'initialized' | 'running' | 'stopping' | 'draining' | 'stopped' | 'failed';

/** Events of a Warren instance and its workers. */
export type WarrenEventMap = {
  /** A handler started an attempt. */
  'job:started': { job: JobEventInfo };
  /** A handler finished an attempt successfully; the message is acked. */
  'job:succeeded': { job: JobEventInfo; durationMs: number };
  /** An attempt failed; `retryInMs` is set when a retry copy was scheduled. */
  'job:failed': { job: JobEventInfo; durationMs: number; error: unknown; retryInMs: number | undefined };
  /** A message went to the dead-letter queue; `job` is partial when the message could not be decoded. */
  'job:deadLettered': { job: Partial<JobEventInfo> & { pipeline: string }; reason: DeadLetterReason; error: unknown };
  /** The Warren instance changed state (see warren/warren-state.ts). */
  'warren:state': { from: WarrenState; to: WarrenState; reason: string };
  /** A pipeline's worker changed state. */
  'worker:state': { pipeline: string; from: WorkerState; to: WorkerState; reason: string };
  /** A consumption breaker opened: the pipeline (or, with `job`, that job) stops taking work for `pauseMs`. */
  'breaker:open': { pipeline: string; job?: string; failureRate: number | undefined; pauseMs: number; reason: string };
  /** A consumption breaker's pause ended: one trial job may run. */
  'breaker:half-open': { pipeline: string; job?: string; reason: string };
  /** A consumption breaker closed after a successful trial: work flows again. */
  'breaker:close': { pipeline: string; job?: string; reason: string };
  /** A pipeline's scheduler changed state; `leading` means this process fires that pipeline's schedules. */
  'scheduler:state': { pipeline: string; from: SchedulerState; to: SchedulerState; reason: string };
  /** The job of one schedule tick was dispatched (confirmed) by this process; `id` is `<job>@<tick ISO>`. */
  'schedule:fired': { job: string; pipeline: string; tickMs: number; id: string; isCatchUp: boolean };
  /** A driver changed state. */
  'driver:state': { driver: string; from: DriverState; to: DriverState; cause?: unknown };
};
