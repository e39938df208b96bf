/*
 * AmqpDelivery: core's Delivery for one amqplib message. It remembers the channel that delivered it:
 * ack/requeue after that channel died are dropped (the broker redelivers), never sent on a newer channel,
 * which would be a 406 "unknown delivery tag". Settles at most once.
 */
import type { Channel, ConsumeMessage } from 'amqplib';
import type { Delivery, ReceivedProperties } from '@warren/core';
import { toReceivedProperties } from '../publisher/message-properties.js';

/** What a delivery needs from its consumer: whether its channel is still the live one. */
export interface DeliveryChannelOwner {
  isLiveChannel(channel: Channel): boolean;
}

export class AmqpDelivery implements Delivery {
  readonly body: Buffer;
  readonly redelivered: boolean;
  #properties: ReceivedProperties | undefined;
  #isSettled = false;
  readonly #owner: DeliveryChannelOwner;
  readonly #channel: Channel;
  readonly #message: ConsumeMessage;

  constructor(owner: DeliveryChannelOwner, channel: Channel, message: ConsumeMessage) {
    this.#owner = owner;
    this.#channel = channel;
    this.#message = message;
    this.body = message.content;
    this.redelivered = message.fields.redelivered;
  }

  /** Mapped on first read: most handlers read it once, some never. */
  get properties(): ReceivedProperties {
    return (this.#properties ??= toReceivedProperties(this.#message.properties));
  }

  ack(): void {
    if (this.#isSettled) return;
    this.#isSettled = true;
    if (!this.#owner.isLiveChannel(this.#channel)) return;
    try {
      this.#channel.ack(this.#message);
    } catch {
      // The channel is closing right now: the broker will redeliver; nothing else to do.
    }
  }

  requeue(): void {
    if (this.#isSettled) return;
    this.#isSettled = true;
    if (!this.#owner.isLiveChannel(this.#channel)) return;
    try {
      this.#channel.nack(this.#message, false, true);
    } catch {
      // The channel is closing right now: the broker requeues unacked messages itself.
    }
  }
}
