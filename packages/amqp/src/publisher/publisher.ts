/*
 * Publisher: the confirm channel of the current publish session and its state machine (publisher-state.ts):
 * confirmed publishes, the bounded outbox flushed in order (backed by the durable outbox file while the broker is
 * unreachable, when amqp.outbox.path is set), channel reopen on the retry schedule. Keeps only the
 * session it was attached to and lets go of it when the session's signal aborts. Does not dial or declare queues
 * itself (connection manager, TopologyDeclarer).
 */
import type { ConfirmChannel } from 'amqplib';
import { BrokerUnavailable, TypedEmitter, type Logger, type WireMessage, TimerSet } from '@warren/core';
import { amqpError } from '../errors.js';
import { ChannelRetry } from '../connection/channel-retry.js';
import { unlessSessionEnded, type ConnectionSession } from '../connection/connection-session.js';
import { settleWithin } from '../settle-within.js';
import { ConfirmTracker } from './confirm-tracker.js';
import { Outbox } from './outbox.js';
import { createPublishEntry, rejectAsClosed, settleEntry, type PublishEntry } from './publish-entry.js';
import { judgeChannelError } from './publish-refusal.js';
import { canPublisherTransition, isSendingState, type PublisherState } from './publisher-state.js';
import type { PublisherEventMap, PublisherOptions } from './publisher-options.js';
import { createReturnHandler } from './return-handler.js';
import { DrainGate } from './drain-gate.js';
import { NackResend } from './nack-resend.js';
import type { PublishWriter } from './publish-writer.js';
import { durableEntry, keepDurably } from './durable-entries.js';
import { openConfirmChannel, type ConfirmChannelHandlers, type OpenedConfirmChannel } from './confirm-channel.js';

export class Publisher {
  readonly events = new TypedEmitter<PublisherEventMap>();
  readonly #outbox: Outbox<PublishEntry>;
  readonly #options: PublisherOptions;
  readonly #timers = new TimerSet();
  readonly #handlers: ConfirmChannelHandlers;
  #state: PublisherState = 'detached';
  #channel: ConfirmChannel | undefined;
  #session: ConnectionSession | undefined;
  #tracker = new ConfirmTracker();
  #writer: PublishWriter | undefined;
  readonly #reopen = new ChannelRetry(this.#timers);
  /** close() waits on it: nothing buffered or unconfirmed, or no connection left to send on. */
  readonly #drain = new DrainGate(() => (this.#outbox.isEmpty && this.#tracker.size === 0) || this.#state === 'detached');
  #closing: Promise<void> | undefined;
  /** Which flush loop is current: a loop that awaited a declare while another one started stops. */
  #flushRun = 0;
  readonly #nacked = new NackResend();
  /** Set when the channel is recycled after a nack: the reopen waits at least this long (a quorum leader election). */
  #reopenNotBeforeMs = 0;

