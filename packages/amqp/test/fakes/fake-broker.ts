/*
 * A fake amqplib ChannelModel and Channel for unit tests of consumers and the driver. Controls are
 * named after what the broker does (deliver, closeChannel, cancelConsumer, confirmPublishes, refuseChannels,
 * dropConnection, block). It records what the driver sent (acks, nacks, consumes, declares, publishes) and checks
 * acks like the broker (unknown tag = protocolErrors, what each delivery ended as = settledAs); it does not route.
 */
import { EventEmitter } from 'node:events';
import type { ConnectionSession } from '../../src/connection/connection-session.js';
import { fakeSession } from './fake-session.js';
import type { ChannelModel, ConsumeMessage } from 'amqplib';

type ConsumeCallback = (message: ConsumeMessage | null) => void;

/** A fake channel: declares, consumes and acks are recorded; closing emits 'close' like amqplib. */
export class FakeChannel extends EventEmitter {
  /** Delivery tags of every basic.ack sent (multiple or not), in order. */
  readonly acks: number[] = [];
  readonly nacks: number[] = [];
  /** Ack/nack frames and our basic.cancel/channel.close, in wire order: `ack 5 multiple`, `nack 2 requeue`, `basic.cancel`. */
  readonly frames: string[] = [];
  /** Broker view: delivered on this channel and not yet acked or nacked. */
  readonly unacked = new Set<number>();
  /** Broker view: how each delivery was settled (a multiple ack settles every unacked tag up to its own). */
  readonly settledAs = new Map<number, 'ack' | 'requeue' | 'reject'>();
  /** What RabbitMQ would close the channel for (406 unknown delivery tag). Recorded, not enforced. */
  readonly protocolErrors: string[] = [];
  readonly consumed: string[] = [];
  readonly declared: string[] = [];
  /** What was published on this channel, in order (delivery tag = index + 1). */
  readonly published: Array<{ routingKey: string; messageId: string | undefined }> = [];
  /** Like amqplib's channel.consumers: consumer tag → callback. */
  readonly consumers = new Map<string, ConsumeCallback>();
  isClosed = false;
  #nextDeliveryTag = 1;
  readonly #owner: FakeModel;

  constructor(owner: FakeModel) {
    super();
    this.#owner = owner;
  }

  async prefetch(): Promise<void> {
    this.#assertOpen();
  }

  async assertQueue(queue: string): Promise<{ queue: string }> {
    this.#assertOpen();
    if (this.#owner.queuesOnDownNode.has(queue)) {
      const text = `NOT_FOUND - home node 'rabbit@down' of durable queue '${queue}' in vhost '/' is down or inaccessible`;
      this.closeChannel(404, text);
      throw Object.assign(new Error(`Channel closed by server: 404 (NOT-FOUND) with message "${text}"`), { code: 404 });
    }
    this.declared.push(queue);
    this.#owner.declaredQueues.push(queue);
    return { queue };
  }

