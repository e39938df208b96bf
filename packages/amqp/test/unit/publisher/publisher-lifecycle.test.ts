import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSilentLogger, type WireMessage } from '@warren/core';
import { BrokerBreaker } from '../../../src/breaker/broker-breaker.js';
import { Publisher } from '../../../src/publisher/publisher.js';
import type { PublisherState } from '../../../src/publisher/publisher-state.js';
import { TopologyDeclarer } from '../../../src/topology/topology-declarer.js';
import { FakeModel, type FakeChannel } from '../../fakes/fake-broker.js';

function message(id: string): WireMessage {
  return { body: Buffer.from(id), properties: { messageId: id, type: 't', timestampMs: 0, contentType: 'application/json', contentEncoding: 'utf-8', headers: {} } };
}

const cleanups: Array<() => unknown> = [];

/** A publisher on a fake broker connection, recording its state changes and the outcome of each publish. */
async function attached() {
  const breaker = new BrokerBreaker({ failureThreshold: 100, resetTimeoutMs: 1_000 });
  const publisher = new Publisher({
    publishTimeoutMs: 60_000, maxMessages: 100, isFastPath: true, breaker, declarer: new TopologyDeclarer(), logger: createSilentLogger(),
    redeclare: async () => undefined, isBrokerBlocked: () => false,
  });
  cleanups.push(() => publisher.close(0), () => breaker.shutdown());
  const states: PublisherState[] = [];
  publisher.events.on('publisher:state', ({ to }) => states.push(to));
  const broker = new FakeModel();
  await publisher.attach(broker.session);
  const outcomes: string[] = [];
  const publish = (id: string) => publisher.publish('q', message(id)).then(() => void outcomes.push(`${id}:ok`), (error: { code?: string }) => {
    outcomes.push(`${id}:${error.code ?? 'error'}`);
  });
  /** The publish channel open right now. */
  const channel = () => broker.channels.filter((c) => !c.isClosed).at(-1) as FakeChannel;
  return { publisher, broker, states, outcomes, publish, channel };
}

describe('Publisher lifecycle (fake broker)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    vi.useRealTimers();
  });

  it('reopens its channel on the retry schedule after a channel error, keeping publishes in the outbox meanwhile', async () => {
    const h = await attached();
    const first = h.channel();
    const sentBefore = h.publish('a');
    h.broker.refuseChannels(3); // the broker refuses the next three channel.open calls
    first.closeChannel(406);
    await Promise.resolve(); // a channel error is told from a connection loss on the next microtask
    expect(h.publisher.state).toBe('reopening');
    const sentDuring = [h.publish('b'), h.publish('c')];
    expect(h.publisher.outboxDepth).toBe(3); // 'a' was unconfirmed on the dead channel: it goes first again
    await vi.advanceTimersByTimeAsync(100 * 1.2 + 500 * 1.2 + 1_000 * 1.2); // three refused reopens (jitter ±20%)
    expect(h.broker.channels).toHaveLength(1);
    expect(h.publisher.state).toBe('reopening');
    await vi.advanceTimersByTimeAsync(2_000 * 1.2); // the fourth step succeeds
    expect(h.publisher.state).toBe('open');
    const second = h.channel();
    expect(second).not.toBe(first);
    expect(second.published.map((p) => p.messageId)).toEqual(['a', 'b', 'c']);
    second.confirmPublishes();
    await Promise.all([sentBefore, ...sentDuring]);
    expect(h.outcomes).toEqual(['a:ok', 'b:ok', 'c:ok']);
    const refusedOpen = ['opening', 'reopening'];
    expect(h.states).toEqual(['opening', 'open', 'reopening', ...refusedOpen, ...refusedOpen, ...refusedOpen, 'opening', 'open', 'flushing', 'open']);
  });

  it('handles a lost connection once, by its session: no reopen is scheduled for its closing channel', async () => {
    const h = await attached();
    const statesBefore = h.states.length;
    h.broker.dropConnection(new Error('CONNECTION_FORCED')); // amqplib order: every channel's close, then the connection's
    await Promise.resolve();
    expect(h.states.slice(statesBefore), 'straight to detached, never reopening').toEqual(['detached']);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.broker.channels).toHaveLength(1); // nothing reopened on the dead connection
  });

  it('stops reopening when the connection goes, and opens afresh on the next one', async () => {
    const h = await attached();
    h.broker.refuseChannels(100);
    h.channel().closeChannel(406);
    h.broker.session.end('lost', 'connection lost');
    expect(h.publisher.state).toBe('detached');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.broker.channels).toHaveLength(1); // no reopen attempts on a connection that is gone
    const pending = h.publish('x');
    const next = new FakeModel();
    await h.publisher.attach(next.session);
    expect(next.channels[0]?.published.map((p) => p.messageId)).toEqual(['x']);
    next.channels[0]?.confirmPublishes();
    await pending;
    expect(h.outcomes).toEqual(['x:ok']);
  });

  it('close() resolves on the last confirm without waiting out a poll, and at its deadline when none comes', async () => {
    const h = await attached();
    const sent = h.publish('a');
    let isClosed = false;
    const closing = h.publisher.close(Date.now() + 10_000).then(() => (isClosed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(isClosed).toBe(false);
    h.channel().confirmPublishes();
    await vi.advanceTimersByTimeAsync(0); // no timer needs to fire: the confirm wakes close()
    expect(isClosed).toBe(true);
    await Promise.all([sent, closing]);
    expect(h.outcomes).toEqual(['a:ok']);
    expect(h.publisher.state).toBe('closed');
    expect(h.publisher.close(0)).toBe(h.publisher.close(5_000)); // idempotent: every call returns the first call's promise

    const other = await attached();
    const unconfirmed = other.publish('b');
    let isOtherClosed = false;
    void other.publisher.close(Date.now() + 1_000).then(() => (isOtherClosed = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(isOtherClosed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await unconfirmed;
    expect(isOtherClosed).toBe(true);
    expect(other.outcomes).toEqual(['b:WARREN_ERR_AMQP_PUBLISH_CLOSED']);
  });

  it('reports backpressure as writeBlocked until the channel drains', async () => {
    const h = await attached();
    const channel = h.channel();
    const publishOnChannel = channel.publish.bind(channel);
    let isWritable = false;
    channel.publish = (...args: Parameters<FakeChannel['publish']>) => publishOnChannel(...args) && isWritable;
    const sends = [h.publish('a'), h.publish('b')];
    expect(h.publisher.state).toBe('writeBlocked');
    expect(channel.published.map((p) => p.messageId)).toEqual(['a']);
    isWritable = true;
    channel.emit('drain');
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.published.map((p) => p.messageId)).toEqual(['a', 'b']);
    expect(h.publisher.state).toBe('open');
    channel.confirmPublishes();
    await Promise.all(sends);
    expect(h.states).toEqual(['opening', 'open', 'writeBlocked', 'open', 'flushing', 'open']);
  });
});
