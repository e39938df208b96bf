/*
 * BullMQ on the local Redis as a benchmark side: Queue.add per job (resolves once Redis stored
 * it), a Worker with the same no-op handler and concurrency, completed/failed jobs removed. Uses a
 * per-run key prefix and obliterates the queue on close.
 */
import { Queue, Worker } from 'bullmq';
import type { BenchPayload } from './bench-payload.js';
import type { BenchSide, SideSettings } from './bench-side.js';
import { reportHandled } from './handled-probe.js';

function redisConnection(redisUrl: string): { host: string; port: number } {
  const url = new URL(redisUrl);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

export async function openBullmqSide(settings: SideSettings): Promise<BenchSide> {
  const connection = redisConnection(settings.redisUrl);
  const prefix = `warren-bench-${settings.queue}`;
  const queue = new Queue(settings.queue, { connection, prefix });
  await queue.waitUntilReady();
  let worker: Worker | undefined;
  return {
    name: 'bullmq',
    async publish(payload) {
      await queue.add('bench.noop', payload, { removeOnComplete: true, removeOnFail: true });
    },
    async startConsumer() {
      worker = new Worker(settings.queue, async (job) => reportHandled(job.data as BenchPayload), {
        connection, prefix, concurrency: settings.concurrency,
      });
      await worker.waitUntilReady();
    },
    async close() {
      await worker?.close();
      await queue.obliterate({ force: true }).catch(() => undefined); // best effort cleanup
      await queue.close();
    },
  };
}
