import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSilentLogger } from '@warren/core';
import { PipelineConsumer } from '../../../src/consumer/pipeline-consumer.js';
import type { AmqpDelivery } from '../../../src/consumer/amqp-delivery.js';
import { TopologyDeclarer } from '../../../src/topology/topology-declarer.js';
import { FakeModel, type FakeChannel } from '../../fakes/fake-broker.js';

const PIPELINE = { pipeline: 'emails', queue: 'emails', prefetch: 4, queueType: 'classic' as const, maxPriority: undefined };
const consumers: PipelineConsumer[] = [];
type Harness = ReturnType<typeof harness>;

/** The end of the event-loop turn: the consumer's acks flush on setImmediate. */
function endTurn(): void {
  vi.advanceTimersByTime(0);
}

function harness(onDelivery?: (delivery: AmqpDelivery) => void) {
  const model = new FakeModel();
  const declarer = new TopologyDeclarer();
  declarer.attach(model.session);
  const deliveries: AmqpDelivery[] = [];
  const consumer = new PipelineConsumer({
    pipeline: PIPELINE, prefetch: 4, declarer, logger: createSilentLogger(),
    onDelivery: onDelivery ?? ((delivery) => deliveries.push(delivery)), onCancelled: () => undefined,
  });
  consumers.push(consumer);
  /** Channels that currently hold a consumer (the broker would deliver on each). */
  const consuming = (): FakeChannel[] => model.channels.filter((channel) => !channel.isClosed && channel.consumers.size > 0);
  return { model, declarer, consumer, deliveries, consuming };
}

