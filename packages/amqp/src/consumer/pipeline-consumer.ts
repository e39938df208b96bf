/*
 * PipelineConsumer: one pipeline's subscription on its own channel with prefetch, on the consume session it was
 * given. #subscribe is the one place that opens a channel and calls basic.consume; it runs for a fresh session
 * (attach), after a channel-level error (406/404/consumer_timeout: that channel alone), after a broker basic.cancel
 * (queue deleted: re-declare first), when the watchdog (verify) finds the consumer gone, and on resume() after a
 * pause() (consumption breaker: basic.cancel, channel kept for the acks of in-flight jobs). Acks go through one
 * AckBatcher per channel; retiring it tells the runtime those deliveries are lost. Does not dial.
 */
import type { Channel, ConsumeMessage } from 'amqplib';
import { TypedEmitter, type Consumer, type Logger, TimerSet } from '@warren/core';
import { amqpError } from '../errors.js';
import type { ResolvedPipelineOptions } from '../amqp-options.js';
import type { TopologyDeclarer } from '../topology/topology-declarer.js';
import { ChannelRetry } from '../connection/channel-retry.js';
import { unlessSessionEnded, type ConnectionSession } from '../connection/connection-session.js';
import { AckBatcher } from './ack-batcher.js';
import { AmqpDelivery } from './amqp-delivery.js';
import { canConsumerTransition, type ConsumerState } from './consumer-state.js';

