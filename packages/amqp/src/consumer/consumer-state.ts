/*
 * States of one pipeline's consumer and their legal moves (CONSUMER_TRANSITIONS). Pure.
 *
 *   waiting      not subscribed: no connection yet, or its channel was lost.  → subscribing, cancelled
 *   subscribing  opening the channel, re-declaring Q, basic.consume.          → consuming, waiting, cancelled
 *   consuming    the broker delivers to us (isConsuming = true).               → waiting, subscribing, cancelled
 *   cancelled    cancel() called: no new deliveries; in-flight ones may still be acked on their channel. Terminal.
 */

export type ConsumerState = 'waiting' | 'subscribing' | 'consuming' | 'cancelled';

/** Legal moves: from → the states it may go to. Anything else is a bug (WARREN_ERR_AMQP_CONSUME_ILLEGAL_STATE). */
export const CONSUMER_TRANSITIONS: Readonly<Record<ConsumerState, readonly ConsumerState[]>> = {
  waiting: ['subscribing', 'cancelled'],
  subscribing: ['consuming', 'waiting', 'cancelled'],
  consuming: ['waiting', 'subscribing', 'cancelled'],
  cancelled: [],
};

/** Whether `from → to` is a legal move. */
export function canConsumerTransition(from: ConsumerState, to: ConsumerState): boolean {
  return CONSUMER_TRANSITIONS[from].includes(to);
}
