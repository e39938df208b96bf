/*
 * amqp-connection-manager (the usual reconnecting wrapper around amqplib) as a peer benchmark side, with the
 * bare baseline's settings: one connection (TCP_NODELAY), a confirm ChannelWrapper whose publish resolves on
 * the broker's confirm, persistent JSON messages, and a consumer ChannelWrapper with prefetch and manual ack
 * after the (no-op) handler. Its queueing and reconnects are what it adds over bare amqplib.
 */
import amqpConnectionManager from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { BenchPayload } from './bench-payload.js';
import type { BenchSide, SideSettings } from './bench-side.js';
import { reportHandled } from './handled-probe.js';

/** The no-op handler, async like a real one. */
async function noopHandler(payload: BenchPayload): Promise<void> {
  reportHandled(payload);
}

export async function openAcmSide(settings: SideSettings): Promise<BenchSide> {
  const manager = amqpConnectionManager.connect([settings.amqpUrl], {
    connectionOptions: { noDelay: true, clientProperties: { connection_name: 'warren-bench-acm' } },
  });
  const { queue } = settings;
  const declare = async (channel: ConfirmChannel): Promise<void> => {
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
  };
  const publisher = manager.createChannel({ name: 'publish', confirm: true, json: false, setup: declare });
  const consumer = manager.createChannel({ name: 'consume', confirm: false, json: false, setup: declare });
  await Promise.all([publisher.waitForConnect(), consumer.waitForConnect()]);
  let consumerTag: string | undefined;

  return {
    name: 'acm',
    async publish(payload) {
      await publisher.sendToQueue(queue, Buffer.from(JSON.stringify(payload)), { persistent: true, contentType: 'application/json' });
    },
    async startConsumer() {
      const ok = await consumer.consume(queue, (message: ConsumeMessage) => {
        let payload: BenchPayload;
        try {
          payload = JSON.parse(message.content.toString('utf8')) as BenchPayload;
        } catch {
          consumer.nack(message, false, false);
          return;
        }
        noopHandler(payload).then(
          () => consumer.ack(message),
          () => consumer.nack(message, false, true),
        );
      }, { prefetch: settings.prefetch });
      consumerTag = ok.consumerTag;
    },
    async close() {
      if (consumerTag) await consumer.cancel(consumerTag).catch(() => undefined);
      await publisher.deleteQueue(queue).catch(() => undefined); // best effort: the run goes on
      await consumer.close().catch(() => undefined);
      await publisher.close().catch(() => undefined);
      await manager.close().catch(() => undefined);
    },
  };
}
