import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSilentLogger, type WireMessage } from '@warren/core';
import { BrokerBreaker } from '../../../src/breaker/broker-breaker.js';
import { Publisher } from '../../../src/publisher/publisher.js';
import { TopologyDeclarer } from '../../../src/topology/topology-declarer.js';
import { FakeModel } from '../../fakes/fake-broker.js';
import { fakeSession } from '../../fakes/fake-session.js';
import type { ConnectionSession } from '../../../src/connection/connection-session.js';

/** A fake confirm channel: records publishes; the test confirms them like the broker would. */
class FakeConfirmChannel extends EventEmitter {
  readonly sent: Array<{ routingKey: string; id: string }> = [];
  isWritable = true;
  publish(_exchange: string, routingKey: string, _body: Buffer, options: { messageId: string }): boolean {
    this.sent.push({ routingKey, id: options.messageId });
    return this.isWritable;
  }
  ackAll(): void {
    this.emit('ack', { deliveryTag: this.sent.length, multiple: true });
  }
  nack(tag: number): void {
    this.emit('nack', { deliveryTag: tag, multiple: false });
  }
  async close(): Promise<void> {
    this.emit('close');
  }
}

/** The options each createConfirmChannel call got. */
const channelOptions: unknown[] = [];

/** The session the last fakeModel() made; tests end it where the connection goes. */
let lastSession: ConnectionSession | undefined;

function fakeModel(channel: FakeConfirmChannel): ConnectionSession {
  lastSession = fakeSession({ createConfirmChannel: async (options?: unknown) => (channelOptions.push(options), channel) }, 'publish');
  return lastSession;
}

function message(id: string): WireMessage {
  return { body: Buffer.from(id), properties: { messageId: id, type: 't', timestampMs: 0, contentType: 'application/json', contentEncoding: 'utf-8', headers: {} } };
}

const cleanups: Array<() => unknown> = [];
/** What the connection manager would say: the broker blocks our connection (connection.blocked). */
let isBrokerBlocked = false;

function publisher(maxMessages = 100, publishTimeoutMs = 1_000, declarer = new TopologyDeclarer(), isFastPath = true) {
  const breaker = new BrokerBreaker({ failureThreshold: 100, resetTimeoutMs: 1_000 });
  const instance = new Publisher({
    publishTimeoutMs, maxMessages, isFastPath, breaker, declarer, logger: createSilentLogger(), redeclare: async () => undefined,
    isBrokerBlocked: () => isBrokerBlocked,
  });
  cleanups.push(() => instance.close(0), () => breaker.shutdown());
  return instance;
}

function outcomes(promises: Array<Promise<void>>): Promise<string[]> {
  return Promise.all(promises.map((p) => p.then(() => 'ok', (e: { code?: string }) => e.code ?? 'error')));
}

