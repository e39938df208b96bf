import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import type { ConsumeOptions, Delivery, Driver } from '../../../src/driver/driver.js';
import { DeliveryLost } from '../../../src/errors/delivery-lost.js';
import { TypedEmitter } from '../../../src/events/typed-emitter.js';
import type { WarrenEventMap } from '../../../src/events/warren-events.js';
import { Job } from '../../../src/job/job-decorator.js';
import { JobRegistry } from '../../../src/job/job-registry.js';
import type { JobContext } from '../../../src/job/job-types.js';
import { createSilentLogger } from '../../../src/logging/logger.js';
import { encodeJob } from '../../../src/worker/encode-job.js';
import { PipelineWorker } from '../../../src/worker/pipeline-worker.js';
import { waitFor } from '../../fakes/worker-harness.js';

const runs: JobContext[] = [];
let release: () => void = () => undefined;

@Job('lost.job', { attempts: 3 })
class LostJob {
  async handle(_payload: unknown, ctx: JobContext) {
    runs.push(ctx);
    await new Promise<void>((resolve) => (release = resolve));
  }
}

/** A delivery of a channel whose loss is `lost`; records how it was settled. */
function delivery(registry: JobRegistry, id: string, lost: AbortSignal) {
  const message = encodeJob(registry.get('lost.job'), {}, { id });
  const settled: string[] = [];
  const value: Delivery = {
    body: message.body, properties: { ...message.properties, headers: message.properties.headers ?? {} }, redelivered: false, lost,
    ack: () => void settled.push('ack'), requeue: () => void settled.push('requeue'),
  };
  return { value, settled };
}

describe('PipelineWorker: deliveries lost with their channel', () => {
  it('drops waiting deliveries, aborts the running one with DeliveryLost and acts on none of their outcomes', async () => {
    const registry = new JobRegistry();
    registry.add(LostJob);
    const events = new TypedEmitter<WarrenEventMap>();
    const failed: unknown[] = [];
    events.on('job:failed', (payload) => failed.push(payload));
    let onDelivery: ConsumeOptions['onDelivery'] = () => undefined;
    const published: unknown[] = [];
    const driver = {
      name: 'fake', consume: async (_pipeline: string, options: ConsumeOptions) => ((onDelivery = options.onDelivery), { pipeline: 'work', isConsuming: true, cancel: async () => undefined }),
      publish: async (...args: unknown[]) => void published.push(args), deadLetter: async (...args: unknown[]) => void published.push(args),
    } as unknown as Driver;
    const worker = new PipelineWorker({ driver, registry, events, pipeline: 'work', concurrency: 1, prefetch: 10, logger: createSilentLogger(), random: () => 0.5 });
    await worker.start();

    const channel = new AbortController();
    const held = ['a', 'b', 'c'].map((id) => delivery(registry, id, channel.signal));
    for (const { value } of held) onDelivery(value);
    await waitFor(() => runs.length === 1, 'the first job to run');
    channel.abort('delivery-lost');
    expect(runs[0]?.signal.reason).toBeInstanceOf(DeliveryLost);
    expect(runs[0]?.signal.reason).toMatchObject({ code: 'WARREN_ERR_WORKER_DELIVERY_LOST', reason: 'delivery-lost' });
    release(); // the aborted handler returns; its success must not be acked on a dead channel
    await waitFor(() => worker.inFlight === 0, 'the worker to let go of the lost deliveries');
    expect(runs.map((ctx) => ctx.id)).toEqual(['a']);
    expect(held.map(({ settled }) => settled)).toEqual([[], [], []]);
    expect([failed, published]).toEqual([[], []]);

    // A delivery of the next channel runs as usual.
    const next = delivery(registry, 'd', new AbortController().signal);
    onDelivery(next.value);
    await waitFor(() => runs.length === 2, 'the next channel\'s job');
    release();
    await waitFor(() => next.settled.length === 1, 'its ack');
    expect(next.settled).toEqual(['ack']);
    await worker.stop({ timeoutMs: 100 });
  });
});
