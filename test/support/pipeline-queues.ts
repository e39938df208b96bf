/*
 * A pipeline's queues in broker tests: unique names, and deleting all of them (Q, Q.dlq and a Q.delay.<step> for every
 * step of the delay ladder) over AMQP in one round of pipelined deletes, which takes milliseconds where a rabbitmqctl
 * call per queue takes seconds on a loaded machine. Deleting a queue that does not exist is not an error in RabbitMQ.
 */
import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import { DELAY_LADDER_MS, deadLetterQueueName, delayQueueName } from '../../packages/amqp/dist/index.js';
import { DEFAULT_TEST_AMQP_URL } from './require-broker.js';

export const TEST_AMQP_URL = process.env.WARREN_TEST_AMQP_URL ?? DEFAULT_TEST_AMQP_URL;

/** A queue name no other test uses: `<label>-<8 hex>`. */
export function uniqueQueueName(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** Every queue Warren may have declared for pipeline queue `queue`. */
export function pipelineQueueNames(queue: string): string[] {
  return [queue, deadLetterQueueName(queue), ...DELAY_LADDER_MS.map((stepMs) => delayQueueName(queue, stepMs))];
}

/** Deletes Q, Q.dlq and every possible Q.delay.<step> of each queue. */
export async function deletePipelineQueues(...queues: string[]): Promise<void> {
  const connection = await amqplib.connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    await Promise.all(queues.flatMap((queue) => pipelineQueueNames(queue).map((name) => channel.deleteQueue(name))));
  } finally {
    await connection.close();
  }
}

/** Runs `work` on a channel of a fresh connection, closed afterwards. */
export async function withRawChannel<T>(work: (channel: amqplib.Channel) => Promise<T>): Promise<T> {
  const connection = await amqplib.connect(TEST_AMQP_URL);
  try {
    return await work(await connection.createChannel());
  } finally {
    await connection.close();
  }
}
