/*
 * The hand-off rule of "It loses nothing" (README): ack the original only after the driver took its retry or
 * dead-letter copy; when the driver refuses, requeue the original after a delay (never ack, never drop, and never
 * an immediate requeue, which the broker would redeliver at once: a loop as fast as the handler fails).
 */
import type { Logger } from 'pino';
import type { InFlightDelivery } from './in-flight-delivery.js';

/**
 * Runs `publish`, then acks `entry`; when `publish` rejects, hands `entry` to `requeueLater` (which holds it a while,
 * then requeues it) instead. Resolves whether it was handed off.
 */
export async function handOff(
  entry: InFlightDelivery, publish: () => Promise<void>, logger: Logger, requeueLater: (entry: InFlightDelivery) => Promise<void>,
): Promise<boolean> {
  try {
    await publish();
  } catch (error) {
    logger.error({ err: error }, 'the driver did not take the retry/dead-letter copy; requeueing the original after a delay');
    await requeueLater(entry);
    return false;
  }
  entry.ack();
  return true;
}
