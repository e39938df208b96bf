import { EventEmitter } from 'node:events';
import type { ChannelModel } from 'amqplib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSilentLogger, type WireMessage } from '@warren/core';
import { BrokerBreaker } from '../../../src/breaker/broker-breaker.js';
import { Publisher } from '../../../src/publisher/publisher.js';
import { TopologyDeclarer } from '../../../src/topology/topology-declarer.js';
import { FakeModel } from '../../fakes/fake-broker.js';

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

function fakeModel(channel: FakeConfirmChannel): ChannelModel {
  return { createConfirmChannel: async () => channel } as unknown as ChannelModel;
}

function message(id: string): WireMessage {
  return { body: Buffer.from(id), properties: { messageId: id, type: 't', timestampMs: 0, contentType: 'application/json', contentEncoding: 'utf-8', headers: {} } };
}

const cleanups: Array<() => unknown> = [];
/** What the connection manager would say: the broker blocks our connection (connection.blocked). */
let isBrokerBlocked = false;

function publisher(maxMessages = 100, publishTimeoutMs = 1_000, declarer = new TopologyDeclarer()) {
  const breaker = new BrokerBreaker({ failureThreshold: 100, resetTimeoutMs: 1_000 });
  const instance = new Publisher({
    publishTimeoutMs, maxMessages, breaker, declarer, logger: createSilentLogger(), redeclare: async () => undefined,
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

  it('resolves only on confirm and rejects a nack with WARREN_ERR_AMQP_PUBLISH_NACKED', async () => {
    const p = publisher();
    const channel = new FakeConfirmChannel();
    await p.attach(fakeModel(channel));
    const first = p.publish('q', message('a'));
    const second = p.publish('q', message('b'));
    channel.nack(2);
    channel.emit('ack', { deliveryTag: 1, multiple: false });
    expect(await outcomes([first, second])).toEqual(['ok', 'WARREN_ERR_AMQP_PUBLISH_NACKED']);
  });

  it('sends a delayed publish through its delay queue while connected even with outbox.max_messages 0', async () => {
    const declarer = new TopologyDeclarer();
    declarer.attach(new FakeModel().asModel);
    const p = publisher(0, 1_000, declarer);
    const channel = new FakeConfirmChannel();
    await p.attach(fakeModel(channel));
    const outcome = outcomes([p.publish('q', message('later'), 5_000)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.sent).toEqual([{ routingKey: 'q.delay.5000', id: 'later' }]);
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
    p.detach();
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
});
