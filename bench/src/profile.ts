/*
 * `node --cpu-prof bench/dist/profile.js <side> [jobs]`: one end-to-end measurement of one side in
 * its own process, for CPU profiles of the hot path (see bench/PERF-NOTES.md). Side:
 * amqplib | amqplib-wire | acm | warren | memory | bullmq.
 */
import 'reflect-metadata';
import { measureEndToEnd } from './scenarios/throughput.js';
import type { SideName } from './support/bench-side.js';
import { openSide } from './support/open-side.js';

const side = (process.argv[2] ?? 'warren') as SideName;
const jobs = Number(process.argv[3] ?? 20_000);
const opened = await openSide(side, {
  amqpUrl: 'amqp://guest:guest@127.0.0.1:5672', redisUrl: 'redis://127.0.0.1:6379',
  queue: `warren-bench-profile-${side}-${Date.now().toString(36)}`, prefetch: 100, concurrency: 100,
});
try {
  const perSec = await measureEndToEnd(opened, { jobs, window: 1_000, timeoutMs: 300_000 });
  process.stdout.write(`${side}: ${Math.round(perSec)} msg/s end to end (${jobs} jobs)\n`);
} finally {
  await opened.close();
}
