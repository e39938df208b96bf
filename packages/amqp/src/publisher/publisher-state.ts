/*
 * States of the publisher (its confirm channel) and their legal moves (PUBLISHER_TRANSITIONS). Pure.
 * Whether the broker blocks us (connection.blocked) or the breaker is open are not publisher states: the
 * publisher asks their owners (connection manager, breaker) and, while either holds, keeps publishes in the outbox.
 *
 *   detached      no connection: publishes wait in the outbox.                          → opening, closed
 *   opening       creating the confirm channel (attach() on a fresh connection, or a    → open, reopening, detached, closed
 *                 reopen after a channel error).
 *   open          channel up and idle: a publish goes straight out when the outbox is   → flushing, writeBlocked, reopening,
 *                 empty (else it queues behind the outbox).                                detached, closed
 *   flushing      the flush loop sends the outbox in order; new publishes queue behind. → open, writeBlocked, reopening,
 *                                                                                         detached, closed
 *   writeBlocked  channel.publish returned false (socket buffer full): waiting for      → open, reopening, detached, closed
 *                 'drain'.
 *   reopening     the channel died of a channel-level error while the connection        → opening, detached, closed
 *                 lives: waiting for the next step of the channel retry schedule.
 *   closed        close() finished: publishes are refused. Terminal.
 */

export type PublisherState = 'detached' | 'opening' | 'open' | 'flushing' | 'writeBlocked' | 'reopening' | 'closed';

/** Legal moves: from → the states it may go to. Anything else is a bug (WARREN_ERR_AMQP_PUBLISH_ILLEGAL_STATE). */
export const PUBLISHER_TRANSITIONS: Readonly<Record<PublisherState, readonly PublisherState[]>> = {
  detached: ['opening', 'closed'],
  opening: ['open', 'reopening', 'detached', 'closed'],
  open: ['flushing', 'writeBlocked', 'reopening', 'detached', 'closed'],
  flushing: ['open', 'writeBlocked', 'reopening', 'detached', 'closed'],
  writeBlocked: ['open', 'reopening', 'detached', 'closed'],
  reopening: ['opening', 'detached', 'closed'],
  closed: [],
};

/** Whether `from → to` is a legal move. */
export function canPublisherTransition(from: PublisherState, to: PublisherState): boolean {
  return PUBLISHER_TRANSITIONS[from].includes(to);
}

/** States with a live channel that may take a send (when neither the broker nor the breaker holds us back). */
export function isSendingState(state: PublisherState): boolean {
  return state === 'open' || state === 'flushing';
}
