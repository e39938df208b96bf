/*
 * Operator operations on a pipeline's queues: counts (inspect), and peek/replay/purge of Q.dlq.
 * Each runs on a short-lived channel of its own so that its unacked gets never mix with consumers.
 * Publishing the replayed copy is the publisher's job (confirmed before the dead letter is acked).
 */
import type { Channel, ChannelModel, GetMessage } from 'amqplib';
import type { PipelineStats, WireMessage } from '@warren/core';
import { amqpError } from './errors.js';
import { declareError } from './topology/topology-declarer.js';
import { toWireProperties } from './publisher/message-properties.js';
import { withBrokerDeadReason } from './topology/broker-dead-letter.js';
import { delayOfQueue } from './topology/delay-queue-census.js';

/** Passive declares of delay queues in flight at once during inspect (each on its own short-lived channel). */
const DELAY_CHECKS_AT_ONCE = 16;

async function withChannel<T>(model: ChannelModel | undefined, work: (channel: Channel) => Promise<T>): Promise<T> {
  if (!model) throw amqpError('WARREN_ERR_AMQP_CONN_UNAVAILABLE', 'not connected to RabbitMQ');
  const channel = await model.createChannel();
  channel.on('error', () => undefined); // the failing operation rejects with the same error
  try {
    return await work(channel);
  } finally {
    await channel.close().catch(() => undefined); // closed by an error already
  }
}

function toWireMessage(message: GetMessage): WireMessage {
  return { body: message.content, properties: toWireProperties(message.properties) };
}

/** Message and consumer counts of Q, Q.dlq and the given delay queues (those that exist, each and summed). */
export async function inspectQueues(
  model: ChannelModel | undefined, pipeline: string, queue: string, dlq: string, delayQueues: readonly string[],
): Promise<PipelineStats> {
  const main = await withChannel(model, (channel) => channel.checkQueue(queue).catch((error: unknown) => Promise.reject(declareError(queue, error))));
  const dead = await withChannel(model, (channel) => channel.checkQueue(dlq).then((ok) => ok.messageCount, () => undefined));
  const existing: Array<{ queue: string; delayMs: number; messages: number }> = [];
  // A scan checks every step of the delay ladder (~170 queues), so several checks run at once. A missing (expired)
  // delay queue is simply absent: its 404 closes the channel, so each check has its own.
  let next = 0;
  const checkNext = async (): Promise<void> => {
    for (let name = delayQueues[next++]; name !== undefined; name = delayQueues[next++]) {
      const queueName = name;
      const messages = await withChannel(model, (channel) => channel.checkQueue(queueName).then((ok) => ok.messageCount, () => undefined));
      if (messages !== undefined) existing.push({ queue: queueName, delayMs: delayOfQueue(queue, queueName) ?? 0, messages });
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELAY_CHECKS_AT_ONCE, delayQueues.length) }, checkNext));
  existing.sort((a, b) => a.delayMs - b.delayMs);
  const delayed = existing.reduce((sum, entry) => sum + entry.messages, 0);
  return { pipeline, ready: main.messageCount, unacked: undefined, consumers: main.consumerCount, delayed, deadLettered: dead, delayQueues: existing };
}

/**
 * Up to `limit` dead letters, oldest first; all are returned to the queue (nack requeue) at the end. What the broker
 * dead-lettered reads as reason `broker:<x-death reason>` (broker-dead-letter.ts).
 */
export async function peekDeadLetters(model: ChannelModel | undefined, dlq: string, limit: number): Promise<WireMessage[]> {
  return withChannel(model, async (channel) => {
    const messages: WireMessage[] = [];
    let last: GetMessage | undefined;
    while (messages.length < limit) {
      const message = await channel.get(dlq, { noAck: false });
      if (message === false) break;
      last = message;
      messages.push(withBrokerDeadReason(toWireMessage(message)));
    }
    // One multiple-nack puts them all back, in their original order.
    if (last) channel.nack(last, true, true);
    return messages;
  });
}

/**
 * Moves up to `limit` dead letters through `republish` (which resolves on confirm), acking each after. Takes at most
 * the messages Q.dlq held when it started: a replayed job that fails again is dead-lettered behind them, and
 * taking it again would never end while a worker keeps failing it.
 */
export async function replayDeadLetters(
  model: ChannelModel | undefined, dlq: string, limit: number, republish: (message: WireMessage) => Promise<void>,
): Promise<number> {
  return withChannel(model, async (channel) => {
    const { messageCount } = await channel.checkQueue(dlq);
    const bound = Math.min(limit, messageCount);
    let moved = 0;
    while (moved < bound) {
      const message = await channel.get(dlq, { noAck: false });
      if (message === false) break;
      try {
        await republish(toWireMessage(message));
      } catch (error) {
        channel.nack(message, false, true);
        throw error;
      }
      channel.ack(message);
      moved++;
    }
    return moved;
  });
}

/** Deletes every message of Q.dlq; returns how many. */
export async function purgeDeadLetters(model: ChannelModel | undefined, dlq: string): Promise<number> {
  return withChannel(model, async (channel) => (await channel.purgeQueue(dlq)).messageCount);
}
