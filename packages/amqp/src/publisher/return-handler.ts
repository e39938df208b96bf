/*
 * What happens when the broker returns a publish as unroutable (its queue was deleted out of band): re-declare
 * the queue (or forget the delay queues), then put the publish back at the front of the outbox — up to
 * MAX_RETURNS times, after which the publisher rejects it. Does not send: the publisher's flush does.
 */
import type { Logger } from '@warren/core';
import { QUEUE_NODE_DOWN, type TopologyDeclarer } from '../topology/topology-declarer.js';
import { MAX_RETURNS } from './publisher-options.js';
import type { PublishEntry } from './publish-entry.js';
import type { Outbox } from './outbox.js';

export interface ReturnHandlerOptions {
  readonly logger: Logger;
  readonly declarer: TopologyDeclarer;
  readonly redeclare: (queue: string) => Promise<void>;
  /** The returned entry goes back to its front, then `flush` sends it again. */
  readonly outbox: Outbox<PublishEntry>;
  readonly flush: () => void;
  /** No retries once the publisher is closed. */
  readonly isClosed: () => boolean;
}

/** Returns the ConfirmTracker's onReturned hook: true = the entry will be re-sent, false = reject it as unroutable. */
export function createReturnHandler(options: ReturnHandlerOptions): (entry: PublishEntry) => boolean {
  // Queues whose node RabbitMQ last said is down: the returns of a burst re-declare at once, and only the first declare
  // gets that answer (its 404 closes the declare channel under the others), yet each rejection should say why.
  const nodeDown = new Map<string, string>();
  return (entry) => {
    if (entry.returnCount >= MAX_RETURNS || options.isClosed()) return false;
    entry.returnCount++;
    entry.isReturned = false;
    options.logger.warn({ event: 'amqp.publisher.returned', queue: entry.queue, delayMs: entry.delayMs },
      'a publish was returned as unroutable; re-declaring its queue and sending it again');
    const redeclared = entry.delayMs > 0 ? Promise.resolve(options.declarer.forgetDelayQueues()) : options.redeclare(entry.queue);
    redeclared.then(() => nodeDown.delete(entry.queue), (error: unknown) => {
      const cause = error instanceof Error ? error.message : String(error);
      if (QUEUE_NODE_DOWN.test(cause)) nodeDown.set(entry.queue, cause);
      entry.returnCause = nodeDown.get(entry.queue) ?? cause;
      options.logger.warn({ err: error, queue: entry.queue }, 're-declaring after a return failed');
    })
      .finally(() => {
        options.outbox.requeueFront([entry]);
        options.flush();
      })
      .catch(() => undefined); // both steps above catch their own failures
    return true;
  };
}
