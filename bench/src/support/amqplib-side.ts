/*
 * The plain amqplib baseline, written as well as amqplib allows: one connection (TCP_NODELAY), a confirm channel
 * with persistent messages and per-message confirm callbacks (respecting 'drain'), and a consumer
 * channel with prefetch and manual ack after the (no-op) handler. No reconnects: that is Warren's job.
 * Wire 'warren' sends and reads Warren's wire format instead of bare JSON (same-wire-format.ts).
 */
import amqp, { type ConsumeMessage } from 'amqplib';
import type { BenchPayload } from './bench-payload.js';
import type { BenchSide, SideSettings } from './bench-side.js';
import { reportHandled } from './handled-probe.js';
import { BENCH_JOB_TYPE, decodeSameWire, sameWirePublishOptions } from './same-wire-format.js';

/** 'bare': persistent JSON only; 'warren': every property, header and the mandatory flag Warren sends. */
export type AmqplibWire = 'bare' | 'warren';

function payloadOf(message: ConsumeMessage, wire: AmqplibWire): BenchPayload {
  if (wire === 'bare') return JSON.parse(message.content.toString('utf8')) as BenchPayload;
  const decoded = decodeSameWire(message);
  if (decoded.type !== BENCH_JOB_TYPE) throw new Error(`unknown job type ${decoded.type}`);
  return decoded.payload as BenchPayload;
}

/** The no-op handler, async like a real one. */
async function noopHandler(payload: BenchPayload): Promise<void> {
  reportHandled(payload);
}

export async function openAmqplibSide(settings: SideSettings, wire: AmqplibWire = 'bare'): Promise<BenchSide> {
  // noDelay as Warren's dialer sets it: with Nagle on, a publish written while the previous ack is
  // unacknowledged waits for the broker's delayed ACK (~40 ms stalls in the latency measurement).
  const connection = await amqp.connect(settings.amqpUrl, { noDelay: true, clientProperties: { connection_name: `warren-bench-amqplib-${wire}` } });
  // Without a listener amqplib throws a connection error (another user of a shared broker closing connections) out of
  // the process; with one, only this measurement fails (its publishes reject, its wait times out).
  connection.on('error', (error: Error) => process.stderr.write(`bench: amqplib (${wire}) connection error: ${error.message}\n`));
  const publisher = await connection.createConfirmChannel();
  const consumer = await connection.createChannel();
  const { queue } = settings;
  await publisher.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
  let drained: Promise<void> | undefined;
  publisher.on('drain', () => (drained = undefined));
  // Mandatory publishes: like Warren, notice a message the broker could not route (never expected here).
  publisher.on('return', () => process.stderr.write('bench: amqplib (same wire format): a message was returned unroutable\n'));
  let consumerTag: string | undefined;

  return {
    name: wire === 'bare' ? 'amqplib' : 'amqplib-wire',
    async publish(payload) {
      while (drained) await drained;
      await new Promise<void>((resolve, reject) => {
        const body = Buffer.from(JSON.stringify(payload));
        const options = wire === 'bare' ? { persistent: true, contentType: 'application/json' } : sameWirePublishOptions();
        const isWritable = publisher.publish('', queue, body, options, (error) => (error ? reject(error) : resolve()));
        if (!isWritable && !drained) drained = new Promise((resume) => publisher.once('drain', () => resume()));
      });
    },
    async startConsumer() {
      await consumer.prefetch(settings.prefetch);
      const ok = await consumer.consume(queue, (message) => {
        if (!message) return;
        let payload: BenchPayload;
        try {
          payload = payloadOf(message, wire);
        } catch {
          consumer.nack(message, false, false);
          return;
        }
        noopHandler(payload).then(
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
