/*
 * deleteQueues: removes the queues a measurement created (Warren's Q and Q.dlq, or the plain
 * queue) over a short-lived amqplib connection. Best effort: a failed cleanup is reported, not thrown.
 */
import amqp from 'amqplib';

export async function deleteQueues(amqpUrl: string, queues: readonly string[]): Promise<void> {
  try {
    const connection = await amqp.connect(amqpUrl);
    try {
      for (const queue of queues) {
        const channel = await connection.createChannel();
        await channel.deleteQueue(queue).catch(() => undefined); // a missing queue closes the channel; nothing to delete
        await channel.close().catch(() => undefined);
      }
    } finally {
      await connection.close().catch(() => undefined);
    }
  } catch (error) {
    process.stderr.write(`bench: could not delete queues ${queues.join(', ')}: ${String(error)}\n`);
  }
}
