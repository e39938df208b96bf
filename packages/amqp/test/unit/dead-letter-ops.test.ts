import type { ChannelModel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import type { WireMessage } from '@warren/core';
import { replayDeadLetters } from '../../src/dead-letter-ops.js';

/** One queue as RabbitMQ keeps it for basic.get: ready messages in order, unacked ones held by tag. */
class DeadLetterQueue {
  readonly ready: string[];
  readonly unacked = new Map<number, string>();
  #nextTag = 1;

  constructor(ids: readonly string[]) {
    this.ready = [...ids];
  }

  /** A ChannelModel whose channels serve this queue (checkQueue counts ready messages, as RabbitMQ does). */
  model(): ChannelModel {
    const channel = {
      on: () => channel,
      checkQueue: async () => ({ messageCount: this.ready.length, consumerCount: 0 }),
      get: async () => {
        const id = this.ready.shift();
        if (id === undefined) return false;
        const deliveryTag = this.#nextTag++;
        this.unacked.set(deliveryTag, id);
        return { content: Buffer.from('{}'), fields: { deliveryTag }, properties: { messageId: id, headers: {} } };
      },
      ack: (message: { fields: { deliveryTag: number } }) => void this.unacked.delete(message.fields.deliveryTag),
      nack: (message: { fields: { deliveryTag: number } }) => {
        const id = this.unacked.get(message.fields.deliveryTag);
        this.unacked.delete(message.fields.deliveryTag);
        if (id !== undefined) this.ready.unshift(id);
      },
      close: async () => undefined,
    };
    return { createChannel: async () => channel } as unknown as ChannelModel;
  }
}

describe('replayDeadLetters', () => {
  it('takes at most what Q.dlq held when it started, even when every replay is dead-lettered again at once', async () => {
    const dlq = new DeadLetterQueue(['a', 'b', 'c']);
    const replayed: string[] = [];
    // A worker that fails each replayed job at once: its dead letter is back in Q.dlq before the next get.
    const republish = async (message: WireMessage) => {
      replayed.push(message.properties.messageId);
      dlq.ready.push(`${message.properties.messageId}'`);
    };
    const moved = await replayDeadLetters(dlq.model(), 'q.dlq', Number.MAX_SAFE_INTEGER, republish);
    expect(moved).toBe(3);
    expect(replayed).toEqual(['a', 'b', 'c']);
    expect(dlq.ready).toEqual(["a'", "b'", "c'"]);
  });

  it('takes fewer when the limit is lower, and none from an empty queue', async () => {
    const dlq = new DeadLetterQueue(['a', 'b', 'c']);
    expect(await replayDeadLetters(dlq.model(), 'q.dlq', 2, async () => undefined)).toBe(2);
    expect(dlq.ready).toEqual(['c']);
    expect(await replayDeadLetters(new DeadLetterQueue([]).model(), 'q.dlq', 10, async () => undefined)).toBe(0);
  });

  it('puts a dead letter back when its republish fails, and rejects with that error', async () => {
    const dlq = new DeadLetterQueue(['a', 'b']);
    const refused = new Error('the broker refused it');
    await expect(replayDeadLetters(dlq.model(), 'q.dlq', 10, async () => Promise.reject(refused))).rejects.toBe(refused);
    expect(dlq.ready).toEqual(['a', 'b']);
    expect(dlq.unacked.size).toBe(0);
  });
});
