/*
 * The publish fast path on the real broker: publishes encoded by Warren (batched per turn) and publishes left to
 * amqplib (shapes the fast path does not take) interleave on one confirm channel; every one is confirmed under
 * the delivery tag the ConfirmTracker gave it, arrives in order with the properties amqplib reads back, and a
 * batch pending when its channel closes is dropped (the tracker re-sends it) without an error. Also: the pinned
 * amqplib passes amqplib-internals.ts's check on a live connection and confirm channel (nothing differs).
 */
import { randomUUID } from 'node:crypto';
import amqplib, { type ConfirmChannel } from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger, type HeaderValue, type WireMessage } from '../support/warren-packages.js';
import { PublishWriter } from '../../packages/amqp/dist/publisher/publish-writer.js';
import { AmqplibInternals } from '../../packages/amqp/dist/connection/amqplib-internals.js';

const URL = process.env.WARREN_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function openChannel(): Promise<{ model: amqplib.ChannelModel; channel: ConfirmChannel; queue: string }> {
  const model = await amqplib.connect(URL);
  const channel = await model.createConfirmChannel();
  const queue = `warren-writer-${randomUUID().slice(0, 8)}`;
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
  cleanups.push(async () => {
    const admin = await model.createChannel().catch(() => undefined);
    await admin?.deleteQueue(queue).catch(() => undefined);
    await model.close().catch(() => undefined);
  });
  return { model, channel, queue };
}

function message(seq: number, headers: Record<string, HeaderValue> = {}): WireMessage {
  return {
    body: Buffer.from(JSON.stringify({ seq })),
    properties: {
      messageId: `m-${seq}`, type: 'writer.test', timestampMs: 1_795_618_326_000 + seq * 1000, contentType: 'application/json',
      contentEncoding: 'utf-8', headers: { 'x-warren-attempt': 1, 'x-warren-enqueued-at': new Date(1_795_618_326_000).toISOString(), ...headers },
      ...(seq % 5 === 0 ? { priority: seq % 10 } : {}),
    },
  };
}

/** Resolves with the acked delivery tags once `count` publishes are confirmed; rejects on a nack. */
function confirmsOf(channel: ConfirmChannel, count: number): Promise<number> {
  let confirmed = 0;
  return new Promise((resolve, reject) => {
    channel.on('nack', () => reject(new Error('nacked')));
    channel.on('ack', ({ deliveryTag, multiple }: { deliveryTag: number; multiple: boolean }) => {
      confirmed = multiple ? deliveryTag : confirmed + 1;
      if (confirmed >= count) resolve(deliveryTag);
    });
  });
}

describe('PublishWriter on a real broker', () => {
  it('interleaves fast-path and amqplib publishes in tag order, all confirmed, properties intact', async () => {
    const { model, channel, queue } = await openChannel();
    const internals = new AmqplibInternals(); // a judge of its own: this test sees the real version and classes
    expect(internals.canGuard(model)).toBe(true);
    expect(internals.judgeConfirmChannel(channel, createSilentLogger())).toEqual({ fastPath: true, guard: true, differences: [] });
    const writer = new PublishWriter(channel, () => undefined, true);
    expect(writer.isFastPath).toBe(true);

    const total = 600;
    const confirmed = confirmsOf(channel, total);
    for (let seq = 1; seq <= total; seq++) {
      // Every 7th has a fractional header: amqplib encodes it (as a double), after the pending batch.
      writer.publish(queue, message(seq, seq % 7 === 0 ? { ratio: seq / 7 + 0.5 } : { 'x-seq': seq }));
      if (seq % 100 === 0) await new Promise((resolve) => setImmediate(resolve)); // several turns, several batches
    }
    expect(await confirmed).toBe(total);

    const consumer = await model.createChannel();
    const received: amqplib.GetMessage[] = [];
    for (;;) {
      const got = await consumer.get(queue, { noAck: true });
      if (got === false) break;
      received.push(got);
    }
    expect(received.map((m) => JSON.parse(m.content.toString()).seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    for (const got of received.filter((_, i) => i % 35 === 0)) {
      const seq = JSON.parse(got.content.toString()).seq as number;
      const sent = message(seq).properties;
      expect(got.properties).toMatchObject({
        messageId: sent.messageId, type: 'writer.test', timestamp: Math.floor(sent.timestampMs / 1000), contentType: 'application/json',
        contentEncoding: 'utf-8', deliveryMode: 2, priority: sent.priority,
        headers: { 'x-warren-attempt': 1, 'x-warren-enqueued-at': '2026-11-25T14:52:06.000Z', ...(seq % 7 === 0 ? { ratio: seq / 7 + 0.5 } : { 'x-seq': seq }) },
      });
    }
  });

  it('drops a batch whose channel closed before it was written, without an error', async () => {
    const { model, channel, queue } = await openChannel();
    const writer = new PublishWriter(channel, () => undefined, true);
    const errors: unknown[] = [];
    channel.on('error', (error) => errors.push(error));
    const closed = channel.close();
    // amqplib now treats the channel as closing: the writer neither writes nor throws for what it had pending.
    expect(() => writer.publish(queue, message(1))).toThrow(/Channel closing/);
    await closed;
    expect(() => writer.publish(queue, message(2))).toThrow(/Channel closed/);

    const second = await model.createConfirmChannel();
    second.on('error', (error) => errors.push(error));
    const secondWriter = new PublishWriter(second, () => undefined, true);
    secondWriter.publish(queue, message(3)); // pending until the microtask...
    const closing = second.close(); // ...but the channel starts closing first
    await closing;
    expect(errors).toEqual([]);
    const admin = await model.createChannel();
    expect((await admin.checkQueue(queue)).messageCount).toBe(0);
  });
});
