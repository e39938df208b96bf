/*
 * BreakerGate: a worker's consumption breakers — the pipeline's (jobs.pipelines.<p>.breaker) and those of jobs with
 * their own (@Job({ breaker })) — and what their moves mean for the transport. Pipeline breaker open: the consumer is
 * paused (AMQP basic.cancel) and deliveries waiting for a slot go back to the queue without counting an attempt;
 * half-open: consumption resumes and one trial job may start; closed: everything flows. A job breaker that is open
 * defers that job's deliveries (same attempt, delayed until its pause ends) while the pipeline keeps flowing.
 * Logs and emits one event per transition. Decisions live in breaker/consumption-breaker.ts.
 */
import type { Logger } from 'pino';
import type { Consumer } from '../driver/driver.js';
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { WarrenEventMap } from '../events/warren-events.js';
import type { ResolvedBreakerOptions } from '../breaker/breaker-options.js';
import type { ConsumptionBreakerState } from '../breaker/breaker-state.js';
import { ConsumptionBreaker, type BreakerTransition, type TrialToken } from '../breaker/consumption-breaker.js';
import { breakerFailureKind } from '../breaker/failure-kind.js';
import type { JobDefinition } from '../job/job-definition.js';
import type { TimerSet } from './timer-set.js';

/** How long a job breaker defers a delivery while its trial runs (half-open). */
const HALF_OPEN_DEFER_MS = 1_000;

export interface BreakerGateOptions {
  readonly pipeline: string;
  /** The pipeline's breaker; undefined: none (job breakers may still exist). */
  readonly breaker: ResolvedBreakerOptions | undefined;
  readonly timers: TimerSet;
  readonly logger: Logger;
  readonly events: TypedEmitter<WarrenEventMap>;
  /** The worker's subscription, once it exists. */
  readonly consumer: () => Consumer | undefined;
  /** Whether the worker still runs (no pause/resume once it stops). */
  readonly isRunning: () => boolean;
  /** Requeues the deliveries waiting for a slot; they never started, so no attempt is counted. */
  readonly requeueWaiting: () => number;
  /** Starts waiting deliveries as slots and the breaker allow. */
  readonly pump: () => void;
}

/** A handler outcome as the breakers see it. */
export type GateOutcome = { readonly kind: 'success' } | { readonly kind: 'failure'; readonly error: unknown };

export class BreakerGate {
  readonly #options: BreakerGateOptions;
  readonly #pipelineBreaker: ConsumptionBreaker | undefined;
  readonly #jobBreakers = new Map<string, ConsumptionBreaker>();
  /** Pause and resume run one after the other, in the order the breaker moved. */
  #driverOps: Promise<void> = Promise.resolve();

  constructor(options: BreakerGateOptions) {
    this.#options = options;
    this.#pipelineBreaker = options.breaker && this.#create(options.breaker, undefined);
  }

  /** The pipeline breaker's state; undefined when the pipeline has none. */
  get state(): ConsumptionBreakerState | undefined {
    return this.#pipelineBreaker?.state;
  }

