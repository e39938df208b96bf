#!/usr/bin/env node
/*
 * Reproduces, with plain amqplib, the broker race behind the consumer watchdog's "sent nothing while messages wait"
 * check (packages/amqp/src/consumer/pipeline-consumer.ts, #isStarved): a consumer on Q, a publisher sending
 * mandatory messages to Q every 2 ms that re-declares Q when one comes back unroutable, and Q deleted from a third
 * connection. Usually the consumer gets basic.cancel; rarely (1 run in 30 here, 0 in 60 another time, RabbitMQ
 * 3.10.8) it gets nothing — no cancel, no delivery — while the broker counts a consumer on the new Q. Not part of
 * `pnpm test`. Usage: node scripts/repro-redeclare-race.mjs [runs=30] (AMQP_URL, default the local broker).
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const amqplib = createRequire(new URL('../packages/amqp/package.json', import.meta.url))('amqplib');
const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const runs = Number(process.argv[2] ?? 30);
const [consumeConnection, publishConnection, adminConnection] = await Promise.all([url, url, url].map((u) => amqplib.connect(u)));
let cancelled = 0;
let stuck = 0;
for (let run = 0; run < runs; run++) {
  const queue = `warren.repro-race.${process.pid}.${run}`;
  const admin = await adminConnection.createChannel();
  await admin.assertQueue(queue, { durable: true });
  const consumer = await consumeConnection.createChannel();
  await consumer.prefetch(20);
  let delivered = 0;
  let wasCancelled = false;
  await consumer.consume(queue, (message) => {
    if (message === null) wasCancelled = true;
    else {
      delivered++;
      setImmediate(() => consumer.ack(message));
    }
  });
  const publisher = await publishConnection.createConfirmChannel();
  publisher.on('return', () => publisher.assertQueue(queue, { durable: true }).catch(() => undefined));
  let publishing = true;
  const producer = (async () => {
    while (publishing) {
      publisher.publish('', queue, Buffer.from('x'), { persistent: true, mandatory: true });
      await sleep(2);
    }
  })();
  await sleep(200);
  await admin.deleteQueue(queue);
  await sleep(300);
  const deliveredBefore = delivered;
  await sleep(1_500);
  const counts = await admin.checkQueue(queue).catch(() => undefined);
  publishing = false;
  await producer;
  if (wasCancelled) cancelled++;
  else if (delivered === deliveredBefore && counts && counts.messageCount > 0) {
    stuck++;
    console.log(`run ${run}: no basic.cancel, nothing delivered for 1.5 s; the broker says`, counts);
  }
  await admin.deleteQueue(queue).catch(() => undefined);
  await Promise.all([consumer, publisher, admin].map((channel) => channel.close().catch(() => undefined)));
}
console.log(`${runs} runs: ${cancelled} cancelled as expected, ${stuck} stuck`);
await Promise.all([consumeConnection, publishConnection, adminConnection].map((connection) => connection.close()));
