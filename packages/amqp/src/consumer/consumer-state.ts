/*
 * States of one pipeline's consumer and their legal moves (CONSUMER_TRANSITIONS). Pure.
 *
 *   waiting      not subscribed: no connection yet, or its channel was lost.  → subscribing, cancelled
 *   subscribing  opening the channel, re-declaring Q, basic.consume.          → consuming, waiting, cancelled
 *   consuming    the broker delivers to us (isConsuming = true).               → waiting, subscribing, paused, cancelled
 *   paused       pause() called (a consumption breaker opened): basic.cancel sent, the channel kept so in-flight
 *                deliveries can still be acked; reconnects do not subscribe. resume() → subscribing (on the same
 *                channel when it is still open), or waiting when no session is live.  → subscribing, waiting, cancelled
 *   cancelled    cancel() called: no new deliveries; in-flight ones may still be acked on their channel. Terminal.
 */

export type ConsumerState = 'waiting' | 'subscribing' | 'consuming' | 'paused' | 'cancelled';

/** Legal moves: from → the states it may go to. Anything else is a bug (WARREN_ERR_AMQP_CONSUME_ILLEGAL_STATE). */
export const CONSUMER_TRANSITIONS: Readonly<Record<ConsumerState, readonly ConsumerState[]>> = {
  waiting: ['subscribing', 'paused', 'cancelled'],
  subscribing: ['consuming', 'waiting', 'paused', 'cancelled'],
  consuming: ['waiting', 'subscribing', 'paused', 'cancelled'],
  paused: ['subscribing', 'waiting', 'cancelled'],
  cancelled: [],
};

/** Whether `from → to` is a legal move. */
export function canConsumerTransition(from: ConsumerState, to: ConsumerState): boolean {
  return CONSUMER_TRANSITIONS[from].includes(to);
}
