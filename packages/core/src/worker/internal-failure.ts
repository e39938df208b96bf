/*
 * The worker's last line: an unexpected exception in Warren's own handling of a delivery (a bug, or input
 * nothing foresaw). The delivery is dead-lettered with reason `internal-error` (WARREN_ERR_WORKER_INTERNAL and
 * the redacted cause in x-warren-error, body byte for byte); only when the driver refuses that copy is it
 * requeued, after a delay — never at once, which would loop as fast as the broker redelivers.
 * Never throws. Does not decide anything else about the delivery (pipeline-worker.ts does).
 */
import type { Logger } from 'pino';
import type { Driver } from '../driver/driver.js';
import { WarrenError } from '../errors/warren-error.js';
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { WarrenEventMap } from '../events/warren-events.js';
import type { InFlightDelivery } from './in-flight-delivery.js';
import { createDeadLetterCopy, formatErrorHeader } from './message-copies.js';
import { readReceivedFields } from './received-fields.js';
import type { TimerSet } from './timer-set.js';

/** How long a delivery whose dead-letter copy was refused is held before it is requeued. */
export const DEFAULT_INTERNAL_REQUEUE_DELAY_MS = 1_000;

/** What settling an internal failure needs from its worker. */
export interface InternalFailureContext {
  readonly driver: Driver;
  readonly pipeline: string;
  readonly logger: Logger;
  readonly events: TypedEmitter<WarrenEventMap>;
  /** The worker's timers: stopping it cancels a pending delayed requeue (the abandoned delivery is requeued then). */
  readonly timers: TimerSet;
  readonly requeueDelayMs: number;
}

/** Holds `entry` for `delayMs` (less if the worker abandons it at shutdown), then requeues it unless settled meanwhile. */
export async function requeueAfterDelay(entry: InFlightDelivery, timers: TimerSet, delayMs: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = timers.schedule(delayMs, resolve);
    entry.attemptAbort.onAbort(() => {
      timer.cancel();
      resolve();
    });
  });
  entry.attemptAbort.onAbort(undefined);
  entry.requeue();
}

/** Dead-letters `entry` with reason `internal-error`, or requeues it after a delay when that copy is refused. */
export async function settleInternalFailure(entry: InFlightDelivery, error: unknown, context: InternalFailureContext): Promise<void> {
  const { logger } = context;
  try {
    const fields = readReceivedFields(entry.delivery.properties);
    const id = fields.messageId ?? '(no message id)';
    const internal = new WarrenError('WARREN_ERR_WORKER_INTERNAL', `unexpected error while handling message ${id}: ${formatErrorHeader(error)}`, {
      cause: error, details: { id, job: fields.type, pipeline: context.pipeline },
    });
    if (entry.isSettled) {
      logger.error({ err: internal, jobId: id }, 'unexpected error after the delivery was settled; nothing more to do');
      return;
    }
    logger.error({ err: internal, jobId: id, job: fields.type, reason: 'internal-error' }, 'unexpected error while handling a delivery; dead-lettering it');
    try {
      const copy = createDeadLetterCopy(entry.delivery, undefined, { reason: 'internal-error', error: internal, failedAtMs: Date.now() });
      await context.driver.deadLetter(context.pipeline, copy);
    } catch (refused) {
      logger.error({ err: refused, jobId: id, retryInMs: context.requeueDelayMs }, 'the driver did not take the internal-error dead letter; requeueing after a delay');
      entry.trace?.requeued();
      await requeueAfterDelay(entry, context.timers, context.requeueDelayMs);
      return;
    }
    if (entry.ack()) {
      entry.trace?.deadLettered('internal-error');
      context.events.emit('job:deadLettered', {
        job: { id, pipeline: context.pipeline, attempt: fields.attempt ?? 1, ...(fields.type === undefined ? {} : { name: fields.type }) },
        reason: 'internal-error',
        error: internal,
      });
    }
  } catch (last) {
    // Only a bug in the lines above can land here; the delivery must still end somewhere.
    logger.error({ err: last }, 'settling an internal failure failed; requeueing after a delay');
    if (!entry.isSettled) {
      await requeueAfterDelay(entry, context.timers, context.requeueDelayMs).catch((stuck: unknown) => {
        logger.error({ err: stuck }, 'the delivery cannot be requeued; the broker redelivers it when the channel closes');
      });
    }
  }
}
