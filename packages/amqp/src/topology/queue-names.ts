/*
 * Names and declare arguments of a pipeline's queues: Q (dead-lettering to Q.dlq), Q.dlq and the per-delay queues
 * Q.delay.<ms>. Pure: the declarer and the doctor both use it. Delays use TTL + dead-lettering back to Q (no plugin);
 * which delays exist is the delay ladder's business (delay-ladder.ts).
 */
import type { ResolvedPipelineOptions } from '../amqp-options.js';

/** A delay queue outlives its last use by at least this long (x-expires = delay + margin). */
export const DELAY_QUEUE_EXPIRY_MARGIN_MS = 60_000;

/** The dead-letter queue of `queue`. */
export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

/** The delay queue of `queue` for `delayMs` (whole milliseconds). */
export function delayQueueName(queue: string, delayMs: number): string {
  return `${queue}.delay.${delayMs}`;
}

/**
 * `x-` arguments of the main queue Q. Q dead-letters to Q.dlq through the default exchange, so that what the broker
 * itself drops from Q (a quorum queue's delivery limit, a TTL or length limit set by policy) ends in Q.dlq, where
 * `warren dlq list` shows it as `broker:<x-death reason>`, instead of being lost. x-max-priority is sent for classic
 * queues only, x-delivery-limit for quorum queues only (the doctor reports either on the other type).
 */
export function mainQueueArguments(options: ResolvedPipelineOptions): Record<string, unknown> {
  const args: Record<string, unknown> = {
    'x-queue-type': options.queueType,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': deadLetterQueueName(options.queue),
  };
  if (options.maxPriority !== undefined && options.queueType === 'classic') args['x-max-priority'] = options.maxPriority;
  if (options.deliveryLimit !== undefined && options.queueType === 'quorum') args['x-delivery-limit'] = options.deliveryLimit;
  return args;
}

/** `x-` arguments of Q.dlq: same queue type as Q, no priority. */
export function deadLetterQueueArguments(options: ResolvedPipelineOptions): Record<string, unknown> {
  return { 'x-queue-type': options.queueType };
}

/**
 * `x-` arguments of Q.delay.<ms>: messages expire after `delayMs` and are dead-lettered through the default
 * exchange back to Q. The queue itself expires when unused for delay + margin (publishing does not count
 * as use, so the declarer re-declares it regularly while it is in use). A quorum delay queue keeps what expired until
 * Q has confirmed it (at-least-once dead-lettering, which RabbitMQ does only with reject-publish overflow); a classic
 * one dead-letters at most once, and what expires while the broker shuts down is dropped. The classic arguments are
 * those of Warren before the quorum default, so that a classic delay queue it left still matches them.
 */
export function delayQueueArguments(queue: string, delayMs: number, type: 'quorum' | 'classic' = 'quorum'): Record<string, unknown> {
  const args: Record<string, unknown> = {
    'x-message-ttl': delayMs,
    'x-expires': delayMs + DELAY_QUEUE_EXPIRY_MARGIN_MS,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': queue,
  };
  if (type === 'quorum') Object.assign(args, { 'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' });
  return args;
}
