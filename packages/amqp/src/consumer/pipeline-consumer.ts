/*
 * PipelineConsumer: one pipeline's subscription on its own channel with prefetch. Re-subscribes after
 * every reconnect (attach), after a channel-level error (406/404/consumer_timeout: that channel alone)
 * and after a broker basic.cancel (queue deleted: re-declare first). Implements core's Consumer. Acks go
 * through one AckBatcher per channel generation. Does not dial: the driver calls attach/detach.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { TypedEmitter, type Consumer, type Logger, TimerSet } from '@warren/core';
import { amqpError } from '../errors.js';
import type { ResolvedPipelineOptions } from '../amqp-options.js';
import type { TopologyDeclarer } from '../topology/topology-declarer.js';
import { ChannelRetry } from '../connection/channel-retry.js';
import { AckBatcher } from './ack-batcher.js';
import { AmqpDelivery } from './amqp-delivery.js';
import { canConsumerTransition, type ConsumerState } from './consumer-state.js';

export interface PipelineConsumerOptions {
  readonly pipeline: ResolvedPipelineOptions;
  readonly prefetch: number;
  readonly onDelivery: (delivery: AmqpDelivery) => void;
  readonly declarer: TopologyDeclarer;
  readonly logger: Logger;
  /** Called when the consumer is cancelled, so the driver forgets it. */
  readonly onCancelled: (consumer: PipelineConsumer) => void;
}

export type PipelineConsumerEventMap = {
  /** The consumer changed state (subscribed, lost its channel, cancelled); `cause` is an error or a short reason. */
  'consumer:state': { pipeline: string; from: ConsumerState; to: ConsumerState; cause: unknown };
};

export class PipelineConsumer implements Consumer {
  readonly pipeline: string;
  readonly events = new TypedEmitter<PipelineConsumerEventMap>();
  #state: ConsumerState = 'waiting';
  #model: ChannelModel | undefined;
  #channel: Channel | undefined;
  /** The acks of #channel's generation; retired (flushed or discarded) whenever #channel is let go. */
  #acks: AckBatcher | undefined;
  #consumerTag: string | undefined;
  /** The subscribe in progress and the connection it is for: a second attach on that connection joins it. */
  #inFlight: { readonly model: ChannelModel; readonly done: Promise<void> } | undefined;
  #cancelling: Promise<void> | undefined;
  readonly #timers = new TimerSet();
  /** Re-subscribes on the channel retry schedule after a failed subscribe or a channel error. */
  readonly #retry = new ChannelRetry(this.#timers);
  readonly #options: PipelineConsumerOptions;
  readonly #log: Logger;

  constructor(options: PipelineConsumerOptions) {
    this.#options = options;
    this.pipeline = options.pipeline.pipeline;
    this.#log = options.logger.child({ pipeline: this.pipeline });
  }

  get state(): ConsumerState {
    // Read through this getter after an await: TypeScript would keep a narrowed #state otherwise.
    return this.#state;
  }

  get isConsuming(): boolean {
    return this.#state === 'consuming';
  }

  /** The live consumer channel, if subscribed (tests provoke channel errors through it). */
  get channel(): Channel | undefined {
    return this.#channel;
  }

