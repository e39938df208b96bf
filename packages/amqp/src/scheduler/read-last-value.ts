/*
 * Reads the one message of a last-value queue (scheduler-queues.ts) without taking it: basic.get, then a nack
 * with requeue puts it back. A fresh channel per read, because a missing queue (404) closes the channel.
 */
import type { ChannelModel, GetMessage } from 'amqplib';
import { REPLY_NOT_FOUND, replyCodeOf } from '../amqp-reply-codes.js';

/** The message in `queue` (left in place), or undefined when the queue is empty or missing. */
export async function readLastValue(model: ChannelModel, queue: string): Promise<GetMessage | undefined> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined); // a 404 closes the channel; the rejected get reports it
  try {
    const message = await channel.get(queue, { noAck: false });
    if (message === false) return undefined;
    channel.nack(message, false, true);
    return message;
  } catch (error) {
    if (replyCodeOf(error) === REPLY_NOT_FOUND) return undefined;
    throw error;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** The number of consumers on `queue`, or 0 when it does not exist. */
export async function countConsumers(model: ChannelModel, queue: string): Promise<number> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  try {
    return (await channel.checkQueue(queue)).consumerCount;
  } catch (error) {
    if (replyCodeOf(error) === REPLY_NOT_FOUND) return 0;
    throw error;
  } finally {
    await channel.close().catch(() => undefined);
  }
}
