/*
 * AckBatcher: the acks of ONE consumer channel generation. ack() records the delivery and schedules one flush per
 * event-loop turn (AckWindow decides the frames); requeue() sends its nack at once. Once retired (channel lost or
 * closed by us) it sends nothing more: the broker redelivers what was not acked, never on another channel, and
 * `lost` aborts so that the runtime drops or aborts the deliveries of this channel it still holds.
 */
import type { Channel, Message } from 'amqplib';
import { AckWindow } from './ack-window.js';

/** What the batcher sends on: the amqplib channel (a fake in unit tests). */
export type AckSink = Pick<Channel, 'ack' | 'nack'>;

/**
 * live     acks are gathered and flushed on this generation's channel.   → retired
 * retired  the channel is gone or closed by us: acks and requeues are dropped. Terminal.
 */
export type AckBatcherState = 'live' | 'retired';

/** amqplib reads only `fields.deliveryTag` from the message it acks. */
function frameFor(deliveryTag: number): Message {
  return { fields: { deliveryTag } } as unknown as Message;
}

export class AckBatcher {
  #state: AckBatcherState = 'live';
  readonly #window = new AckWindow();
  readonly #lost = new AbortController();
  readonly #channel: AckSink;
  #flushHandle: NodeJS.Immediate | undefined;
  readonly #onTurnEnd = (): void => {
    this.#flushHandle = undefined;
    this.flush();
  };

  constructor(channel: AckSink) {
    this.#channel = channel;
  }

  get state(): AckBatcherState {
    return this.#state;
  }

  /** Deliveries of this generation not yet acked or requeued by the runtime. */
  get outstandingCount(): number {
    return this.#window.outstandingCount;
  }

  /** Aborted when this generation ends: a delivery of it not settled by then can no longer be (Delivery.lost). */
  get lost(): AbortSignal {
    return this.#lost.signal;
  }

  /** The broker delivered `tag` on this generation's channel. */
  delivered(tag: number): void {
    if (this.#state === 'live') this.#window.delivered(tag);
  }

  /** The runtime acked `tag`: sent with the other acks of this turn. */
  ack(tag: number): void {
    if (this.#state !== 'live' || !this.#window.ack(tag)) return;
    this.#flushHandle ??= setImmediate(this.#onTurnEnd);
  }

  /** The runtime requeued `tag`: nack(requeue) now, so it is on the wire before any multiple ack that passes it. */
  requeue(tag: number): void {
    if (this.#state !== 'live' || !this.#window.requeue(tag)) return;
    try {
      this.#channel.nack(frameFor(tag), false, true);
    } catch {
      this.retire('discard'); // the channel is closing: the broker requeues every unacked message itself
    }
  }

  /** Sends the gathered acks now (before a basic.cancel or channel.close of ours, and at the end of each turn). */
  flush(): void {
    if (this.#state !== 'live') return;
    this.#cancelScheduledFlush();
    const plan = this.#window.takePlan();
    try {
      if (plan.upToTag > 0) this.#channel.ack(frameFor(plan.upToTag), true);
      for (const tag of plan.singleTags) this.#channel.ack(frameFor(tag), false);
    } catch {
      this.retire('discard'); // the channel is closing: unsent acks become redeliveries, never acks elsewhere
    }
  }

  /**
   * This generation ends. 'flush' (we close or cancel on a working channel) sends the gathered acks first;
   * 'discard' (the channel died) drops them. Idempotent.
   */
  retire(pending: 'flush' | 'discard'): void {
    if (this.#state === 'retired') return;
    if (pending === 'flush') this.flush();
    this.#cancelScheduledFlush();
    this.#window.clear();
    this.#state = 'retired';
    this.#lost.abort('delivery-lost');
  }

  #cancelScheduledFlush(): void {
    if (this.#flushHandle === undefined) return;
    clearImmediate(this.#flushHandle);
    this.#flushHandle = undefined;
  }
}