  /** State of every breaker: `pipeline` and one per job that has its own. */
  states(): Record<string, ConsumptionBreakerState> {
    const result: Record<string, ConsumptionBreakerState> = {};
    if (this.#pipelineBreaker) result['pipeline'] = this.#pipelineBreaker.state;
    for (const [job, breaker] of this.#jobBreakers) result[`job:${job}`] = breaker.state;
    return result;
  }

  /** True while the pipeline breaker holds consumption back on purpose (the process is healthy: /ready stays 200). */
  get isHoldingBack(): boolean {
    return this.#pipelineBreaker !== undefined && this.#pipelineBreaker.state !== 'closed';
  }

  /** Whether the delivery `token` may start now (pipeline breaker). */
  admit(token: TrialToken): boolean {
    return this.#pipelineBreaker?.admit(token) ?? true;
  }

  /** For a decoded job with its own breaker: undefined when it may run, else how long to defer it (ms). */
  deferralMs(token: TrialToken, definition: JobDefinition): number | undefined {
    const breaker = this.#jobBreaker(definition);
    if (!breaker || breaker.admit(token)) return undefined;
    return breaker.state === 'open' ? Math.max(breaker.remainingPauseMs(), 1) : HALF_OPEN_DEFER_MS;
  }

  /** The outcome of a handled attempt: to the job's own breaker when it has one, else to the pipeline's. */
  record(token: TrialToken, definition: JobDefinition, outcome: GateOutcome): void {
    const breaker = this.#jobBreaker(definition) ?? this.#pipelineBreaker;
    breaker?.record(token, outcome.kind === 'success' ? 'success' : breakerFailureKind(outcome.error));
  }

  /** The attempt ended (with or without an outcome): a trial that gave none lets another start. */
  release(token: TrialToken, definition?: JobDefinition): void {
    this.#pipelineBreaker?.release(token);
    if (definition) this.#jobBreakers.get(definition.name)?.release(token);
  }

  /** Cancels pause timers (the worker stops). */
  close(): void {
    this.#pipelineBreaker?.close();
    for (const breaker of this.#jobBreakers.values()) breaker.close();
  }

  #jobBreaker(definition: JobDefinition): ConsumptionBreaker | undefined {
    if (!definition.breaker) return undefined;
    let breaker = this.#jobBreakers.get(definition.name);
    if (!breaker) {
      breaker = this.#create(definition.breaker, definition.name);
      this.#jobBreakers.set(definition.name, breaker);
    }
    return breaker;
  }

  #create(options: ResolvedBreakerOptions, job: string | undefined): ConsumptionBreaker {
    const { pipeline, timers } = this.#options;
    const subject = job === undefined ? `pipeline "${pipeline}"` : `job "${job}"`;
    return new ConsumptionBreaker({ ...options, subject, timers, onTransition: (move) => this.#onTransition(move, job) });
  }

  #onTransition(move: BreakerTransition, job: string | undefined): void {
    const { pipeline, logger, events } = this.#options;
    const subject = job === undefined ? { pipeline } : { pipeline, job };
    const log = { event: `breaker.${move.to === 'halfOpen' ? 'half-open' : move.to === 'open' ? 'open' : 'close'}`, ...subject, from: move.from, to: move.to, reason: move.reason };
    if (move.to === 'open') {
      logger.warn({ ...log, failureRate: move.failureRate, pauseMs: move.pauseMs }, `consumption breaker open for ${job ?? pipeline}: ${move.reason}; pausing ${move.pauseMs}ms`);
      events.emit('breaker:open', { ...subject, failureRate: move.failureRate, pauseMs: move.pauseMs ?? 0, reason: move.reason });
    } else if (move.to === 'halfOpen') {
      logger.info(log, `consumption breaker half-open for ${job ?? pipeline}: one trial job may run`);
      events.emit('breaker:half-open', { ...subject, reason: move.reason });
    } else {
      logger.info(log, `consumption breaker closed for ${job ?? pipeline}: ${move.reason}`);
      events.emit('breaker:close', { ...subject, reason: move.reason });
    }
    if (job === undefined) this.#steerConsumer(move.to);
  }

  /** Pauses or resumes the transport for the pipeline breaker's new state, in order. */
  #steerConsumer(to: ConsumptionBreakerState): void {
    const { consumer, isRunning, requeueWaiting, pump, logger } = this.#options;
    this.#driverOps = this.#driverOps.then(async () => {
      const current = consumer();
      if (!isRunning()) return;
      if (to === 'open') {
        await current?.pause?.();
        // Only once the transport stopped delivering: requeued messages would otherwise come straight back.
        if (current?.pause && this.#pipelineBreaker?.state === 'open') requeueWaiting();
        return;
      }
      await current?.resume?.();
      pump();
    }).catch((error: unknown) => logger.warn({ err: error, pipeline: this.#options.pipeline }, 'pausing or resuming consumption for the breaker failed'));
  }
}
