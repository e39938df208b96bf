/*
 * verifyPipelineTopology: what `warren doctor --connect` learns about a pipeline's queues (Q, Q.dlq) without
 * changing the broker. A passive declare tells whether a queue exists; only an existing queue is then declared
 * with the arguments `warren run` uses (a no-op when they match, 406 when they do not), so a missing queue is
 * reported, never created. Each check runs on its own channel: a 404 or a 406 closes the channel it happens on.
 */
import type { Channel, ChannelModel } from 'amqplib';
import { isWarrenError, type TopologyFinding } from '@warren/core';
import { REPLY_NOT_FOUND, replyCodeOf } from '../amqp-reply-codes.js';
import type { ResolvedPipelineOptions } from '../amqp-options.js';
import { declareError } from './topology-declarer.js';
import { deadLetterQueueArguments, deadLetterQueueName, mainQueueArguments } from './queue-names.js';

/** One finding per queue of the pipeline; rejects (coded) only when the broker cannot answer. */
export async function verifyPipelineTopology(model: ChannelModel, options: ResolvedPipelineOptions): Promise<TopologyFinding[]> {
  return [
    await verifyQueue(model, options.pipeline, options.queue, mainQueueArguments(options)),
    await verifyQueue(model, options.pipeline, deadLetterQueueName(options.queue), deadLetterQueueArguments(options)),
  ];
}

async function verifyQueue(model: ChannelModel, pipeline: string, queue: string, args: Record<string, unknown>): Promise<TopologyFinding> {
  const exists = await onOwnChannel(model, (channel) => channel.checkQueue(queue)).then(
    () => true,
    (error: unknown) => {
      if (replyCodeOf(error) === REPLY_NOT_FOUND) return false;
      throw declareError(queue, error);
    },
  );
  if (!exists) return { pipeline, queue, status: 'missing', detail: 'does not exist yet; warren run declares it' };
  try {
    await onOwnChannel(model, (channel) => channel.assertQueue(queue, { durable: true, arguments: args }));
    return { pipeline, queue, status: 'ok', detail: 'exists as declared' };
  } catch (error) {
    const wrapped = declareError(queue, error);
    if (!isWarrenError(wrapped, 'WARREN_ERR_AMQP_TOPOLOGY_MISMATCH')) throw wrapped;
    return { pipeline, queue, status: 'mismatch', detail: `${wrapped.message} (${wrapped.code})`, error: wrapped };
  }
}

async function onOwnChannel<T>(model: ChannelModel, use: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined); // a 404/406 also arrives as 'error'; use()'s rejection reports it
  try {
    return await use(channel);
  } finally {
    await channel.close().catch(() => undefined); // already closed by the broker after a 404/406
  }
}