describe('Publisher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    isBrokerBlocked = false;
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    vi.useRealTimers();
  });

  it('buffers publishes while disconnected and flushes them in order after connecting', async () => {
    const p = publisher();
    const pending = ['a', 'b', 'c'].map((id) => p.publish('q', message(id)));
    expect(p.outboxDepth).toBe(3);
    const channel = new FakeConfirmChannel();
    await p.attach(fakeModel(channel));
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.sent.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    channel.ackAll();
    expect(await outcomes(pending)).toEqual(['ok', 'ok', 'ok']);
  });

  it('resolves only on confirm; re-sends a nacked publish on a fresh channel, after a pause that doubles, then rejects it', async () => {
    const p = publisher(100, 60_000);
    const channel = new FakeConfirmChannel();
    await p.attach(fakeModel(channel));
    const first = p.publish('q', message('a'));
    const second = p.publish('q', message('b'));
    channel.emit('ack', { deliveryTag: 1, multiple: false });
    expect(await outcomes([first])).toEqual(['ok']);
    // Each nack closes the channel; the publish goes out again on the next one, 250, 500, 1000 ms later.
    for (const pauseMs of [250, 500, 1_000]) {
      channel.nack(channel.sent.length === 2 ? 2 : 1);
      const sentBefore = channel.sent.length;
      await vi.advanceTimersByTimeAsync(pauseMs - 10);
      expect(channel.sent.length, `no re-send before ${pauseMs} ms`).toBe(sentBefore);
      await vi.advanceTimersByTimeAsync(200);
      expect(channel.sent.map((s) => s.id).slice(sentBefore)).toEqual(['b']);
    }
    channel.nack(1);
    const [outcome] = await outcomes([second]);
    expect(outcome).toBe('WARREN_ERR_AMQP_PUBLISH_NACKED');
    expect(await second.catch((e: Error) => e.message)).toContain('nacked the publish to "q" 4 times');
  });

  it('resolves a publish that the broker nacked once and confirmed on the fresh channel', async () => {
    const p = publisher(100, 60_000);
    const channel = new FakeConfirmChannel();
    await p.attach(fakeModel(channel));
    const pending = p.publish('q', message('a'));
    channel.nack(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(channel.sent.map((s) => s.id)).toEqual(['a', 'a']);
    channel.emit('ack', { deliveryTag: 1, multiple: false });
    expect(await outcomes([pending])).toEqual(['ok']);
  });

  it('sends a delayed publish through its delay queue while connected even with outbox.max_messages 0', async () => {
    const declarer = new TopologyDeclarer();
    declarer.attach(new FakeModel().session);
    const p = publisher(0, 1_000, declarer);
    const channel = new FakeConfirmChannel();
    await p.attach(fakeModel(channel));
    const outcome = outcomes([p.publish('q', message('later'), 5_000)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.sent).toEqual([{ routingKey: 'q.delay.5305', id: 'later' }]); // 5000 ms rounds up to its ladder step
    channel.ackAll();
    expect(await outcome).toEqual(['ok']);
  });

  it('rejects with BrokerUnavailable when the outbox is full, keeping what it buffered', async () => {
    const p = publisher(2);
    const buffered = [p.publish('q', message('a')), p.publish('q', message('b'))];
    const refused = p.publish('q', message('c'));
    await expect(refused).rejects.toMatchObject({ name: 'BrokerUnavailable', code: 'WARREN_ERR_DRIVER_UNAVAILABLE' });
    const channel = new FakeConfirmChannel();
    await p.attach(fakeModel(channel));
    await vi.advanceTimersByTimeAsync(0);
    channel.ackAll();
    expect(await outcomes(buffered)).toEqual(['ok', 'ok']);
  });

  it('re-sends what a dying channel left unconfirmed, ahead of later publishes', async () => {
    const p = publisher();
    const first = new FakeConfirmChannel();
    await p.attach(fakeModel(first));
    const early = [p.publish('q', message('a')), p.publish('q', message('b'))];
    lastSession?.end('lost', 'connection lost');
    const late = p.publish('q', message('c'));
    const second = new FakeConfirmChannel();
    await p.attach(fakeModel(second));
    await vi.advanceTimersByTimeAsync(0);
    expect(second.sent.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    second.ackAll();
    expect(await outcomes([...early, late])).toEqual(['ok', 'ok', 'ok']);
  });

  it('waits for drain when the channel reports backpressure, keeping order', async () => {
    const p = publisher();
    const channel = new FakeConfirmChannel();
    await p.attach(fakeModel(channel));
    channel.isWritable = false;
    const all = ['a', 'b', 'c'].map((id) => p.publish('q', message(id)));
    expect(channel.sent.map((s) => s.id)).toEqual(['a']);
    channel.isWritable = true;
    channel.emit('drain');
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.sent.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    channel.ackAll();
    expect(await outcomes(all)).toEqual(['ok', 'ok', 'ok']);
  });

  it('rejects a publish the broker does not confirm within publish_timeout', async () => {
    const p = publisher(100, 1_000);
    const channel = new FakeConfirmChannel();
    await p.attach(fakeModel(channel));
    const outcome = outcomes([p.publish('q', message('a'))]);
    await vi.advanceTimersByTimeAsync(1_300);
    expect(await outcome).toEqual(['WARREN_ERR_AMQP_PUBLISH_TIMEOUT']);
  });

  it('does not time out publishes while the broker blocks us', async () => {
    const p = publisher(100, 1_000);
    const channel = new FakeConfirmChannel();
    await p.attach(fakeModel(channel));
    const outcome = outcomes([p.publish('q', message('a'))]);
    isBrokerBlocked = true;
    await vi.advanceTimersByTimeAsync(5_000);
    isBrokerBlocked = false;
    p.onBrokerUnblocked();
    channel.ackAll();
    expect(await outcome).toEqual(['ok']);
  });

  it('rejects what is still buffered with WARREN_ERR_AMQP_PUBLISH_CLOSED when closed while disconnected', async () => {
    const p = publisher();
    const outcome = outcomes([p.publish('q', message('a'))]);
    await p.close(Date.now());
    expect(await outcome).toEqual(['WARREN_ERR_AMQP_PUBLISH_CLOSED']);
    await expect(p.publish('q', message('b'))).rejects.toMatchObject({ code: 'WARREN_ERR_AMQP_CONN_CLOSED' });
  });

  it('rejects a message amqplib cannot encode with WARREN_ERR_AMQP_PUBLISH_INVALID, without shifting later confirms', async () => {
    const p = publisher();
    const channel = new FakeConfirmChannel();
    const publish = channel.publish.bind(channel);
    channel.publish = (exchange, routingKey, body, options) => {
      if (options.messageId === 'bad') throw new TypeError("Field 'messageId' is the wrong type; must be a string (up to 255 chars)");
      return publish(exchange, routingKey, body, options);
    };
    await p.attach(fakeModel(channel));
    const pending = ['a', 'bad', 'b'].map((id) => p.publish('q', message(id)));
    expect(channel.sent.map((s) => s.id)).toEqual(['a', 'b']);
    // The broker numbers only what it got: tag 1 = a, tag 2 = b. Nothing may confirm the refused one.
    channel.emit('ack', { deliveryTag: 2, multiple: false });
    channel.emit('ack', { deliveryTag: 1, multiple: false });
    expect(await outcomes(pending)).toEqual(['ok', 'WARREN_ERR_AMQP_PUBLISH_INVALID', 'ok']);
    expect(p.unconfirmed).toBe(0);
  });

  it('keeps a publish refused by a closing channel and sends it on the next channel, in order', async () => {
    const p = publisher();
    const first = new FakeConfirmChannel();
    const second = new FakeConfirmChannel();
    const channels = [first, second];
    await p.attach(fakeSession({ createConfirmChannel: async () => channels.shift() }, 'publish'));
    const a = p.publish('q', message('a'));
    first.publish = () => {
      throw Object.assign(new Error('Channel closing'), { name: 'IllegalOperationError' }); // amqplib's error once closing
    };
    const b = p.publish('q', message('b'));
    const c = p.publish('q', message('c'));
    first.emit('close'); // a was sent but not confirmed: it goes back too, ahead of b and c
    await vi.advanceTimersByTimeAsync(1_000); // the publisher reopens on the channel retry schedule
    expect(second.sent.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    second.ackAll();
    expect(await outcomes([a, b, c])).toEqual(['ok', 'ok', 'ok']);
  });

  it('waits, without spinning, while a channel is closing for a while, then sends everything on the next one', async () => {
    for (const hasFastPath of [false, true]) {
      const p = publisher();
      const first = hasFastPath ? new FastPathChannel() : new FakeConfirmChannel();
      const second = new FakeConfirmChannel();
      const channels = [first, second];
      await p.attach(fakeSession({ createConfirmChannel: async () => channels.shift() }, 'publish'));
      const closing = (): never => {
        throw Object.assign(new Error('Channel closing'), { name: 'IllegalOperationError' });
      };
      first.publish = closing;
      if (first instanceof FastPathChannel) Object.assign(first, { sendMessage: closing }); // how amqplib marks it
      const pending = ['a', 'b', 'c'].map((id) => p.publish('q', message(id)));
      await vi.advanceTimersByTimeAsync(200); // close-ok takes a round trip: the event loop must keep turning
      expect(p.outboxDepth).toBe(3);
      first.emit('close');
      await vi.advanceTimersByTimeAsync(1_000);
      expect(second.sent.map((s) => s.id)).toEqual(['a', 'b', 'c']);
      second.ackAll();
      expect(await outcomes(pending)).toEqual(['ok', 'ok', 'ok']);
    }
  });

  it('sends a delayed publish once when the write buffer fills and drains while its delay queue is declared', async () => {
    let declared!: () => void;
    const declaring = new Promise<string>((resolve) => (declared = () => resolve('q.delay.5000')));
    const declarer = { ensureDelayQueue: () => declaring, forgetDelayQueues: () => undefined } as unknown as TopologyDeclarer; // both flush loops resume when it completes
    const p = publisher(100, 1_000, declarer);
    const pending = [p.publish('q', message('id-x')), p.publish('q', message('id-d'), 5_000), p.publish('q', message('id-y'))];
    const channel = new FastPathChannel();
    channel.isBufferFull = true;
    await p.attach(fakeModel(channel)); // flush: x is encoded, then the loop waits on d's declare
    await vi.advanceTimersByTimeAsync(0); // x is written; the buffer is full: writeBlocked
    expect(p.state).toBe('writeBlocked');
    channel.isBufferFull = false;
    channel.emit('drain'); // open again; a new flush waits on the same declare
    declared();
    await vi.advanceTimersByTimeAsync(0);
    expect(['id-x', 'id-d', 'id-y'].map((id) => channel.count(id))).toEqual([1, 1, 1]);
    channel.emit('ack', { deliveryTag: 3, multiple: true });
    expect(await outcomes(pending)).toEqual(['ok', 'ok', 'ok']);
  });

  it('with amqp.publish_fast_path false sends immediate and delayed publishes through channel.publish, with amqplib\'s buffer bound', async () => {
    const declarer = { ensureDelayQueue: async () => 'q.delay.5000', forgetDelayQueues: () => undefined } as unknown as TopologyDeclarer;
    const p = publisher(100, 1_000, declarer, false);
    const channel = new FastPathChannel(); // amqplib's internals are there; the option alone keeps them unused
    channelOptions.length = 0;
    await p.attach(fakeModel(channel));
    const pending = [p.publish('q', message('id-now')), p.publish('q', message('id-later'), 5_000)];
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.sent).toEqual([{ routingKey: 'q', id: 'id-now' }, { routingKey: 'q.delay.5000', id: 'id-later' }]);
    expect(channel.chunks).toEqual([]);
    expect(channelOptions).toEqual([undefined]); // amqplib's own high-water mark (1024 one-publish chunks), not the fast path's 128
    channel.emit('ack', { deliveryTag: 2, multiple: true });
    expect(await outcomes(pending)).toEqual(['ok', 'ok']);
  });

  it('opens the fast path\'s confirm channel with a high-water mark of 128 chunks', async () => {
    const p = publisher();
    channelOptions.length = 0;
    await p.attach(fakeModel(new FastPathChannel()));
    expect(channelOptions).toEqual([{ highWaterMark: 128 }]);
  });

  it('writes a turn of fast-path publishes in chunks of at most 16 KB, so the channel buffer bounds bytes too', async () => {
    const p = publisher(1_000);
    const channel = new FastPathChannel();
    await p.attach(fakeModel(channel));
    const big = (id: string): WireMessage => ({ ...message(id), body: Buffer.alloc(1_000, 0x61) });
    const pending = Array.from({ length: 100 }, (_, i) => p.publish('q', big(`m${i}`)));
    expect(channel.chunks.length).toBeGreaterThanOrEqual(5); // written as they filled, not once at the end of the turn
    await vi.advanceTimersByTimeAsync(0);
    expect(Math.max(...channel.chunks.map((chunk) => chunk.length))).toBeLessThan(16 * 1024 + 1_200);
    expect(channel.chunks.reduce((sum, chunk) => sum + chunk.length, 0)).toBeGreaterThan(100 * 1_000);
    channel.emit('ack', { deliveryTag: 100, multiple: true });
    expect(new Set(await outcomes(pending))).toEqual(new Set(['ok']));
  });
});

/** A confirm channel with the amqplib 2.x internals the publish fast path writes through (publish-writer.ts). */
/** The slice of amqplib's Connection the fast path reads (amqplib-shapes.ts); sendMessage as inherited while open. */
class FastPathConnection {
  readonly frameMax = 131_072;
  sentSinceLastCheck = false;
  readonly channels: unknown[] = [];
  sendMessage(): void {}
}

class FastPathChannel extends FakeConfirmChannel {
  readonly ch = 1;
  readonly chunks: Buffer[] = [];
  isBufferFull = false;
  readonly connection = new FastPathConnection();
  constructor() {
    super();
    this.connection.channels[1] = { channel: this, buffer: { write: (chunk: Buffer) => (this.chunks.push(Buffer.from(chunk)), !this.isBufferFull) } };
  }
  pushConfirmCallback(): void {}
  sendMessage(): void {}
  /** How many publishes carrying message id `id` were written. */
  count(id: string): number {
    const all = Buffer.concat(this.chunks);
    let found = 0;
    for (let at = all.indexOf(id); at >= 0; at = all.indexOf(id, at + 1)) found++;
    return found / 2; // the id is both the message_id property and the body
  }
}
