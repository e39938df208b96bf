/*
 * `pnpm bench:soak [--minutes N] [--rate N/s] [--outage-ms N] [--interval-s N]`: jobs flow through a
 * Warren worker at a steady rate while the broker is disrupted every interval (default a minute),
 * alternating close_all_connections and a stop_app/start_app outage. Reports sent, handled, lost, duplicates, worst recovery and RSS growth;
 * exits 1 on any loss. The broker is ALWAYS restored (finally, signal and exit handlers).
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { installBrokerGuard, restoreBroker } from './support/broker-control.js';
import { appOutage, forcedClose, type DisruptionResult } from './support/disruptions.js';
import { HandledTracker } from './support/handled-tracker.js';
import { checkLosses } from './support/loss-check.js';
import { SteadyProducer } from './support/steady-producer.js';
import { openWarrenSide } from './support/warren-side.js';

const rssMb = (): number => process.memoryUsage.rss() / (1024 * 1024);
const log = (message: string): void => void process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: {
    minutes: { type: 'string' }, rate: { type: 'string' }, 'outage-ms': { type: 'string' }, 'interval-s': { type: 'string' },
  } });
  const minutes = Number(values.minutes ?? 5);
  const ratePerSec = Number(values.rate ?? 200);
  const outageMs = Number(values['outage-ms'] ?? 6_000);
  const intervalMs = Number(values['interval-s'] ?? 60) * 1_000;
  if (!(minutes > 0) || !(ratePerSec > 0) || !(outageMs > 0) || !(intervalMs > 0)) throw new Error('--minutes, --rate, --outage-ms and --interval-s must be positive numbers');
  installBrokerGuard();
  const queue = `warren-bench-soak-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const side = await openWarrenSide({ amqpUrl: 'amqp://guest:guest@127.0.0.1:5672', redisUrl: '', queue, prefetch: 100, concurrency: 100 });
  const tracker = new HandledTracker().listen();
  const producer = new SteadyProducer(side, ratePerSec);
  const disruptions: DisruptionResult[] = [];
  try {
    await side.startConsumer();
    producer.start();
    await sleep(5_000);
    const startRssMb = rssMb();
    const endAtMs = Date.now() + minutes * 60_000;
    let next = Date.now() + intervalMs;
    while (next <= endAtMs) {
      await sleep(next - Date.now());
      const result = disruptions.length % 2 === 0
        ? await forcedClose(side.warren, tracker, producer)
        : await appOutage(tracker, producer, outageMs);
      disruptions.push(result);
      log(`${result.kind}: recovered in ${Math.round(result.recoveryMs)} ms, ${result.rejected} dispatches rejected; sent ${producer.sent}, handled ${tracker.handled}, RSS ${rssMb().toFixed(1)} MB`);
      next += intervalMs;
    }
    await sleep(Math.max(0, endAtMs - Date.now()));
    await producer.stop();
    const losses = await checkLosses(tracker, producer.confirmed, 60_000);
    const worst = disruptions.reduce((max, d) => Math.max(max, d.recoveryMs), 0);
    const report = {
      minutes, ratePerSec, sent: producer.sent, confirmed: producer.confirmed.size, rejected: producer.rejections.length,
      handled: tracker.handled, lost: losses.lost, lostExamples: losses.lostSeqs, duplicates: losses.duplicates,
      disruptions: disruptions.length, worstRecoveryMs: Math.round(worst),
      rssStartMb: Number(startRssMb.toFixed(1)), rssEndMb: Number(rssMb().toFixed(1)), rssGrowthMb: Number((rssMb() - startRssMb).toFixed(1)),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(losses.lost > 0 ? `LOST ${losses.lost} jobs\n` : 'no job lost\n');
    return losses.lost > 0 ? 1 : 0;
  } finally {
    await producer.stop();
    await restoreBroker().catch((error: unknown) => log(`could not restore the broker: ${String(error)}`));
    await side.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: ${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(2);
  },
);
