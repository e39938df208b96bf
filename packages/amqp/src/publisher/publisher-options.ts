/*
 * What the publisher is given (timeouts, outbox bound, breaker, declarer, the connection's blocked flag),
 * what it emits (its event map), and how many returns a publish may survive. No logic.
 */
import type { Logger } from '@warren/core';
import type { BrokerBreaker } from '../breaker/broker-breaker.js';
import type { TopologyDeclarer } from '../topology/topology-declarer.js';
import type { DurableOutbox } from './durable-outbox.js';
import type { PublisherState } from './publisher-state.js';

export interface PublisherOptions {
  readonly publishTimeoutMs: number;
  readonly maxMessages: number;
  /** amqp.publish_fast_path: false sends every publish through amqplib's channel.publish. */
  readonly isFastPath: boolean;
  readonly breaker: BrokerBreaker;
  readonly declarer: TopologyDeclarer;
  readonly logger: Logger;
  /** Whether the broker blocks our connection (connection.blocked) right now; the connection manager owns that flag. */
  readonly isBrokerBlocked: () => boolean;
  /** Re-declares the queue a returned (unroutable) publish was meant for: Q or Q.dlq deleted out of band. */
  readonly redeclare: (queue: string) => Promise<void>;
  /** amqp.outbox.path: publishes made while the broker is unreachable go to this file and resolve once written. */
  readonly durable?: DurableOutbox | undefined;
}

export type PublisherEventMap = {
  /** The publisher changed state (channel opened, lost, reopening, backpressure, closed); `cause` is an error or a short reason. */
  'publisher:state': { from: PublisherState; to: PublisherState; cause: unknown };
};

/** Returns tolerated per publish before it is rejected as unroutable. */
export const MAX_RETURNS = 3;