describe('PipelineConsumer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(async () => {
    for (const consumer of consumers.splice(0)) await consumer.close();
    vi.useRealTimers();
  });

  it('subscribes once when attached twice to the same connection (no second consumer whose acks would be dropped)', async () => {
    const h = harness();
    await Promise.all([h.consumer.attach(h.model.session), h.consumer.attach(h.model.session)]);
    expect(h.consumer.state).toBe('consuming');
    expect(h.consuming()).toHaveLength(1);
  });

  it('emits consumer:state for each move', async () => {
    const h = harness();
    const moves: string[] = [];
    h.consumer.events.on('consumer:state', ({ from, to }) => moves.push(`${from}→${to}`));
    await h.consumer.attach(h.model.session);
    h.consuming()[0]?.closeChannel(406);
    await Promise.resolve(); // a channel error is told from a connection loss on the next microtask
    await h.consumer.cancel();
    expect(moves).toEqual(['waiting→subscribing', 'subscribing→consuming', 'consuming→waiting', 'waiting→cancelled']);
  });

  it('drops the ack of a delivery whose channel died instead of sending it on the new channel (no 406)', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    const [first] = h.consuming() as [FakeChannel];
    first.deliver('a');
    first.closeChannel(406); // e.g. consumer_timeout: the broker closes the channel
    await Promise.resolve(); // a channel error is told from a connection loss on the next microtask
    expect(h.consumer.isConsuming).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(h.consumer.state).toBe('consuming');
    const [second] = h.consuming() as [FakeChannel];
    expect(second).not.toBe(first);
    h.deliveries[0]?.ack();
    second.deliver('b');
    h.deliveries[1]?.ack();
    endTurn();
    expect(second.frames).toEqual(['ack 1 multiple']);
    expect(first.acks).toEqual([]);
    expect(second.protocolErrors).toEqual([]);
  });

  it('acks settled in one turn leave as one multiple ack; a requeue leaves at once', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    const [channel] = h.consuming() as [FakeChannel];
    for (const body of ['a', 'b', 'c', 'd']) channel.deliver(body);
    h.deliveries[2]?.ack();
    h.deliveries[1]?.requeue();
    h.deliveries[0]?.ack();
    expect(channel.frames).toEqual(['nack 2 requeue']);
    endTurn();
    expect(channel.frames).toEqual(['nack 2 requeue', 'ack 3 multiple']);
    expect([...channel.unacked]).toEqual([4]);
  });

  it.each([
    { name: 'cancel()', end: (h: Harness) => h.consumer.cancel(), frames: ['ack 2 multiple', 'basic.cancel'] },
    { name: 'close()', end: (h: Harness) => h.consumer.close(), frames: ['ack 2 multiple', 'basic.cancel', 'channel.close'] },
  ])('$name sends the acks settled this turn before it tells the broker', async ({ end, frames }) => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    const [channel] = h.consuming() as [FakeChannel];
    channel.deliver('a');
    channel.deliver('b');
    h.deliveries[1]?.ack();
    h.deliveries[0]?.ack();
    await end(h);
    expect(channel.frames).toEqual(frames);
  });

  it('after cancel() in-flight deliveries are still acked on their channel', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    const [channel] = h.consuming() as [FakeChannel];
    channel.deliver('a');
    await h.consumer.cancel();
    h.deliveries[0]?.ack();
    endTurn();
    expect(channel.frames).toEqual(['basic.cancel', 'ack 1 multiple']);
  });

  it('a broker basic.cancel sends the settled acks before our channel.close', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    const [channel] = h.consuming() as [FakeChannel];
    channel.deliver('a');
    h.deliveries[0]?.ack();
    channel.cancelConsumer();
    expect(channel.frames).toEqual(['ack 1 multiple', 'channel.close']);
  });

  it('a channel error discards the acks not yet sent; none reach the next channel', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    const [first] = h.consuming() as [FakeChannel];
    first.deliver('a');
    h.deliveries[0]?.ack();
    first.closeChannel(406);
    await vi.advanceTimersByTimeAsync(200);
    const [second] = h.consuming() as [FakeChannel];
    expect(second).not.toBe(first);
    expect(first.frames).toEqual([]);
    expect(second.frames).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('re-declares its queues and subscribes again after a basic.cancel from the broker', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    h.model.declaredQueues.length = 0;
    h.consuming()[0]?.cancelConsumer();
    expect(h.consumer.isConsuming).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(h.model.declaredQueues).toEqual(['emails', 'emails.dlq']);
    expect(h.consumer.state).toBe('consuming');
    expect(h.consuming()).toHaveLength(1);
  });

  it('watchdog: subscribes a consumer that missed the connection', async () => {
    const h = harness();
    await h.consumer.verify(h.model.session);
    expect(h.consumer.state).toBe('consuming');
    expect(h.consuming()).toHaveLength(1);
  });

  it('watchdog: re-subscribes when the consumer vanished from its channel without a cancel', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    const [first] = h.consuming() as [FakeChannel];
    first.consumers.clear();
    await h.consumer.verify(h.model.session);
    expect(h.consuming()).toHaveLength(1);
    expect(h.consuming()[0]).not.toBe(first);
  });

  it('watchdog: a check that outlived a re-subscribe leaves the new channel alone (no orphaned consumer holding a prefetch unacked)', async () => {
    // The stall of issue #18: the watchdog read channel A, awaited checkQueue; meanwhile the broker cancelled A and the
    // consumer re-subscribed on B. The late check then retired B's acks and subscribed C: B kept its consumer, and
    // every delivery to it stayed unacked until the prefetch was full — a queue "with a consumer" that handled nothing.
    const h = harness();
    await h.consumer.attach(h.model.session);
    const [first] = h.consuming() as [FakeChannel];
    let answer!: () => void;
    vi.spyOn(h.declarer, 'checkQueue').mockImplementationOnce(() => new Promise((resolve) => (answer = () => resolve({ messageCount: 0, consumerCount: 0 }))));
    const verifying = h.consumer.verify(h.model.session);
    first.cancelConsumer();
    await vi.advanceTimersByTimeAsync(200);
    const [second] = h.consuming() as [FakeChannel];
    expect(second).not.toBe(first);
    answer();
    await verifying;
    expect(h.consuming()).toEqual([second]);
    second.deliver('a');
    h.deliveries.at(-1)?.ack();
    endTurn();
    expect(second.acks).toEqual([1]);
  });

  it('watchdog: re-subscribes a consumer sent nothing for two checks while messages wait and its prefetch has room', async () => {
    // Seen against RabbitMQ 3.10: Q deleted and at once declared again by our publisher (after a return) — no
    // basic.cancel reached us, the broker listed a consumer on the new Q holding a prefetch unacked, and our channel
    // received nothing more. consumerCount alone cannot tell that consumer from a live one.
    const h = harness();
    await h.consumer.attach(h.model.session);
    const [first] = h.consuming() as [FakeChannel];
    vi.spyOn(h.declarer, 'checkQueue').mockResolvedValue({ messageCount: 120, consumerCount: 1 });
    await h.consumer.verify(h.model.session);
    expect(h.consuming()).toEqual([first]); // one quiet interval proves nothing yet
    await h.consumer.verify(h.model.session);
    expect(first.isClosed).toBe(true);
    expect(h.consuming()).toHaveLength(1);
    expect(h.consuming()[0]).not.toBe(first);
    expect(h.consumer.state).toBe('consuming');
  });

  it('watchdog: leaves a consumer alone that was delivered to between checks, or whose prefetch is full', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    const [channel] = h.consuming() as [FakeChannel];
    vi.spyOn(h.declarer, 'checkQueue').mockResolvedValue({ messageCount: 120, consumerCount: 1 });
    await h.consumer.verify(h.model.session);
    channel.deliver('a');
    h.deliveries[0]?.ack();
    endTurn();
    await h.consumer.verify(h.model.session); // delivered to since the last check
    for (const body of ['b', 'c', 'd', 'e']) channel.deliver(body); // prefetch 4, all held by the runtime
    await h.consumer.verify(h.model.session);
    await h.consumer.verify(h.model.session);
    await h.consumer.verify(h.model.session);
    expect(h.consuming()).toEqual([channel]);
    expect(channel.isClosed).toBe(false);
  });

  it('handles a lost connection once, by its session: its channel closing first is not taken for a channel error', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    const moves: string[] = [];
    h.consumer.events.on('consumer:state', ({ to, cause }) => moves.push(`${to}: ${String(cause)}`));
    h.model.dropConnection(new Error('CONNECTION_FORCED')); // amqplib order: every channel's close, then the connection's
    await Promise.resolve();
    expect(moves).toEqual(['waiting: connection lost']);
    expect(vi.getTimerCount(), 'no channel retry on a connection that is gone').toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.model.channels.filter((channel) => !channel.isClosed)).toEqual([]);
  });

  it('a connection lost while subscribing leaves no consumer on the old connection and subscribes on the new one', async () => {
    const h = harness();
    let open!: () => void;
    h.model.channelGate = new Promise((resolve) => (open = resolve));
    const attaching = h.consumer.attach(h.model.session).catch(() => undefined);
    h.model.session.end('lost', 'connection lost');
    const next = new FakeModel();
    h.declarer.attach(next.session);
    await h.consumer.attach(next.session);
    open();
    await attaching;
    expect(h.consuming()).toHaveLength(0);
    expect(next.consumerCountOf('emails')).toBe(1);
  });

  it('requeues a delivery whose handler threw instead of letting the throw reach amqplib (which would drop the connection)', async () => {
    const h = harness(() => {
      throw new Error('handler bug');
    });
    await h.consumer.attach(h.model.session);
    const channel = h.consuming()[0] as FakeChannel;
    expect(() => channel.deliver('a')).not.toThrow();
    expect(channel.nacks).toEqual([1]);
    expect(h.consumer.isConsuming).toBe(true);
  });

  it('cancel() stops new deliveries and leaves no retry timer behind', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    h.consuming()[0]?.closeChannel(406);
    await Promise.resolve(); // the retry is scheduled once it is clear the session did not end with the channel
    const timersBefore = vi.getTimerCount();
    expect(timersBefore).toBeGreaterThan(0);
    await h.consumer.cancel();
    expect(h.consumer.state).toBe('cancelled');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('pause() cancels the consumer but keeps its channel, so a delivery in flight is still acked; resume() consumes again on it', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    const [channel] = h.consuming() as [FakeChannel];
    channel.deliver('a');
    await h.consumer.pause();
    expect(h.consumer.state).toBe('paused');
    expect(h.consuming()).toHaveLength(0);
    h.deliveries[0]?.ack();
    endTurn();
    expect(channel.acks).toEqual([1]);
    await h.consumer.resume();
    expect(h.consumer.state).toBe('consuming');
    expect(h.consuming()).toEqual([channel]);
  });

  it('stays paused across a reconnect and subscribes on the new connection only when resumed', async () => {
    const h = harness();
    await h.consumer.attach(h.model.session);
    await h.consumer.pause();
    h.model.dropConnection(new Error('CONNECTION_FORCED'));
    await Promise.resolve();
    const next = new FakeModel();
    h.declarer.attach(next.session);
    await h.consumer.attach(next.session);
    await h.consumer.verify(next.session); // the watchdog leaves a paused consumer alone
    expect(h.consumer.state).toBe('paused');
    expect(next.consumerCountOf('emails')).toBe(0);
    await h.consumer.resume();
    expect(h.consumer.state).toBe('consuming');
    expect(next.consumerCountOf('emails')).toBe(1);
  });
});
