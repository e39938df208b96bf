/*
 * FailureHandOff: what happens to a delivery whose attempt failed, or that cannot run: its retry or dead-letter copy
 * handed to the driver, then the original acked (hand-off.ts); when the driver refuses the copy, the original is
 * requeued after requeueDelayMs and its outcome remembered (refused-hand-offs.ts), so that it is handed off again,
 * not run again, when it comes back. Emits job:failed and job:deadLettered. Decides nothing: outcomes come from
 * retry-policy.ts.
 */
import type { Logger } from 'pino';
import type { Driver } from '../driver/driver.js';
import type { DeadLetterReason, WireMessage } from '../driver/wire-message.js';
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { JobEventInfo, WarrenEventMap } from '../events/warren-events.js';
import type { DecodedJob } from './decode-delivery.js';
import { handOff } from './hand-off.js';
import type { InFlightDelivery } from './in-flight-delivery.js';
import { requeueAfterDelay } from './internal-failure.js';
import { createDeadLetterCopy, createRetryCopy, type CopyIdentity } from './message-copies.js';
import { RefusedHandOffs, type RefusedOutcome } from './refused-hand-offs.js';
import type { Outcome } from './retry-policy.js';
import type { TimerSet } from './timer-set.js';

export interface FailureHandOffOptions {
  readonly pipeline: string;
  readonly driver: Driver;
  readonly events: TypedEmitter<WarrenEventMap>;
  readonly logger: Logger;
  readonly timers: TimerSet;
  readonly requeueDelayMs: number;
}

export class FailureHandOff {
  readonly #options: FailureHandOffOptions;
  readonly #refused = new RefusedHandOffs();

  constructor(options: FailureHandOffOptions) {
    this.#options = options;
  }

  /** The outcome of this attempt if it already ran and its copy was refused (forgotten as it is returned). */
  takeRefused(job: DecodedJob): RefusedOutcome | undefined {
    return this.#refused.take(job.id, job.attempt);
  }

  /**
   * Hands off a failed attempt's outcome. `isReplay`: the handler ran on an earlier delivery whose copy was refused; its
   * job:failed event went out then, so only the hand-off and a dead letter's event happen now.
   */
  async settle(entry: InFlightDelivery, job: DecodedJob, info: JobEventInfo, outcome: Outcome, error: unknown, durationMs: number, isReplay = false): Promise<void> {
    const { events, logger } = this.#options;
    const log = { err: error, jobId: job.id, job: job.name, attempt: job.attempt };
    if (!isReplay) entry.trace?.failed(error);
    if (outcome.action === 'retry') {
      const isHandedOff = await this.sendCopy(entry, createRetryCopy(entry.delivery, job), outcome.delayMs);
      if (isHandedOff) entry.trace?.retried(outcome.delayMs, job.attempt + 1);
      else this.#refused.remember(job.id, job.attempt, { outcome, error });
      logger.warn({ ...log, retryInMs: isHandedOff ? outcome.delayMs : undefined }, isHandedOff ? 'job failed; retry scheduled' : 'job failed; retry hand-off failed, requeued');
      if (!isReplay) events.emit('job:failed', { job: info, durationMs, error, retryInMs: isHandedOff ? outcome.delayMs : undefined });
      return;
    }
    if (!isReplay) events.emit('job:failed', { job: info, durationMs, error, retryInMs: undefined });
    if (outcome.action !== 'dead-letter') return;
    logger.warn({ ...log, reason: outcome.reason }, 'job failed; dead-lettering it');
    if (await this.deadLetter(entry, job, outcome.reason, error)) {
      events.emit('job:deadLettered', { job: info, reason: outcome.reason, error });
    } else {
      this.#refused.remember(job.id, job.attempt, { outcome, error });
    }
  }

  /** Hands a dead-letter copy to the driver, then acks; resolves whether the driver took it. */
  async deadLetter(entry: InFlightDelivery, identity: CopyIdentity, reason: DeadLetterReason, error: unknown): Promise<boolean> {
    const { driver, pipeline, logger } = this.#options;
    const copy = createDeadLetterCopy(entry.delivery, identity, { reason, error, failedAtMs: Date.now() });
    const isHandedOff = await handOff(entry, () => driver.deadLetter(pipeline, copy), logger, this.#requeueLater);
    if (isHandedOff) entry.trace?.deadLettered(reason);
    return isHandedOff;
  }

  /** Publishes `copy` to the pipeline after `delayMs`, then acks; resolves whether the driver took it. */
  sendCopy(entry: InFlightDelivery, copy: WireMessage, delayMs: number): Promise<boolean> {
    const { driver, pipeline, logger } = this.#options;
    return handOff(entry, () => driver.publish(pipeline, copy, { delayMs }), logger, this.#requeueLater);
  }

  /** Holds a delivery whose copy the driver refused for requeueDelayMs, then requeues it (a stop cuts the wait short). */
  readonly #requeueLater = (entry: InFlightDelivery): Promise<void> => requeueAfterDelay(entry, this.#options.timers, this.#options.requeueDelayMs);
}