  constructor(options: PublisherOptions) {
    this.#options = options;
    this.#outbox = new Outbox(options.maxMessages);
    const isClosed = (): boolean => this.#state === 'closed';
    this.#handlers = {
      logger: options.logger, onReturned: createReturnHandler({ ...options, isClosed, outbox: this.#outbox, flush: () => this.flush() }),
      onNacked: (entry) => this.#nacked.take(entry),
      onConfirm: (tracker, tag, multiple, isNack) => this.#onConfirm(tracker, tag, multiple, isNack),
      onDrain: (channel) => this.#onDrain(channel),
      onWriteBlocked: (channel) => {
        if (this.#channel === channel && (this.#state === 'open' || this.#state === 'flushing')) this.#transition('writeBlocked', 'channel buffer full');
      },
      onClose: (channel, tracker, error) => this.#onChannelClosed(channel, tracker, error),
    };
    this.#timers.every(Math.max(50, Math.min(1_000, Math.floor(options.publishTimeoutMs / 4))), () => this.#expire());
    options.breaker.events.on('breaker:state', ({ to }) => {
      if (to !== 'open') this.flush();
    });
  }

  get state(): PublisherState {
    return this.#state;
  }

  get outboxDepth(): number {
    return this.#outbox.size;
  }

  get unconfirmed(): number {
    return this.#tracker.size;
  }

  /**
   * Opens the confirm channel on a fresh session, then flushes the outbox in order; lets go of the session when its
   * signal aborts. Rejects when the channel cannot open (the session is then dropped by the connection manager).
   */
  async attach(session: ConnectionSession): Promise<void> {
    if (this.#state === 'closed' || !session.isActive) return;
    if (this.#session) this.#onSessionEnded(this.#session); // an older session's channel is gone with it
    this.#session = session;
    session.signal.addEventListener('abort', () => this.#onSessionEnded(session), { once: true });
    await this.#open(session, 'attached to a fresh session');
  }

  /** The broker lifted connection.blocked: what waited is sent, and the time spent blocked does not count against publish_timeout. */
  onBrokerUnblocked(): void {
    this.#tracker.extendDeadlines(Date.now() + this.#options.publishTimeoutMs);
    this.flush();
  }

  /** Publishes to `queue` (or its delay queue); resolves on the broker confirm. */
  publish(queue: string, message: WireMessage, delayMs = 0): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(amqpError('WARREN_ERR_AMQP_CONN_CLOSED', 'the amqp driver is closed'));
    return new Promise<void>((resolve, reject) => {
      const entry = createPublishEntry(queue, message, delayMs, resolve, reject);
      if (entry.delayMs === 0 && this.#state === 'open' && this.#outbox.isEmpty && this.#canSend() && this.#writer?.isSendable === true) {
        this.#send(this.#writer, entry, queue);
      } else if (this.#options.durable?.isOpen === true && this.#isUnreachable()) {
        const kept = keepDurably(this.#options.durable, this.#options.logger, { queue, message, delayMs, resolve, reject });
        if (kept) {
          this.#outbox.pushPastLimit(kept); // bounded by the durable outbox's own limits, checked by keepDurably
          this.flush();
        }
      } else if (entry.delayMs > 0 && isSendingState(this.#state) && this.#canSend()) {
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

  /**
   * Puts what an earlier process left in the durable outbox at the front of the outbox, in order (driver start,
   * before connecting). Their dispatches resolved long ago: a confirm removes the record, nothing else waits.
   */
  replayDurable(): number {
    const durable = this.#options.durable;
    if (!durable) return 0;
    const entries = durable.open().map((record) => durableEntry(durable, this.#options.logger, record.seq, record));
    this.#outbox.requeueFront(entries);
    return entries.length;
  }

  /** Sends buffered publishes in order while the channel can take them. Safe to call any time. */
  flush(): void {
    // A closing channel takes nothing; its 'close' reopens and flushes (no loop may spin on it meanwhile).
    if (this.#state !== 'open' || this.#outbox.isEmpty || !this.#canSend() || this.#writer?.isSendable !== true) return;
    const channel = this.#channel as ConfirmChannel;
    const run = ++this.#flushRun;
    this.#transition('flushing', 'outbox not empty');
    this.#flushLoop(channel, this.#writer as PublishWriter, run).finally(() => {
      if (this.#flushRun !== run || this.#state !== 'flushing' || this.#channel !== channel) return; // blocked, lost, closed or replaced meanwhile
      this.#transition('open', 'flush done');
      this.flush(); // more may have come in (or the broker unblocked) while the loop awaited a declare
    }).catch(() => undefined); // #flushLoop never rejects; failures stay queued
  }

  /**
   * Waits until nothing is buffered or unconfirmed (at most until `deadlineMs`, and not once no channel can come
   * back); then rejects the rest and closes the channel, waiting at most `channelCloseTimeoutMs` for close-ok. Idempotent.
   */
  close(deadlineMs: number, channelCloseTimeoutMs = 1_000): Promise<void> {
    this.#closing ??= this.#close(deadlineMs, channelCloseTimeoutMs);
    return this.#closing;
  }

  async #close(deadlineMs: number, channelCloseTimeoutMs: number): Promise<void> {
    this.flush();
    await this.#drain.wait(deadlineMs);
    this.#transition('closed', 'close()');
    this.#timers.close();
    rejectAsClosed([...this.#tracker.takeUnconfirmed(), ...this.#outbox.drain()]);
    const channel = this.#channel;
    this.#channel = undefined;
    this.#writer = undefined;
    if (channel) await settleWithin(channel.close(), Date.now() + channelCloseTimeoutMs); // may be gone already; never hangs
  }

  /** No channel to send on, or the breaker holds publishes: what the durable outbox is for (not backpressure or alarms). */
  #isUnreachable(): boolean {
    return this.#state === 'detached' || this.#state === 'opening' || this.#state === 'reopening' || this.#options.breaker.isOpen;
  }

  #canSend(): boolean {
    return !this.#options.isBrokerBlocked() && !this.#options.breaker.isOpen;
  }

  async #open(session: ConnectionSession, cause: string): Promise<void> {
    this.#transition('opening', cause);
    let opened: OpenedConfirmChannel;
    try {
      opened = await openConfirmChannel(session.connection, this.#handlers, this.#options.isFastPath);
    } catch (error) {
      if (this.#session === session && session.isActive && this.#state === 'opening') this.#reopenLater(session, error);
      throw amqpError('WARREN_ERR_AMQP_PUBLISH_UNAVAILABLE', 'opening the publish channel failed', { cause: error });
    }
    if (this.#session !== session || !session.isActive || this.#state !== 'opening') {
      opened.channel.close().catch(() => undefined); // detached or closed while opening: not wanted
      return;
    }
    this.#channel = opened.channel;
    this.#tracker = opened.tracker;
    this.#writer = opened.writer;
    this.#reopen.succeeded();
    this.#transition('open', 'confirm channel open');
    this.flush();
  }

  async #flushLoop(channel: ConfirmChannel, writer: PublishWriter, run: number): Promise<void> {
    const isCurrent = (): boolean => this.#flushRun === run && this.#channel === channel && this.#state === 'flushing' && this.#canSend() && writer.isSendable;
    while (isCurrent() && !this.#outbox.isEmpty) {
      const entry = this.#outbox.peek() as PublishEntry;
      let routingKey = entry.queue;
      if (entry.delayMs > 0) {
        try {
          routingKey = await this.#options.declarer.ensureDelayQueue(entry.queue, entry.delayMs);
        } catch (error) {
          // Lost with the session: it waits in the outbox for the next one. Refused by a live broker (no configure
          // permission, the vhost's max-queues...): only this publish is rejected, coded; retrying it would spin.
          if (!this.#session?.isActive) return;
          this.#options.logger.warn({ err: error, event: 'amqp.publisher.delay_declare_failed', queue: entry.queue, delayMs: entry.delayMs },
            'declaring a delay queue failed; rejecting the delayed publish');
          if (this.#outbox.peek() === entry) this.#outbox.shift();
          settleEntry(entry, error instanceof Error ? error : new Error(String(error)));
          continue;
        }
        if (!isCurrent()) return;
        if (this.#outbox.peek() !== entry) continue; // settled or moved while the declare ran
      }
      this.#outbox.shift();
      if (!entry.isSettled && !this.#send(writer, entry, routingKey)) return; // the channel is closing: its close reopens
    }
  }

  /** Sends (or, when it cannot be encoded, rejects) the entry; false when the channel refused it and it went back to the outbox. */
  #send(writer: PublishWriter, entry: PublishEntry, routingKey: string): boolean {
    entry.deadlineMs = Date.now() + this.#options.publishTimeoutMs;
    entry.isReturned = false;
    let isWritable: boolean;
    try {
      isWritable = writer.publish(routingKey, entry.message);
    } catch (error) {
      return this.#onSendRefused(writer, entry, error);
    }
    // Tracked only once it is on its way: a publish that threw never got a delivery tag from the broker, and
    // tracking it would shift every later confirm onto the wrong entry.
    this.#tracker.add(entry);
    if (!isWritable) this.#transition('writeBlocked', 'channel buffer full');
    return true;
  }

  /** Nothing was sent. A closing channel: back to the front of the outbox. A healthy one: the message cannot be encoded. */
  #onSendRefused(writer: PublishWriter, entry: PublishEntry, error: unknown): boolean {
    if (!writer.isSendable || (error instanceof Error && error.name === 'IllegalOperationError')) {
      this.#outbox.requeueFront([entry]);
      this.#options.logger.debug({ err: error }, 'publish on a closing channel; it waits for the next one');
      // Nothing more goes to this channel: later publishes wait in the outbox until its 'close' reopens one.
      this.#transition('writeBlocked', 'channel closing');
      return false;
    }
    const { messageId, type } = entry.message.properties;
    settleEntry(entry, amqpError('WARREN_ERR_AMQP_PUBLISH_INVALID', `the message to "${entry.queue}" cannot be encoded as an AMQP publish: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error, details: { queue: entry.queue, messageId, type },
    }));
    return true;
  }

  #onDrain(channel: ConfirmChannel): void {
    if (this.#channel !== channel || this.#state !== 'writeBlocked') return;
    this.#transition('open', 'drain');
    this.flush();
  }

  #onConfirm(tracker: ConfirmTracker, tag: number, multiple: boolean, isNack: boolean): void {
    const succeeded = tracker.confirm(tag, multiple, isNack);
    if (isNack) this.#resendNacked(tracker);
    else if (succeeded > 0 && this.#options.breaker.state === 'halfOpen') this.#options.breaker.recordSuccess();
    this.#drain.check();
  }

  /**
   * Nacked publishes go back to the front of the outbox, and the channel is recycled: a channel that published to a
   * quorum queue while its leader died may keep nacking, a fresh one reaches the new leader. Only a publish nacked
   * past MAX_NACK_RESENDS counts as a broker failure (the breaker would otherwise open on every leader election).
   */
  #resendNacked(tracker: ConfirmTracker): void {
    const { resend, delayMs, givenUp } = this.#nacked.takeAll();
    if (givenUp > 0) this.#options.breaker.recordFailure(amqpError('WARREN_ERR_AMQP_PUBLISH_NACKED', `${givenUp} publishes nacked`));
    if (resend.length === 0) return;
    this.#outbox.requeueFront(resend);
    const channel = this.#channel;
    if (this.#tracker !== tracker || !channel || (this.#state !== 'open' && this.#state !== 'flushing')) return; // closing or blocked: re-sent on it later
    this.#options.logger.debug({ event: 'amqp.publisher.nack_resend', count: resend.length, delayMs }, 'RabbitMQ nacked publishes; re-sending them on a fresh channel');
    this.#reopenNotBeforeMs = Date.now() + delayMs;
    this.#transition('writeBlocked', 'recycling the channel after a nack');
    channel.close().catch(() => undefined); // its 'close' requeues what is unconfirmed and reopens
  }

  #onChannelClosed(channel: ConfirmChannel, tracker: ConfirmTracker, error: unknown): void {
    // Unconfirmed sends may or may not be stored: send them again (at-least-once), ahead of later ones — except those
    // the broker's channel error says it refused (publish-refusal.ts): they are rejected, so none can loop forever.
    const unconfirmed = tracker.takeUnconfirmed();
    if (error === undefined) {
      this.#outbox.requeueFront(unconfirmed);
    } else {
      const { refused, resend } = judgeChannelError(error, unconfirmed);
      for (const { entry, error: refusal } of refused) settleEntry(entry, refusal);
      this.#outbox.requeueFront(resend);
    }
    if (this.#channel !== channel || this.#state === 'closed') return;
    this.#channel = undefined;
    this.#writer = undefined;
    const session = this.#session;
    if (!session?.isActive) {
      this.#transition('detached', 'publish channel closed with its connection');
      return;
    }
    // amqplib closes channels before their connection: when the whole connection went, the session ends before the
    // check below runs and its abort moves us to detached, once. Meanwhile nothing is sent (no writer).
    unlessSessionEnded(session, () => {
      if (this.#channel === undefined) this.#reopenLater(session, 'publish channel closed');
    });
  }

  /** The session ended (its signal aborted): unconfirmed sends go back to the front of the outbox. */
  #onSessionEnded(session: ConnectionSession): void {
    if (this.#session !== session) return;
    this.#session = undefined;
    this.#reopen.cancel();
    this.#outbox.requeueFront(this.#tracker.takeUnconfirmed());
    this.#channel = undefined;
    this.#writer = undefined;
    if (this.#state !== 'closed') this.#transition('detached', 'session ended');
  }

  #reopenLater(session: ConnectionSession, cause: unknown): void {
    if (this.#session !== session || this.#state === 'closed') return;
    this.#transition('reopening', cause);
    const notBeforeMs = this.#reopenNotBeforeMs - Date.now();
    this.#reopenNotBeforeMs = 0;
    this.#reopen.schedule(() => {
      if (this.#session !== session || !session.isActive || this.#state !== 'reopening') return;
      this.#open(session, 'reopening after a channel error').catch((error: unknown) => {
        this.#options.logger.warn({ err: error, event: 'amqp.publisher.reopen_failed' }, 'reopening the publish channel failed; retrying');
      });
    }, notBeforeMs);
  }

  #expire(): void {
    if (this.#options.isBrokerBlocked()) return;
    const expired = this.#tracker.expire(Date.now(), this.#options.publishTimeoutMs);
    if (expired > 0) this.#options.breaker.recordFailure(amqpError('WARREN_ERR_AMQP_PUBLISH_TIMEOUT', `${expired} publishes timed out`));
    this.#drain.check();
  }

  #transition(to: PublisherState, cause: unknown): void {
    const from = this.#state;
    if (from === to) return; // e.g. detach() of an already detached publisher: nothing changes
    if (!canPublisherTransition(from, to)) {
      throw amqpError('WARREN_ERR_AMQP_PUBLISH_ILLEGAL_STATE', `illegal publisher state change ${from} → ${to}`, { details: { from, to } });
    }
    this.#state = to;
    this.#drain.check();
    // Not free on a busy channel (writeBlocked ⇄ open per drain): build log and event payloads only when someone listens.
    const log = this.#options.logger;
    if (log.isLevelEnabled('debug')) log.debug({ from, to, reason: cause instanceof Error ? cause.message : String(cause) }, 'amqp publisher state');
    if (this.events.listenerCount('publisher:state') > 0) this.events.emit('publisher:state', { from, to, cause });
  }
}