export interface PipelineConsumerOptions {
  readonly pipeline: ResolvedPipelineOptions;
  readonly prefetch: number;
  /** amqp.max_payload: a larger delivery is marked for the runtime to dead-letter as too-large. */
  readonly maxPayloadBytes?: number;
  readonly onDelivery: (delivery: AmqpDelivery) => void;
  /** Declares on the consume session (re-declares Q after a broker cancel; counts consumers for the watchdog). */
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
  #session: ConnectionSession | undefined;
  #channel: Channel | undefined;
  /** The acks of #channel's generation; retired (flushed or discarded) whenever #channel is let go. */
  #acks: AckBatcher | undefined;
  #consumerTag: string | undefined;
  /** The subscribe in progress and the session it is for: a second attach on that session joins it. */
  #inFlight: { readonly session: ConnectionSession; readonly done: Promise<void> } | undefined;
  #cancelling: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  readonly #timers = new TimerSet();
  /** Re-subscribes on the channel retry schedule after a failed subscribe or a channel error. */
  readonly #retry = new ChannelRetry(this.#timers);
  readonly #options: PipelineConsumerOptions;
  readonly #log: Logger;
  /** Deliveries received so far, and the count the watchdog saw at its last check (see #isStarved). */
  #deliveries = 0;
  #deliveriesAtLastCheck = 0;
  #starvedChecks = 0;

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
   * A fresh consume session (topology already declared): subscribe on it. Idempotent per session: when already
   * consuming or subscribing on `session`, nothing new is opened (a second consumer on another channel would
   * receive messages whose acks are then dropped as stale, holding them unacked forever).
   */
  attach(session: ConnectionSession): Promise<void> {
    if (this.#session === session && this.#state === 'consuming') return Promise.resolve();
    if (this.#inFlight?.session === session) return this.#inFlight.done;
    if (this.#state === 'cancelled' || !session.isActive) return Promise.resolve();
    this.#session = session;
    session.signal.addEventListener('abort', () => this.#onSessionEnded(session), { once: true });
    this.#retry.cancel(); // a retry for an older session has nothing left to do
    this.#retry.succeeded(); // a fresh session starts the schedule over
    if (this.#state === 'paused') return Promise.resolve(); // resume() subscribes on it
    return this.#subscribe(session, false);
  }

  /**
   * Watchdog, given the live session: subscribes when this consumer missed it, and re-subscribes when our channel
   * or consumer is gone or the broker counts no consumer on Q.
   */
  async verify(session: ConnectionSession): Promise<void> {
    if (this.#state === 'cancelled' || this.#state === 'paused' || this.#inFlight) return;
    if (this.#session !== session) {
      this.#log.warn({ event: 'amqp.watchdog.resubscribe', reason: 'not attached to the live session' }, 'watchdog: subscribing consumer');
      await this.attach(session);
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
      else if (this.#isStarved(counts.messageCount)) reason = 'messages ready on the queue, none delivered to our consumer';
    }
    // What was checked must still be what we have: while the check awaited, a broker cancel or channel error may
    // have re-subscribed on a new channel; replacing THAT one would orphan it (its batcher retired, its consumer
    // left holding a prefetch of unacked messages, a stall).
    if (reason === undefined || this.#session !== session || this.#channel !== channel || this.state === 'cancelled' || this.state === 'paused' || this.#inFlight) return;
    this.#log.warn({ event: 'amqp.watchdog.resubscribe', reason }, 'watchdog: re-subscribing consumer');
    this.#releaseChannel('flush');
    if (channel) channel.close().catch(() => undefined); // a fresh channel is opened below; the old one is useless
    await this.#subscribe(session, true);
  }

  /** Stops new deliveries; in-flight ones can still be acked on the channel. Idempotent. */
  cancel(): Promise<void> {
    this.#cancelling ??= this.#cancel();
    return this.#cancelling;
  }

  /**
   * Stops deliveries until resume() (a consumption breaker opened): basic.cancel on the channel, which stays open so
   * the deliveries in flight can still be acked. Idempotent; resolves once the broker confirmed the cancel.
   */
  async pause(): Promise<void> {
    if (this.#state === 'paused' || this.#state === 'cancelled') return;
    const channel = this.#channel;
    const tag = this.#consumerTag;
    this.#consumerTag = undefined;
    this.#transition('paused', 'pause() called'); // a subscribe in progress sees it and lets its channel go
    if (channel && tag) await channel.cancel(tag).catch(() => undefined); // a dead channel delivers nothing anyway
  }

  /** Takes deliveries again after pause(): basic.consume on the kept channel, or a fresh subscribe. Idempotent. */
  async resume(): Promise<void> {
    if (this.#state !== 'paused') return;
    const session = this.#session;
    if (!session?.isActive) {
      this.#transition('waiting', 'resume() while disconnected'); // the next attach subscribes
      return;
    }
    const channel = this.#channel;
    const acks = this.#acks;
    if (channel && acks) await this.#consumeAgain(session, channel, acks);
    else await this.#subscribe(session, false).catch(() => undefined); // failure is logged and rescheduled inside
  }

  /** Closes the channel (driver close, after in-flight work settled). Idempotent: every call returns the same promise. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
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

  #subscribe(session: ConnectionSession, redeclare: boolean): Promise<void> {
    if (this.#inFlight?.session === session) return this.#inFlight.done;
    const done: Promise<void> = this.#subscribeOnce(session, redeclare).finally(() => {
      if (this.#inFlight?.done === done) this.#inFlight = undefined;
    });
    this.#inFlight = { session, done };
    return done;
  }

  async #subscribeOnce(session: ConnectionSession, redeclare: boolean): Promise<void> {
    if (this.#state === 'cancelled') return;
    if (this.#state !== 'subscribing') this.#transition('subscribing', redeclare ? 'recovering' : 'connected');
    const { queue } = this.#options.pipeline;
    const isCurrent = (): boolean => this.#session === session && session.isActive && this.state === 'subscribing';
    let channel: Channel | undefined;
    try {
      if (redeclare) await this.#options.declarer.declarePipeline(this.#options.pipeline);
      channel = await session.connection.createChannel();
      const opened = channel;
      opened.on('error', (error: unknown) => this.#log.warn({ err: error, event: 'amqp.consumer.channel_error' }, 'consumer channel error'));
      opened.on('close', () => this.#onChannelClosed(opened));
      await opened.prefetch(this.#options.prefetch);
      if (!isCurrent()) {
        opened.close().catch(() => undefined); // superseded while opening
        return;
      }
      this.#releaseChannel('discard'); // a channel of an older session still set: its acks end here
      this.#channel = opened;
      const acks = new AckBatcher(opened);
      this.#acks = acks;
      const ok = await opened.consume(queue, (message) => this.#onMessage(opened, acks, message));
      if (this.#channel !== opened || !isCurrent()) {
        // Cancelled or superseded while basic.consume was on its way: this subscription must not outlive us.
        if (this.#channel === opened) this.#releaseChannel('flush');
        opened.close().catch(() => undefined);
        return;
      }
      this.#consumerTag = ok.consumerTag;
      this.#retry.succeeded();
      this.#starvedChecks = 0; // a fresh subscription gets two full watchdog intervals before it counts as starved
      this.#transition('consuming', 'basic.consume ok');
    } catch (error) {
      if (this.#channel === channel) this.#releaseChannel('discard');
      channel?.close().catch(() => undefined); // may be closed by the error already
      if (!isCurrent()) return; // the session ended or we were cancelled: nothing to retry here
      this.#log.warn({ err: error, event: 'amqp.consumer.subscribe_failed' }, 'subscribing failed; retrying');
      this.#transition('waiting', error);
      this.#scheduleRetry(session);
      throw amqpError('WARREN_ERR_AMQP_CONSUME_UNAVAILABLE', `subscribing to "${queue}" failed`, { cause: error, details: { queue } });
    }
  }

  /** basic.consume again on the channel a pause kept (its in-flight acks stay valid); a fresh subscribe if that fails. */
  async #consumeAgain(session: ConnectionSession, channel: Channel, acks: AckBatcher): Promise<void> {
    this.#transition('subscribing', 'resume() called');
    try {
      const ok = await channel.consume(this.#options.pipeline.queue, (message) => this.#onMessage(channel, acks, message));
      if (this.#channel !== channel || this.#session !== session || this.state !== 'subscribing') {
        channel.cancel(ok.consumerTag).catch(() => undefined); // paused, cancelled or replaced meanwhile
        return;
      }
      this.#consumerTag = ok.consumerTag;
      this.#transition('consuming', 'basic.consume ok (resumed)');
    } catch (error) {
      if (this.state !== 'subscribing' || this.#session !== session) return;
      this.#log.warn({ err: error, event: 'amqp.consumer.resume_failed' }, 'resuming on the kept channel failed; subscribing afresh');
      if (this.#channel === channel) this.#releaseChannel('flush');
      channel.close().catch(() => undefined);
      await this.#subscribe(session, false).catch(() => undefined);
    }
  }

  #onMessage(channel: Channel, acks: AckBatcher, message: ConsumeMessage | null): void {
    if (message === null) {
      // basic.cancel from the broker (queue deleted or failed over): re-declare and subscribe again.
      const session = this.#session;
      if (channel !== this.#channel || this.#state !== 'consuming' || !session) return;
      this.#log.warn({ event: 'amqp.consumer.cancelled_by_broker' }, 'broker cancelled the consumer; re-declaring and re-subscribing');
      this.#consumerTag = undefined;
      this.#releaseChannel('flush');
      channel.close().catch(() => undefined); // a fresh channel is opened by the re-subscribe
      this.#transition('waiting', 'basic.cancel from broker');
      this.#scheduleRetry(session);
      return;
    }
    this.#deliveries++;
    acks.delivered(message.fields.deliveryTag);
    const delivery = new AmqpDelivery(acks, message, this.#options.maxPayloadBytes);
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
    const session = this.#session;
    if (this.#state === 'cancelled' || !session?.isActive) return;
    // amqplib closes channels before their connection: when the whole connection went, the session ends before this
    // runs and #onSessionEnded handles it, once; only a channel-level error of a live session is handled here.
    unlessSessionEnded(session, () => {
      if (this.#session !== session || this.#channel !== undefined) return; // re-subscribed or let go meanwhile
      if (this.#state === 'paused') return; // resume() opens a fresh channel
      if (this.#state === 'consuming') this.#transition('waiting', 'channel closed');
      if (this.#state === 'waiting') this.#scheduleRetry(session);
    });
  }

  /** The session ended (its signal aborted): deliveries of its channel are lost; the next attach subscribes again. */
  #onSessionEnded(session: ConnectionSession): void {
    if (this.#session !== session) return;
    this.#session = undefined;
    this.#retry.cancel();
    this.#releaseChannel('discard');
    this.#consumerTag = undefined;
    if (this.#state === 'subscribing' || this.#state === 'consuming') this.#transition('waiting', 'connection lost');
  }

  /**
   * True on the second watchdog check in a row that finds messages ready on Q while nothing was delivered to us since
   * the check before and our prefetch has room: a live consumer with room is sent ready messages at once. Seen when
   * the queue was deleted and declared again at once (by our own publisher after a return): the broker sent no
   * basic.cancel, listed a consumer on the new queue, and our channel received nothing from then on.
   */
  #isStarved(readyCount: number): boolean {
    const hasRoom = (this.#acks?.outstandingCount ?? 0) < this.#options.prefetch;
    const isIdle = this.#deliveries === this.#deliveriesAtLastCheck;
    this.#deliveriesAtLastCheck = this.#deliveries;
    this.#starvedChecks = readyCount > 0 && hasRoom && isIdle ? this.#starvedChecks + 1 : 0;
    return this.#starvedChecks >= 2;
  }

  /** Lets go of #channel: its acks are flushed (we close or replace a working channel) or discarded (it died). */
  #releaseChannel(pending: 'flush' | 'discard'): void {
    this.#acks?.retire(pending);
    this.#acks = undefined;
    this.#channel = undefined;
  }

  #scheduleRetry(session: ConnectionSession): void {
    this.#retry.schedule(() => {
      if (this.#session !== session || !session.isActive || this.#state !== 'waiting') return;
      this.#subscribe(session, true).catch(() => undefined); // failure is logged and rescheduled inside
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
