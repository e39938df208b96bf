/*
 * The plain amqplib baseline, written as well as amqplib allows: one connection, a confirm channel
 * with persistent messages and per-message confirm callbacks (respecting 'drain'), and a consumer
 * channel with prefetch and manual ack after the (no-op) handler. No reconnects: that is Warren's job.
 */
import amqp from 'amqplib';
import type { BenchPayload } from './bench-payload.js';
import type { BenchSide, SideSettings } from './bench-side.js';
import { reportHandled } from './handled-probe.js';

/** The no-op handler, async like a real one. */
async function noopHandler(payload: BenchPayload): Promise<void> {
  reportHandled(payload);
}

export async function openAmqplibSide(settings: SideSettings): Promise<BenchSide> {
  const connection = await amqp.connect(settings.amqpUrl, { clientProperties: { connection_name: 'warren-bench-amqplib' } });
  const publisher = await connection.createConfirmChannel();
  const consumer = await connection.createChannel();
  const { queue } = settings;
  await publisher.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
  let drained: Promise<void> | undefined;
  publisher.on('drain', () => (drained = undefined));
  let consumerTag: string | undefined;

  return {
    name: 'amqplib',
    async publish(payload) {
      while (drained) await drained;
      await new Promise<void>((resolve, reject) => {
        const body = Buffer.from(JSON.stringify(payload));
        const isWritable = publisher.publish('', queue, body, { persistent: true, contentType: 'application/json' }, (error) => (error ? reject(error) : resolve()));
        if (!isWritable && !drained) drained = new Promise((resume) => publisher.once('drain', () => resume()));
      });
    },
    async startConsumer() {
      await consumer.prefetch(settings.prefetch);
      const ok = await consumer.consume(queue, (message) => {
        if (!message) return;
        noopHandler(JSON.parse(message.content.toString('utf8')) as BenchPayload).then(
          () => consumer.ack(message),
          () => consumer.nack(message, false, true),
        );
      });
      consumerTag = ok.consumerTag;
    },
    async close() {
      if (consumerTag) await consumer.cancel(consumerTag);
      await publisher.deleteQueue(queue).catch(() => undefined); // best effort: the run goes on
      await connection.close().catch(() => undefined);
    },
  };
}
