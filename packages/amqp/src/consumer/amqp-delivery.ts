/*
 * AmqpDelivery: core's Delivery for one amqplib message. Settles at most once, through the AckBatcher of the
 * channel generation that delivered it: acks/requeues after that channel died are dropped (the broker
 * redelivers), never sent on a newer channel, which would be a 406 "unknown delivery tag".
 */
import type { ConsumeMessage, MessageProperties } from 'amqplib';
import type { Delivery, ReceivedProperties } from '@warren/core';
import { toReceivedProperties } from '../publisher/message-properties.js';
import type { AckBatcher } from './ack-batcher.js';

export class AmqpDelivery implements Delivery {
  readonly body: Buffer;
  readonly redelivered: boolean;
  #properties: ReceivedProperties | undefined;
  #isSettled = false;
  readonly #acks: AckBatcher;
  readonly #deliveryTag: number;
  /** amqplib's raw properties until mapped; the message itself is not kept, so it dies young (PERF-NOTES). */
  #rawProperties: MessageProperties | undefined;

  /** amqp.max_payload when this body is larger (the runtime dead-letters it as too-large, unparsed); else undefined. */
  readonly maxBodyBytes: number | undefined;

  /** `acks` is the batcher of the channel that delivered `message` (which must already know the delivery). */
  constructor(acks: AckBatcher, message: ConsumeMessage, maxPayloadBytes = Number.POSITIVE_INFINITY) {
    this.#acks = acks;
    this.#deliveryTag = message.fields.deliveryTag;
    this.#rawProperties = message.properties;
    this.body = message.content;
    this.redelivered = message.fields.redelivered;
    this.maxBodyBytes = message.content.length > maxPayloadBytes ? maxPayloadBytes : undefined;
  }

  /** Mapped on first read: most handlers read it once, some never. */
  get properties(): ReceivedProperties {
    if (this.#properties === undefined) {
      this.#properties = toReceivedProperties(this.#rawProperties as MessageProperties);
      this.#rawProperties = undefined;
    }
    return this.#properties;
  }

  /** Aborted once the channel that delivered this message is gone: it can no longer be settled (the broker redelivers). */
  get lost(): AbortSignal {
    return this.#acks.lost;
  }

  ack(): void {
    if (this.#isSettled) return;
    this.#isSettled = true;
    this.#acks.ack(this.#deliveryTag);
  }

  requeue(): void {
    if (this.#isSettled) return;
    this.#isSettled = true;
    this.#acks.requeue(this.#deliveryTag);
  }
}