  async checkQueue(queue: string): Promise<{ queue: string; messageCount: number; consumerCount: number }> {
    this.#assertOpen();
    return { queue, messageCount: 0, consumerCount: this.#owner.consumerCountOf(queue) };
  }

  async consume(queue: string, callback: ConsumeCallback): Promise<{ consumerTag: string }> {
    this.#assertOpen();
    if (this.#owner.consumeGate) await this.#owner.consumeGate;
    this.#assertOpen();
    const consumerTag = `ctag-${this.#owner.nextConsumerTag++}`;
    this.consumers.set(consumerTag, callback);
    this.consumed.push(queue);
    return { consumerTag };
  }

  async cancel(consumerTag: string): Promise<void> {
    this.#assertOpen();
    this.frames.push('basic.cancel');
    if (this.#owner.isPeerDead) await new Promise(() => undefined);
    this.consumers.delete(consumerTag);
  }

  ack(message: ConsumeMessage, allUpTo = false): void {
    this.#assertOpen();
    const tag = message.fields.deliveryTag;
    this.acks.push(tag);
    this.frames.push(`ack ${tag}${allUpTo ? ' multiple' : ''}`);
    this.#settle(tag, allUpTo, 'ack');
  }

  nack(message: ConsumeMessage, allUpTo = false, requeue = true): void {
    this.#assertOpen();
    const tag = message.fields.deliveryTag;
    this.nacks.push(tag);
    this.frames.push(`nack ${tag}${allUpTo ? ' multiple' : ''}${requeue ? ' requeue' : ''}`);
    this.#settle(tag, allUpTo, requeue ? 'requeue' : 'reject');
  }

  /** Like RabbitMQ's collect_acks: the tag itself must be unacked; `multiple` also takes every unacked tag below. */
  #settle(tag: number, multiple: boolean, as: 'ack' | 'requeue' | 'reject'): void {
    if (!this.unacked.has(tag)) {
      this.protocolErrors.push(`406 unknown delivery tag ${tag}`);
      return;
    }
    for (const unacked of [...this.unacked]) {
      if (unacked === tag || (multiple && unacked < tag)) {
        this.unacked.delete(unacked);
        this.settledAs.set(unacked, as);
      }
    }
  }

  publish(_exchange: string, routingKey: string, _content: Buffer, options: { messageId?: string } = {}): boolean {
    this.#assertOpen();
    this.published.push({ routingKey, messageId: options.messageId });
    return true;
  }

  /** The broker confirms (basic.ack, multiple) everything published on this channel so far. */
  confirmPublishes(): void {
    if (this.published.length > 0) this.emit('ack', { deliveryTag: this.published.length, multiple: true });
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.frames.push('channel.close');
    if (this.#owner.isPeerDead) await new Promise(() => undefined);
    this.#toClosed();
  }

  /** The broker delivers `body` to every consumer of this channel. */
  deliver(body: string): void {
    for (const [consumerTag, callback] of this.consumers) {
      const deliveryTag = this.#nextDeliveryTag++;
      this.unacked.add(deliveryTag);
      callback({
        content: Buffer.from(body),
        fields: { deliveryTag, redelivered: false, exchange: '', routingKey: 'q', consumerTag },
        properties: { headers: {} },
      } as unknown as ConsumeMessage);
    }
  }

  /** The broker closes this channel with a channel error (`text` as RabbitMQ words it, e.g. a 406's reason). */
  closeChannel(code: number, text = ''): void {
    if (this.isClosed) return;
    this.emit('error', Object.assign(new Error(`Channel closed by server: ${code}${text ? ` with message "${text}"` : ''}`), { code }));
    this.#toClosed();
  }

  /** The broker sends basic.cancel (queue deleted): amqplib calls the consumer with null. */
  cancelConsumer(): void {
    for (const [tag, callback] of [...this.consumers]) {
      this.consumers.delete(tag);
      callback(null);
    }
  }

  #toClosed(): void {
    this.isClosed = true;
    this.consumers.clear();
    this.emit('close');
  }

  #assertOpen(): void {
    if (this.isClosed) throw new Error('Channel closed');
  }
}

/** A fake connection: opens FakeChannels; closes them all when the connection goes. */
export class FakeModel extends EventEmitter {
  readonly channels: FakeChannel[] = [];
  readonly declaredQueues: string[] = [];
  nextConsumerTag = 1;
  isClosed = false;
  /** A dead peer (network cut not yet noticed): nothing that waits for a broker answer ever resolves. */
  isPeerDead = false;
  /** When set, channel creation waits for it (to hold setup half-way). */
  channelGate: Promise<void> | undefined;
  /** Classic queues whose cluster node is down: declaring one closes the channel with RabbitMQ's 404 for it. */
  readonly queuesOnDownNode = new Set<string>();
  /** When set, basic.consume-ok waits for it. */
  consumeGate: Promise<void> | undefined;
  /** How many of the next channel.open calls the broker refuses. */
  #channelsToRefuse = 0;
  #session: ConnectionSession | undefined;

  get asModel(): ChannelModel {
    return this as unknown as ChannelModel;
  }

  /** This connection's session, as a connection manager would make it; it ends when the connection closes. */
  get session(): ConnectionSession {
    if (!this.#session) {
      this.#session = fakeSession(this);
      this.on('error', () => undefined); // the manager listens for it too: a connection error is reported by 'close'
    }
    return this.#session;
  }

  /** Open channels that have a consumer on `queue`. */
  consumerCountOf(queue: string): number {
    return this.channels.filter((channel) => !channel.isClosed && channel.consumers.size > 0 && channel.consumed.includes(queue)).length;
  }

  async createChannel(): Promise<FakeChannel> {
    if (this.channelGate) await this.channelGate;
    if (this.isClosed) throw new Error('Connection closed');
    if (this.#channelsToRefuse > 0) {
      this.#channelsToRefuse--;
      throw Object.assign(new Error('Channel open refused by server: 504 CHANNEL_ERROR'), { code: 504 });
    }
    const channel = new FakeChannel(this);
    this.channels.push(channel);
    return channel;
  }

  createConfirmChannel(): Promise<FakeChannel> {
    return this.createChannel();
  }

  close(): Promise<void> {
    if (this.isPeerDead) return new Promise(() => undefined);
    this.#toClosed(undefined);
    return Promise.resolve();
  }

  /** The socket is gone (network cut, heartbeat timeout, CONNECTION_FORCED). */
  dropConnection(error: Error): void {
    this.emit('error', error);
    this.#toClosed(error);
  }

  /** The broker refuses the next `count` channel.open calls (e.g. a channel_max limit); the connection stays up. */
  refuseChannels(count: number): void {
    this.#channelsToRefuse = count;
  }

  block(reason: string): void {
    this.emit('blocked', reason);
  }

  unblock(): void {
    this.emit('unblocked');
  }

  #toClosed(error: Error | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.isPeerDead = false;
    for (const channel of this.channels) void channel.close(); // FakeChannel.close never rejects
    this.emit('close', error);
    this.#session?.end('lost', error ?? 'connection closed'); // what the manager does on 'close'
  }
}
