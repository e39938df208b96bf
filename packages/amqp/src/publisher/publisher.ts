/*
 * Publisher: the confirm channel of the current connection. Sends persistent, mandatory publishes to
 * the default exchange, resolves each on its broker confirm, and buffers in the bounded outbox whatever
 * cannot go out now (disconnected, blocked, breaker open, backpressure). Flushes the outbox in order.
 * Does not dial or declare queues itself (connection manager, TopologyDeclarer).
 */
import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import { BrokerUnavailable, type Logger, type WireMessage } from '@warren/core';
import { amqpError } from '../errors.js';
import type { BrokerBreaker } from '../breaker/broker-breaker.js';
import type { TopologyDeclarer } from '../topology/topology-declarer.js';
import { TimerSet } from '../timer-set.js';
import { settleWithin } from '../settle-within.js';
import { ConfirmTracker } from './confirm-tracker.js';
import { Outbox } from './outbox.js';
import { settleEntry, type PublishEntry } from './publish-entry.js';
import { toPublishOptions } from './message-properties.js';

export interface PublisherOptions {
  readonly publishTimeoutMs: number;
  readonly maxMessages: number;
  readonly breaker: BrokerBreaker;
  readonly declarer: TopologyDeclarer;
  readonly logger: Logger;
  /** Re-declares the queue a returned (unroutable) publish was meant for: Q or Q.dlq deleted out of band. */
  readonly redeclare: (queue: string) => Promise<void>;
}

/** Returns tolerated per publish before it is rejected as unroutable. */
const MAX_RETURNS = 3;

export class Publisher {
  readonly #outbox: Outbox<PublishEntry>;
  readonly #options: PublisherOptions;
  readonly #timers = new TimerSet();
  #channel: ConfirmChannel | undefined;
  #model: ChannelModel | undefined;
  #tracker = new ConfirmTracker();
  #isWriteBlocked = false;
  #isBrokerBlocked = false;
  #isFlushing = false;
  #isClosed = false;

  constructor(options: PublisherOptions) {
    this.#options = options;
    this.#outbox = new Outbox(options.maxMessages);
    const sweepMs = Math.max(50, Math.min(1_000, Math.floor(options.publishTimeoutMs / 4)));
    this.#timers.every(sweepMs, () => this.#expire());
    options.breaker.events.on('breaker:state', ({ to }) => {
      if (to !== 'open') this.flush();
    });
  }

  get outboxDepth(): number {
    return this.#outbox.size;
  }

  get unconfirmed(): number {
    return this.#tracker.size;
  }

