/*
 * StuckJobWatch: logs, once each, the jobs that have run longer than the driver's stuckJobAfterMs (amqp: half of
 * consumer_timeout) — typically a handler without a timeout that never settles. Such a job holds a worker slot for good
 * and the broker will take its delivery back. Sweeps on an interval in the worker's timers and notes when it first saw
 * each running job, so the hot path pays nothing and a job is never called stuck early (at most one sweep late).
 * Never settles, aborts or requeues anything: it only reports.
 */
import type { Logger } from 'pino';
import { formatDurationMs } from '../util/duration.js';
import type { InFlightDelivery } from './in-flight-delivery.js';
import type { TimerSet } from './timer-set.js';

/** What a sweep remembers of a running job. */
export interface SeenJob {
  /** When a sweep first saw it running (epoch ms); it started no later than this. */
  readonly firstSeenMs: number;
  readonly isReported: boolean;
}

/** The outcome of one sweep: what to remember for the next, and what just became stuck. */
export interface StuckSweep<T> {
  readonly seen: Map<T, SeenJob>;
  readonly stuck: ReadonlyArray<{ readonly entry: T; readonly runningForMs: number }>;
}

/**
 * One sweep over the running jobs: those seen running for at least `thresholdMs` and not reported before are stuck now.
 * Jobs no longer running are forgotten. Pure.
 */
export function sweepStuckJobs<T>(running: Iterable<T>, previous: ReadonlyMap<T, SeenJob>, nowMs: number, thresholdMs: number): StuckSweep<T> {
  const seen = new Map<T, SeenJob>();
  const stuck: Array<{ entry: T; runningForMs: number }> = [];
  for (const entry of running) {
    const before = previous.get(entry);
    const firstSeenMs = before?.firstSeenMs ?? nowMs;
    const runningForMs = nowMs - firstSeenMs;
    const isNewlyStuck = before !== undefined && !before.isReported && runningForMs >= thresholdMs;
    if (isNewlyStuck) stuck.push({ entry, runningForMs });
    seen.set(entry, { firstSeenMs, isReported: (before?.isReported ?? false) || isNewlyStuck });
  }
  return { seen, stuck };
}

/** How often to sweep: a tenth of the threshold, between 1 s and 1 min. */
export function stuckSweepIntervalMs(thresholdMs: number): number {
  return Math.min(60_000, Math.max(1_000, Math.floor(thresholdMs / 10)));
}

export interface StuckJobWatchOptions {
  readonly thresholdMs: number;
  readonly timers: TimerSet;
  readonly logger: Logger;
  /** The deliveries whose attempt is running now. */
  readonly running: () => Iterable<InFlightDelivery>;
  readonly nowMs?: () => number;
}

/** Logs each job running past the threshold once, as `job.stuck`. */
export class StuckJobWatch {
  readonly #options: StuckJobWatchOptions;
  #seen: ReadonlyMap<InFlightDelivery, SeenJob> = new Map();

  constructor(options: StuckJobWatchOptions) {
    this.#options = options;
  }

  /** Starts sweeping on the owner's timers (cancelled with them). */
  start(): void {
    this.#options.timers.every(stuckSweepIntervalMs(this.#options.thresholdMs), () => this.sweep());
  }

  /** One sweep now; returns how many jobs it reported. */
  sweep(): number {
    const { thresholdMs, logger } = this.#options;
    const { seen, stuck } = sweepStuckJobs(this.#options.running(), this.#seen, (this.#options.nowMs ?? Date.now)(), thresholdMs);
    this.#seen = seen;
    for (const { entry, runningForMs } of stuck) {
      const { messageId: jobId, type: job } = entry.delivery.properties;
      logger.warn(
        { event: 'job.stuck', jobId, job, runningForMs, stuckAfterMs: thresholdMs },
        `job ${job ?? '(no type)'} (${jobId ?? 'no id'}) has run for over ${formatDurationMs(runningForMs)} without settling: it holds a worker slot, `
          + 'and the broker will take it back and redeliver it (give the job a timeout and honour ctx.signal)',
      );
    }
    return stuck.length;
  }
}
