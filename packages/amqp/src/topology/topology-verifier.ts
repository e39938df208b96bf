/*
 * verifyPipelineTopology: what `warren doctor --connect` learns about a pipeline's queues (Q, Q.dlq) without
 * changing the broker. A passive declare tells whether a queue exists; only an existing queue is then declared
 * with the arguments `warren run` uses (a no-op when they match, 406 when they do not), so a missing queue is
 * reported, never created. Each check runs on its own channel: a 404, 405 or 406 closes the channel it happens on.
 * Not atomic: a queue deleted between the two checks would be re-created by the second, and that declare renews
 * an x-expires lease; AMQP offers no read-only way to compare arguments (the management API would).
 */
import type { Channel, ChannelModel } from 'amqplib';
import { isWarrenError, type TopologyFinding } from '@warren/core';
import { amqpError } from '../errors.js';
import { REPLY_ACCESS_REFUSED, REPLY_NOT_FOUND, REPLY_RESOURCE_LOCKED, replyCodeOf } from '../amqp-reply-codes.js';
import type { ResolvedPipelineOptions } from '../amqp-options.js';
import { declareError } from './topology-declarer.js';
import { deadLetterQueueArguments, deadLetterQueueName, mainQueueArguments } from './queue-names.js';

/** One finding per queue of the pipeline; rejects (coded) only when the broker does not answer a check. */
export async function verifyPipelineTopology(model: ChannelModel, options: ResolvedPipelineOptions): Promise<TopologyFinding[]> {
  return [
    await verifyQueue(model, options.pipeline, options.queue, mainQueueArguments(options)),
    await verifyQueue(model, options.pipeline, deadLetterQueueName(options.queue), deadLetterQueueArguments(options)),
  ];
}

async function verifyQueue(model: ChannelModel, pipeline: string, queue: string, args: Record<string, unknown>): Promise<TopologyFinding> {
  try {
    await onOwnChannel(model, (channel) => channel.checkQueue(queue));
  } catch (error) {
    if (replyCodeOf(error) === REPLY_NOT_FOUND) return { pipeline, queue, status: 'missing', detail: 'does not exist yet; warren run declares it' };
    return unusableOrThrow(pipeline, queue, error);
  }
  try {
    await onOwnChannel(model, (channel) => channel.assertQueue(queue, { durable: true, arguments: args }));
    return { pipeline, queue, status: 'ok', detail: 'exists as declared' };
  } catch (error) {
    const wrapped = declareError(queue, error);
    if (isWarrenError(wrapped, 'WARREN_ERR_AMQP_TOPOLOGY_MISMATCH')) {
      return { pipeline, queue, status: 'mismatch', detail: `${wrapped.message} (${wrapped.code}); fix: ${wrapped.hint}`, error: wrapped };
    }
    return unusableOrThrow(pipeline, queue, error);
  }
}

/** 405 (exclusive to another connection) and 403 (no permission) are findings about the queue; anything else means no answer. */
function unusableOrThrow(pipeline: string, queue: string, error: unknown): TopologyFinding {
  const code = replyCodeOf(error);
  const text = error instanceof Error ? error.message : String(error);
  if (code === REPLY_RESOURCE_LOCKED) {
    return { pipeline, queue, status: 'unusable', detail: `exists as an exclusive queue of another connection (405); warren run cannot use it`, error };
  }
  if (code === REPLY_ACCESS_REFUSED) return { pipeline, queue, status: 'unusable', detail: `access refused for this user (403): ${text}`, error };
  throw amqpError('WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE', `checking queue "${queue}" failed: ${text}`, { cause: error, details: { queue } });
}

async function onOwnChannel<T>(model: ChannelModel, use: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined); // a 404/405/406 also arrives as 'error'; use()'s rejection reports it
  try {
    return await use(channel);
  } finally {
    await channel.close().catch(() => undefined); // already closed by the broker after a 404/405/406
  }
}
