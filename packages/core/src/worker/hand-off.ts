/*
 * The hand-off rule of DESIGN.md promise 2: ack the original only after the driver took its retry or
 * dead-letter copy; when the driver refuses, requeue the original (never ack, never drop).
 */
import type { Logger } from 'pino';
import type { InFlightDelivery } from './in-flight-delivery.js';

/** Runs `publish`, then acks `entry`; requeues it instead when `publish` rejects. Resolves whether it was handed off. */
export async function handOff(entry: InFlightDelivery, publish: () => Promise<void>, logger: Logger): Promise<boolean> {
  try {
    await publish();
  } catch (error) {
    logger.error({ err: error }, 'the driver did not take the retry/dead-letter copy; requeueing the original');
    entry.requeue();
    return false;
  }
  entry.ack();
  return true;
}