  /** Opens the confirm channel on a fresh connection, then flushes the outbox in order. */
  async attach(model: ChannelModel): Promise<void> {
    this.#model = model;
    const channel = await model.createConfirmChannel();
    const tracker = new ConfirmTracker((entry) => this.#onReturned(entry));
    channel.on('error', (error: unknown) => this.#options.logger.warn({ err: error, event: 'amqp.publisher.channel_error' }, 'publish channel error'));
    channel.on('close', () => this.#onChannelClosed(channel, tracker));
    channel.on('ack', (fields: { deliveryTag: number; multiple: boolean }) => this.#onConfirm(tracker, fields.deliveryTag, fields.multiple, false));
    channel.on('nack', (fields: { deliveryTag: number; multiple: boolean }) => this.#onConfirm(tracker, fields.deliveryTag, fields.multiple, true));
    channel.on('return', (message: Message) => tracker.markReturned(message.properties.messageId as string | undefined));
    channel.on('drain', () => {
      if (this.#channel !== channel) return;
      this.#isWriteBlocked = false;
      this.flush();
    });
    this.#channel = channel;
    this.#tracker = tracker;
    this.#isWriteBlocked = false;
    this.flush();
  }

  /** The connection is gone: unconfirmed sends go back to the front of the outbox. */
  detach(): void {
    this.#model = undefined;
    const channel = this.#channel;
    if (channel) this.#onChannelClosed(channel, this.#tracker);
  }

  /** Broker connection.blocked / unblocked. */
  setBrokerBlocked(isBlocked: boolean): void {
    this.#isBrokerBlocked = isBlocked;
    if (isBlocked) return;
    // A blocked broker does not confirm; the time spent blocked must not count against publish_timeout.
    this.#tracker.extendDeadlines(Date.now() + this.#options.publishTimeoutMs);
    this.flush();
  }

  /** Publishes to `queue` (or its delay queue); resolves on the broker confirm. */
  publish(queue: string, message: WireMessage, delayMs = 0): Promise<void> {
    if (this.#isClosed) return Promise.reject(amqpError('WARREN_ERR_AMQP_CONN_CLOSED', 'the amqp driver is closed'));
    return new Promise<void>((resolve, reject) => {
      const entry: PublishEntry = {
        queue, body: message.body, options: toPublishOptions(message.properties), delayMs: delayMs > 0 ? Math.round(delayMs) : 0,
        resolve, reject, deadlineMs: 0, isReturned: false, returnCount: 0, isSettled: false,
      };
      if (this.#canSendNow(entry)) {
        this.#send(this.#channel as ConfirmChannel, entry, queue);
      } else if (entry.delayMs > 0 && this.#isOpenForSend()) {
        // Connected: a delayed publish only waits for its delay queue's declare; outbox.max_messages bounds outages.
        this.#outbox.pushPastLimit(entry);
        this.flush();
      } else if (!this.#outbox.push(entry)) {
        reject(new BrokerUnavailable(`the broker cannot take the message now and the outbox is full (${this.#outbox.maxMessages} messages)`, {
          details: { queue, outboxDepth: this.#outbox.size },
        }));
      } else {
        this.flush();
      }
    });
  }

  /** Sends buffered publishes in order while the channel can take them. Safe to call any time. */
  flush(): void {
    if (this.#isFlushing || this.#outbox.isEmpty || !this.#isOpenForSend()) return;
    this.#isFlushing = true;
    this.#flushLoop().finally(() => {
      this.#isFlushing = false;
      if (!this.#outbox.isEmpty && this.#isOpenForSend()) this.flush();
    }).catch(() => undefined); // #flushLoop never rejects; failures stay queued
  }

  /**
   * Waits until nothing is buffered or unconfirmed, at most until `deadlineMs`; then rejects the rest and closes
   * the channel, waiting at most `channelCloseTimeoutMs` for the broker's close-ok.
   */
  async close(deadlineMs: number, channelCloseTimeoutMs = 1_000): Promise<void> {
    if (this.#isClosed) return;
    this.flush();
    while ((this.#outbox.size > 0 || this.#tracker.size > 0) && Date.now() < deadlineMs && this.#channel) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.#isClosed = true;
    this.#timers.cancelAll();
    const leftovers = [...this.#tracker.takeUnconfirmed(), ...this.#outbox.drain()];
    for (const entry of leftovers) {
      settleEntry(entry, amqpError('WARREN_ERR_AMQP_PUBLISH_CLOSED', `the driver closed before the publish to "${entry.queue}" was confirmed`, {
        details: { queue: entry.queue, messageId: entry.options.messageId },
      }));
    }
    const channel = this.#channel;
    this.#channel = undefined;
    if (channel) await settleWithin(channel.close(), Date.now() + channelCloseTimeoutMs); // may be gone already; never hangs
  }

  #isOpenForSend(): boolean {
    return this.#channel !== undefined && !this.#isWriteBlocked && !this.#isBrokerBlocked && !this.#options.breaker.isOpen;
  }

  #canSendNow(entry: PublishEntry): boolean {
    if (!this.#outbox.isEmpty || this.#isFlushing || !this.#isOpenForSend()) return false;
    return entry.delayMs === 0;
  }

  async #flushLoop(): Promise<void> {
    while (!this.#outbox.isEmpty && this.#isOpenForSend()) {
      const channel = this.#channel as ConfirmChannel;
      const entry = this.#outbox.peek() as PublishEntry;
      let routingKey = entry.queue;
      if (entry.delayMs > 0) {
        try {
          routingKey = await this.#options.declarer.ensureDelayQueue(entry.queue, entry.delayMs);
        } catch (error) {
          this.#options.logger.warn({ err: error, event: 'amqp.publisher.delay_declare_failed' }, 'declaring a delay queue failed; will retry');
          return;
        }
        if (this.#channel !== channel || !this.#isOpenForSend()) continue;
      }
      this.#outbox.shift();
      if (entry.isSettled) continue;
      this.#send(channel, entry, routingKey);
    }
  }

  #send(channel: ConfirmChannel, entry: PublishEntry, routingKey: string): void {
    entry.deadlineMs = Date.now() + this.#options.publishTimeoutMs;
    entry.isReturned = false;
    this.#tracker.add(entry);
    try {
      if (!channel.publish('', routingKey, entry.body, entry.options)) this.#isWriteBlocked = true;
    } catch (error) {
      // amqplib throws when the channel is closing; 'close' requeues everything tracked, this entry included.
      this.#options.logger.debug({ err: error }, 'publish on a closing channel; requeued');
    }
  }

  #onConfirm(tracker: ConfirmTracker, tag: number, multiple: boolean, isNack: boolean): void {
    const succeeded = tracker.confirm(tag, multiple, isNack);
    if (isNack) this.#options.breaker.recordFailure(amqpError('WARREN_ERR_AMQP_PUBLISH_NACKED', 'publish nacked'));
    else if (succeeded > 0 && this.#options.breaker.state === 'halfOpen') this.#options.breaker.recordSuccess();
  }

  #onChannelClosed(channel: ConfirmChannel, tracker: ConfirmTracker): void {
    // Unconfirmed sends may or may not be stored: send them again (at-least-once), ahead of later ones.
    this.#outbox.requeueFront(tracker.takeUnconfirmed());
    if (this.#channel !== channel) return;
    this.#channel = undefined;
    // A channel-level error (not a lost connection) leaves the connection up: reopen on it. When the whole
    // connection went, detach() clears #model first or soon after, and the reopen does nothing.
    const model = this.#model;
    if (!model || this.#isClosed) return;
    this.#timers.after(200, () => {
      if (this.#model !== model || this.#channel || this.#isClosed) return;
      this.attach(model).catch((error: unknown) => {
        this.#options.logger.warn({ err: error, event: 'amqp.publisher.reopen_failed' }, 'reopening the publish channel failed');
      });
    });
  }

  #onReturned(entry: PublishEntry): boolean {
    if (entry.returnCount >= MAX_RETURNS || this.#isClosed) return false;
    entry.returnCount++;
    entry.isReturned = false;
    this.#options.logger.warn({ event: 'amqp.publisher.returned', queue: entry.queue, delayMs: entry.delayMs },
      'a publish was returned as unroutable; re-declaring its queue and sending it again');
    const redeclared = entry.delayMs > 0 ? Promise.resolve(this.#options.declarer.forgetDelayQueues()) : this.#options.redeclare(entry.queue);
    redeclared.catch((error: unknown) => this.#options.logger.warn({ err: error, queue: entry.queue }, 're-declaring after a return failed'))
      .finally(() => {
        this.#outbox.requeueFront([entry]);
        this.flush();
      }).catch(() => undefined); // both steps above catch their own failures
    return true;
  }

  #expire(): void {
    if (this.#isBrokerBlocked) return;
    const expired = this.#tracker.expire(Date.now(), this.#options.publishTimeoutMs);
    if (expired > 0) this.#options.breaker.recordFailure(amqpError('WARREN_ERR_AMQP_PUBLISH_TIMEOUT', `${expired} publishes timed out`));
  }
}
