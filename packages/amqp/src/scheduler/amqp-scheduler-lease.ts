/*
 * AmqpSchedulerLease: one process's part in electing a pipeline's scheduler through RabbitMQ itself, on the consume
 * connection. Every process consumes Q.scheduler, a single-active-consumer queue, with prefetch 2, and publishes
 * one token message into it each time it subscribes. RabbitMQ delivers only to the active consumer, which keeps the
 * first token unacked (holding it IS holding the scheduler) and acks any extra. When the holder's connection or
 * channel goes (a crash, SIGKILL, a network cut noticed by heartbeats), RabbitMQ requeues the token and delivers it
 * to the next consumer at once: a push, so takeover needs no polling and no lock timeout. We chose this over an
 * exclusive queue as a lock because an exclusive queue is only freed, never handed over: the others would have to
 * poll it (each failed try closes a channel with 405), so takeover would take a poll interval.
 *   waiting     no channel (disconnected, or re-subscribing after a channel error).   → candidate | released
 *   candidate   subscribed; another process (or nobody yet) holds the token.            → holding | waiting | released
 *   holding     this process holds the token: it is the scheduler.                     → waiting | released
 *   released    terminal: release() cancelled the subscription; the token went back.
 * The holder renews its token every renewEveryMs (a new token arrives, the old one is acked): RabbitMQ's
 * consumer_timeout would otherwise close the channel of a delivery held unacked for 30 minutes and move the lease.
 * Ticks are recorded with the tick's own publish: a BCC header routes the job also into Q.schedule.<job>, a
 * one-message queue, in the same basic.publish (so the job and its record are taken together or not at all).
 */
import type { Channel, ConsumeMessage } from 'amqplib';
import {
  TimerSet, TypedEmitter, WARREN_HEADERS, WarrenError, encodeJob, type Logger, type SchedulerHolderInfo, type SchedulerLease, type SchedulerLeaseEventMap,
  type WireMessage,
} from '@warren/core';
import type { ConnectionSession } from '../connection/connection-session.js';
import { readLastValue } from './read-last-value.js';
import { ELECTION_QUEUE_ARGUMENTS, LAST_VALUE_QUEUE_ARGUMENTS, electionQueueName, holderQueueName, tickQueueName } from './scheduler-queues.js';

/** How long after a channel error the lease subscribes again. */
const RESUBSCRIBE_DELAY_MS = 1_000;

/**
 * The token moves when the old holder's consume connection closes; a tick it published just before on its publish
 * connection may reach Q.schedule.<job> a few milliseconds later. Reading the record this much later lets it land.
 */
export const TAKEOVER_SETTLE_MS = 250;

type LeaseState = 'waiting' | 'candidate' | 'holding' | 'released';
const LEASE_TRANSITIONS: Readonly<Record<LeaseState, readonly LeaseState[]>> = {
  waiting: ['candidate', 'released'],
  candidate: ['holding', 'waiting', 'released'],
  holding: ['waiting', 'released'],
  released: [],
};

export interface AmqpSchedulerLeaseOptions {
  readonly pipeline: string;
  /** The pipeline's queue Q. */
  readonly queue: string;
  readonly jobs: readonly string[];
  readonly holder: SchedulerHolderInfo;
  /** Publishes through the driver's confirmed publisher (outbox, confirms). */
  readonly publish: (queue: string, message: WireMessage) => Promise<void>;
  readonly logger: Logger;
  /** How often the holder swaps its token for a fresh one; below the broker's consumer_timeout. */
  readonly renewEveryMs: number;
}

export class AmqpSchedulerLease implements SchedulerLease {
  readonly pipeline: string;
  readonly events = new TypedEmitter<SchedulerLeaseEventMap>();
  readonly settleMs = TAKEOVER_SETTLE_MS;
  #state: LeaseState = 'waiting';
  #session: ConnectionSession | undefined;
  #channel: Channel | undefined;
  /** The token this process holds while `holding`. */
  #token: ConsumeMessage | undefined;
  readonly #timers = new TimerSet();
  readonly #log: Logger;

  constructor(private readonly options: AmqpSchedulerLeaseOptions) {
    this.pipeline = options.pipeline;
    this.#log = options.logger.child({ pipeline: options.pipeline, component: 'scheduler-lease' });
  }

  get isHeld(): boolean {
    return this.#state === 'holding';
  }

  get state(): LeaseState {
    return this.#state;
  }

