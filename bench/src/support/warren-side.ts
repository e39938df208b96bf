/*
 * Warren as a benchmark side: Warren.fromConfig with pipeline `bench` on the amqp driver (or the
 * in-memory driver for the runtime's ceiling), `warren.dispatch(BenchNoopJob, payload)` to publish
 * and `warren.run()` to consume with the no-op @Job. Deletes its queues on close. Tracing is off (as in an app without
 * `@opentelemetry/api`) unless asked for (traced-side.ts).
 */
import '@warren/amqp';
import { Warren } from '@warren/core';
import { BenchNoopJob } from '../jobs/noop-job.js';
import type { BenchSide, SideSettings } from './bench-side.js';
import { deleteQueues } from './delete-queues.js';

export type WarrenDriverName = 'amqp' | 'memory';

/** The config object a user would write in warren.yaml for this measurement. */
export function benchWarrenConfig(settings: SideSettings, driver: WarrenDriverName, extra: { amqp?: Record<string, unknown> } = {}): object {
  const options = driver === 'amqp'
    ? { queue: settings.queue, prefetch: settings.prefetch, queue_type: 'classic' }
    : { queue: settings.queue };
  return {
    version: 1,
    ...(driver === 'amqp' ? { amqp: { urls: [settings.amqpUrl], connection_name: 'warren-bench', ...extra.amqp } } : {}),
    jobs: { consume: ['bench'], shutdown_timeout: '5s', pipelines: { bench: { driver, concurrency: settings.concurrency, options } } },
    http: { enabled: false },
    log: { level: 'error' },
  };
}

export async function openWarrenSide(settings: SideSettings, driver: WarrenDriverName = 'amqp', isTraced = false): Promise<BenchSide & { readonly warren: Warren }> {
  const warren = await Warren.fromConfig(benchWarrenConfig(settings, driver), { loadModules: false, tracing: isTraced });
  return {
    name: driver === 'amqp' ? (isTraced ? 'warren-otel' : 'warren') : (isTraced ? 'memory-otel' : 'memory'),
    warren,
    async publish(payload) {
      await warren.dispatch(BenchNoopJob, payload);
    },
    startConsumer: () => warren.run(),
    async close() {
      await warren.close({ timeoutMs: 5_000 });
      if (driver === 'amqp') await deleteQueues(settings.amqpUrl, [settings.queue, `${settings.queue}.dlq`]);
    },
  };
}