  /**
   * A fresh connection (topology already declared): subscribe on it. Idempotent per connection: when
   * already consuming or subscribing on `model`, nothing new is opened (a second consumer on another
   * channel would receive messages whose acks are then dropped as stale, holding them unacked forever).
   */
  attach(model: ChannelModel): Promise<void> {
    if (this.#model === model && this.#state === 'consuming') return Promise.resolve();
    if (this.#inFlight?.model === model) return this.#inFlight.done;
    this.#model = model;
    this.#retry.cancel(); // a retry for an older connection has nothing left to do
    this.#retry.succeeded(); // a fresh connection starts the schedule over
    return this.#subscribe(model, false);
  }

  /** The connection is gone; in-flight deliveries of the old channel will be dropped on settle. */
  detach(): void {
    this.#model = undefined;
    this.#releaseChannel('discard');
    this.#consumerTag = undefined;
    if (this.#state === 'subscribing' || this.#state === 'consuming') this.#transition('waiting', 'connection lost');
  }

  /**
   * Watchdog, given the live connection: subscribes when this consumer missed it, and re-subscribes when
   * our channel or consumer is gone or the broker counts no consumer on Q.
   */
  async verify(model: ChannelModel): Promise<void> {
    if (this.#state === 'cancelled' || this.#inFlight) return;
    if (this.#model !== model) {
      this.#log.warn({ event: 'amqp.watchdog.resubscribe', reason: 'not attached to the live connection' }, 'watchdog: subscribing consumer');
      await this.attach(model);
      return;
    }
    const channel = this.#channel;
    const tag = this.#consumerTag;
    const consumers = (channel as unknown as { consumers?: Map<string, unknown> } | undefined)?.consumers;
    let reason: string | undefined;
    if (this.#state === 'waiting') reason = 'not subscribed';
    else if (!channel || !tag || (consumers && !consumers.has(tag))) reason = 'consumer missing on our channel';
    else {
      const counts = await this.#options.declarer.checkQueue(this.#options.pipeline.queue).catch(() => undefined);
      if (!counts) reason = 'queue missing';
      else if (counts.consumerCount === 0) reason = 'broker reports no consumer on the queue';
    }
    if (reason === undefined || this.#model !== model || this.state === 'cancelled' || this.#inFlight) return;
    this.#log.warn({ event: 'amqp.watchdog.resubscribe', reason }, 'watchdog: re-subscribing consumer');
    this.#releaseChannel('flush');
    if (channel) channel.close().catch(() => undefined); // a fresh channel is opened below; the old one is useless
    await this.#subscribe(model, true);
  }

  /** Stops new deliveries; in-flight ones can still be acked on the channel. Idempotent. */
  cancel(): Promise<void> {
    this.#cancelling ??= this.#cancel();
    return this.#cancelling;
  }

  /** Closes the channel (driver close, after in-flight work settled). */
  async close(): Promise<void> {
    await this.cancel();
    this.#timers.close();
    const channel = this.#channel;
    this.#releaseChannel('flush'); // acks of settled work go out before channel.close
    if (channel) await channel.close().catch(() => undefined); // may already be closed with the connection
  }

  async #cancel(): Promise<void> {
    const channel = this.#channel;
    const tag = this.#consumerTag;
    this.#timers.close(); // no re-subscribe after this
    if (this.#state !== 'cancelled') this.#transition('cancelled', 'cancel() called');
    this.#options.onCancelled(this);
    this.#acks?.flush(); // in-flight deliveries may still be acked after the cancel; what is settled goes first
    if (channel && tag) await channel.cancel(tag).catch(() => undefined); // a dead channel delivers nothing anyway
  }

  #subscribe(model: ChannelModel, redeclare: boolean): Promise<void> {
    if (this.#inFlight?.model === model) return this.#inFlight.done;
    const done: Promise<void> = this.#subscribeOnce(model, redeclare).finally(() => {
      if (this.#inFlight?.done === done) this.#inFlight = undefined;
    });
    this.#inFlight = { model, done };
    return done;
  }

  async #subscribeOnce(model: ChannelModel, redeclare: boolean): Promise<void> {
    if (this.#state === 'cancelled') return;
    if (this.#state !== 'subscribing') this.#transition('subscribing', redeclare ? 'recovering' : 'connected');
    const { queue } = this.#options.pipeline;
    let channel: Channel | undefined;
    try {
      if (redeclare) await this.#options.declarer.declarePipeline(this.#options.pipeline);
      channel = await model.createChannel();
      const opened = channel;
      opened.on('error', (error: unknown) => this.#log.warn({ err: error, event: 'amqp.consumer.channel_error' }, 'consumer channel error'));
      opened.on('close', () => this.#onChannelClosed(opened));
      await opened.prefetch(this.#options.prefetch);
      if (this.#model !== model || this.#state !== 'subscribing') {
        opened.close().catch(() => undefined); // superseded while opening
        return;
      }
      this.#releaseChannel('discard'); // a channel of an older generation still set: its acks end here
      this.#channel = opened;
      const acks = new AckBatcher(opened);
      this.#acks = acks;
      const ok = await opened.consume(queue, (message) => this.#onMessage(opened, acks, message));
      if (this.#channel !== opened || (this.#state as ConsumerState) !== 'subscribing') return;
      this.#consumerTag = ok.consumerTag;
      this.#retry.succeeded();
      this.#transition('consuming', 'basic.consume ok');
    } catch (error) {
      this.#log.warn({ err: error, event: 'amqp.consumer.subscribe_failed' }, 'subscribing failed; retrying');
      if (this.#channel === channel) this.#releaseChannel('discard');
      channel?.close().catch(() => undefined); // may be closed by the error already
      if (this.#model === model && this.#state === 'subscribing') {
        this.#transition('waiting', error);
        this.#scheduleRetry(model);
      }
      throw amqpError('WARREN_ERR_AMQP_CONSUME_UNAVAILABLE', `subscribing to "${queue}" failed`, { cause: error, details: { queue } });
    }
  }

  #onMessage(channel: Channel, acks: AckBatcher, message: ConsumeMessage | null): void {
    if (message === null) {
      // basic.cancel from the broker (queue deleted or failed over): re-declare and subscribe again.
      if (channel !== this.#channel || this.#state !== 'consuming' || !this.#model) return;
      this.#log.warn({ event: 'amqp.consumer.cancelled_by_broker' }, 'broker cancelled the consumer; re-declaring and re-subscribing');
      this.#consumerTag = undefined;
      this.#releaseChannel('flush');
      channel.close().catch(() => undefined); // a fresh channel is opened by the re-subscribe
      this.#transition('waiting', 'basic.cancel from broker');
      this.#scheduleRetry(this.#model);
      return;
    }
    acks.delivered(message.fields.deliveryTag);
    const delivery = new AmqpDelivery(acks, message);
    try {
      this.#options.onDelivery(delivery);
    } catch (error) {
      // onDelivery must not throw; if it does, amqplib would rethrow it on its socket and drop the connection.
      this.#log.error({ err: error, event: 'amqp.consumer.on_delivery_threw' }, 'onDelivery threw; requeueing the message');
      delivery.requeue();
    }
  }

  #onChannelClosed(channel: Channel): void {
    if (channel !== this.#channel) return;
    this.#releaseChannel('discard'); // the broker requeues what was not acked; pending acks would fail anyway
    this.#consumerTag = undefined;
    const model = this.#model;
    if (this.#state === 'cancelled' || !model) return;
    if (this.#state === 'consuming') this.#transition('waiting', 'channel closed');
    // On a lost connection detach() follows and the retry finds #model changed; on a channel error it recovers alone.
    this.#scheduleRetry(model);
  }

  /** Lets go of #channel: its acks are flushed (we close or replace a working channel) or discarded (it died). */
  #releaseChannel(pending: 'flush' | 'discard'): void {
    this.#acks?.retire(pending);
    this.#acks = undefined;
    this.#channel = undefined;
  }

  #scheduleRetry(model: ChannelModel): void {
    this.#retry.schedule(() => {
      if (this.#model !== model || this.#state !== 'waiting') return;
      this.#subscribe(model, true).catch(() => undefined); // failure is logged and rescheduled inside
    });
  }

  #transition(to: ConsumerState, reason: unknown): void {
    const from = this.#state;
    if (from === to) return; // e.g. a second recovery path reaching `waiting`: nothing changes
    if (!canConsumerTransition(from, to)) {
      throw amqpError('WARREN_ERR_AMQP_CONSUME_ILLEGAL_STATE', `illegal consumer state change ${from} → ${to}`, { details: { from, to, pipeline: this.pipeline } });
    }
    this.#state = to;
    this.#log.debug({ from, to, reason: reason instanceof Error ? reason.message : String(reason) }, 'amqp consumer state');
    this.events.emit('consumer:state', { pipeline: this.pipeline, from, to, cause: reason });
  }
}