  /** Subscribes on a fresh consume session (its topology declared). Failures retry by themselves. */
  async attach(session: ConnectionSession): Promise<void> {
    if (this.#state === 'released' || !session.isActive) return;
    if (this.#session === session && this.#channel) return;
    const isNewSession = this.#session !== session;
    this.#session = session;
    if (isNewSession) session.signal.addEventListener('abort', () => this.#onChannelGone(session, undefined, 'connection lost'), { once: true });
    await this.#subscribe(session).catch((error: unknown) => {
      this.#log.warn({ err: error }, 'joining the scheduler election failed; retrying');
      this.#retry(session);
    });
  }

  async lastTick(job: string): Promise<number | undefined> {
    const model = this.#session?.connection;
    if (!model) return undefined;
    const message = await readLastValue(model, tickQueueName(this.options.queue, job));
    const tick = message?.properties.headers?.[WARREN_HEADERS.tick];
    const tickMs = typeof tick === 'string' ? Date.parse(tick) : Number.NaN;
    return Number.isFinite(tickMs) ? tickMs : undefined;
  }

  async dispatchTick(job: string, _tickMs: number, message: WireMessage): Promise<void> {
    if (this.#state !== 'holding') {
      throw new WarrenError('WARREN_ERR_DRIVER_ILLEGAL_STATE', `not dispatching a tick of "${job}": this process no longer holds the scheduler of "${this.pipeline}"`);
    }
    // RabbitMQ routes a publish also to each queue named in BCC and strips the header: the job's retry and
    // dead-letter copies never carry it, so only the tick itself updates the record.
    const headers = { ...message.properties.headers, BCC: [tickQueueName(this.options.queue, job)] } as unknown as WireMessage['properties']['headers'];
    await this.options.publish(this.options.queue, { ...message, properties: { ...message.properties, headers } });
  }

  async release(): Promise<void> {
    if (this.#state === 'released') return;
    const wasHeld = this.isHeld;
    this.#transition('released');
    this.#timers.close();
    const channel = this.#channel;
    this.#channel = undefined;
    await channel?.close().catch(() => undefined); // closing the channel hands the token to the next consumer
    if (wasHeld) this.events.emit('lease:lost', { pipeline: this.pipeline, reason: 'released' });
  }

  async #subscribe(session: ConnectionSession): Promise<void> {
    const { queue, jobs } = this.options;
    const channel = await session.connection.createChannel();
    channel.on('error', (error: unknown) => this.#log.warn({ err: error }, 'scheduler election channel error'));
    channel.on('close', () => this.#onChannelGone(session, channel, 'channel closed'));
    const election = electionQueueName(queue);
    await channel.assertQueue(election, { durable: true, arguments: ELECTION_QUEUE_ARGUMENTS });
    await channel.assertQueue(holderQueueName(queue), { durable: true, arguments: LAST_VALUE_QUEUE_ARGUMENTS });
    for (const job of jobs) await channel.assertQueue(tickQueueName(queue, job), { durable: true, arguments: LAST_VALUE_QUEUE_ARGUMENTS });
    if (this.#session !== session || !session.isActive || this.#state === 'released') {
      await channel.close().catch(() => undefined);
      return;
    }
    this.#channel = channel;
    // Two: one token held, room to receive (and ack) an extra one.
    await channel.prefetch(2);
    // Each subscriber adds a token so that one exists whatever happened before; the holder acks the extras.
    channel.sendToQueue(election, Buffer.from('scheduler-token'), { persistent: false });
    await channel.consume(election, (message) => this.#onToken(channel, message));
    if (this.#channel === channel && this.#state === 'waiting') this.#transition('candidate');
  }

  #onToken(channel: Channel, message: ConsumeMessage | null): void {
    if (channel !== this.#channel) return;
    if (message === null) {
      // Cancelled by the broker (queue deleted): let go and subscribe again, which re-declares it.
      this.#onChannelGone(this.#session, channel, 'consumer cancelled by the broker');
      channel.close().catch(() => undefined);
      return;
    }
    if (this.#state === 'holding') {
      // One token is enough: keep the newest (a renewal, or another process's), ack the one held before.
      if (this.#token) channel.ack(this.#token);
      this.#token = message;
      return;
    }
    if (this.#state === 'waiting') this.#transition('candidate');
    this.#token = message;
    this.#transition('holding');
    this.#renewLater(channel);
    this.#announce();
    this.events.emit('lease:acquired', { pipeline: this.pipeline });
  }

  /** The channel (or the whole session) is gone: the broker has given the token to another process. */
  #onChannelGone(session: ConnectionSession | undefined, channel: Channel | undefined, reason: string): void {
    if (channel !== undefined && channel !== this.#channel) return;
    if (session !== this.#session || this.#state === 'released') return;
    const wasHeld = this.isHeld;
    this.#channel = undefined;
    this.#token = undefined;
    if (this.#state !== 'waiting') this.#transition('waiting');
    if (wasHeld) this.events.emit('lease:lost', { pipeline: this.pipeline, reason });
    if (session?.isActive && channel !== undefined) this.#retry(session);
  }

  #retry(session: ConnectionSession): void {
    this.#timers.schedule(RESUBSCRIBE_DELAY_MS, () => {
      if (this.#session === session && session.isActive && this.#state === 'waiting' && !this.#channel) void this.attach(session);
    });
  }

  /** While holding on `channel`, publishes a fresh token every renewEveryMs (#onToken swaps it in). */
  #renewLater(channel: Channel): void {
    this.#timers.schedule(this.options.renewEveryMs, () => {
      if (this.#channel !== channel || this.#state !== 'holding') return;
      channel.sendToQueue(electionQueueName(this.options.queue), Buffer.from('scheduler-token'), { persistent: false });
      this.#renewLater(channel);
    });
  }

  /** Tells `warren status` who holds the scheduler now. */
  #announce(): void {
    const holder = { ...this.options.holder, sinceMs: Date.now() };
    const message = encodeJob({ name: 'warren.scheduler.holder' }, holder);
    this.options.publish(holderQueueName(this.options.queue), message)
      .catch((error: unknown) => this.#log.warn({ err: error }, 'announcing the scheduler holder failed; warren status may show an older one'));
  }

  #transition(to: LeaseState): void {
    const from = this.#state;
    if (!LEASE_TRANSITIONS[from].includes(to)) {
      throw new WarrenError('WARREN_ERR_SCHEDULE_ILLEGAL_STATE', `scheduler lease of "${this.pipeline}" cannot move from ${from} to ${to}`);
    }
    this.#state = to;
    this.#log.debug({ from, to }, 'scheduler lease state');
  }
}
