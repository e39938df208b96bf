import 'reflect-metadata';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isWarrenError } from '../../../src/errors/warren-error.js';
import { MemoryDriver } from '../../../src/drivers/memory/memory-driver.js';
import { TypedEmitter } from '../../../src/events/typed-emitter.js';
import type { WarrenEventMap } from '../../../src/events/warren-events.js';
import { Job } from '../../../src/job/job-decorator.js';
import { JobRegistry } from '../../../src/job/job-registry.js';
import type { JobContext } from '../../../src/job/job-types.js';
import { createSilentLogger } from '../../../src/logging/logger.js';
import { PipelineWorker } from '../../../src/worker/pipeline-worker.js';
import { PIPELINE, startWorker, waitFor, type WorkerHarness } from '../../fakes/worker-harness.js';

/** Each handler waits until the test releases it (or forever). */
const releases: Array<() => void> = [];
const contexts: JobContext[] = [];

@Job('lifecycle.gated')
class GatedJob {
  handle(_payload: unknown, ctx: JobContext) {
    contexts.push(ctx);
    return new Promise<void>((resolve) => releases.push(resolve));
  }
}

/** A schema whose (async) validation waits until the test releases it. */
const validations: Array<() => void> = [];
const gatedSchema: StandardSchemaV1<unknown, unknown> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) => new Promise((resolve) => validations.push(() => resolve({ value }))),
  },
};

@Job('lifecycle.validated', { schema: gatedSchema, timeout: '1m' })
class ValidatedJob {
  handle(_payload: unknown, ctx: JobContext) {
    contexts.push(ctx);
  }
}

let harness: WorkerHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  vi.useRealTimers();
  releases.length = 0;
  validations.length = 0;
  contexts.length = 0;
});

function bareWorker(driver = new MemoryDriver()) {
  return new PipelineWorker({
    driver, registry: new JobRegistry(), pipeline: PIPELINE, concurrency: 1, logger: createSilentLogger(), events: new TypedEmitter<WarrenEventMap>(),
  });
}

describe('PipelineWorker lifecycle', () => {
  it('drains in-flight jobs on stop, acks them, and moves through every state', async () => {
    harness = await startWorker({ jobs: [GatedJob], concurrency: 2 });
    await harness.dispatch('lifecycle.gated', {});
    await waitFor(() => releases.length === 1, 'the handler to start');
    expect(harness.worker.isConsuming).toBe(true);
    const stopping = harness.worker.stop({ timeoutMs: 60_000 });
    expect(harness.worker.stop()).toBe(stopping);
    await waitFor(() => harness!.worker.state === 'draining', 'draining');
    expect(harness.worker.isConsuming).toBe(false);
    releases[0]!();
    await stopping;
    expect(harness.worker.state).toBe('stopped');
    expect(harness.eventsOf('job:succeeded')).toHaveLength(1);
    expect(harness.eventsOf('worker:state').map((e) => `${e.from}->${e.to}`)).toEqual([
      'initialized->running', 'running->stopping', 'stopping->draining', 'draining->stopped',
    ]);
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 0, unacked: 0, consumers: 0 });
  });

  it('after the stop timeout aborts and requeues what is left, and ignores late results', async () => {
    vi.useFakeTimers();
    harness = await startWorker({ jobs: [GatedJob], concurrency: 1, prefetch: 3 });
    for (const n of [1, 2, 3]) await harness.dispatch('lifecycle.gated', { n });
    await waitFor(() => harness!.worker.inFlight === 3 && releases.length === 1, 'one running and two waiting locally');
    expect(harness.worker.activeJobs).toBe(1);
    const stopping = harness.worker.stop({ timeoutMs: 5_000 });
    await waitFor(() => harness!.worker.state === 'draining', 'draining');
    // The two that never started go back at once; the running one gets the timeout.
    expect(harness.worker.inFlight).toBe(1);
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 2, unacked: 1 });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(contexts[0]!.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(contexts[0]!.signal.aborted).toBe(true);
    expect(isWarrenError(contexts[0]!.signal.reason, 'WARREN_ERR_WORKER_TIMEOUT')).toBe(true);
    expect(harness.worker.state).toBe('stopped');
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 3, unacked: 0 });
    releases[0]!(); // the abandoned handler finishes late: nothing is acked
    await waitFor(() => true, 'a turn');
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 3, unacked: 0 });
    expect(harness.eventsOf('job:succeeded')).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never starts the handler of a delivery abandoned while its payload was still being validated', async () => {
    harness = await startWorker({ jobs: [ValidatedJob] });
    await harness.dispatch('lifecycle.validated', {});
    await waitFor(() => validations.length === 1, 'the validation to start');
    await harness.worker.stop({ timeoutMs: 0 });
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 1, unacked: 0 });
    validations[0]!();
    for (let i = 0; i < 5; i += 1) await waitFor(() => true, 'a turn');
    expect(contexts).toHaveLength(0);
    expect(harness.eventsOf('job:started')).toHaveLength(0);
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 1, unacked: 0, deadLettered: 0 });
  });

  it('refuses stop() before start() and start() twice with WARREN_ERR_WORKER_ILLEGAL_STATE', async () => {
    const worker = bareWorker();
    const stopError = await worker.stop().catch((error: unknown) => error);
    expect(isWarrenError(stopError, 'WARREN_ERR_WORKER_ILLEGAL_STATE')).toBe(true);
    await worker.start();
    const startError = await worker.start().catch((error: unknown) => error);
    expect(isWarrenError(startError, 'WARREN_ERR_WORKER_ILLEGAL_STATE')).toBe(true);
    await worker.stop();
    expect(isWarrenError(await worker.start().catch((error: unknown) => error), 'WARREN_ERR_WORKER_ILLEGAL_STATE')).toBe(true);
  });

  it('fails when the driver refuses the subscription', async () => {
    const driver = new MemoryDriver({ pipelines: [] });
    const worker = bareWorker(driver);
    const error = await worker.start().catch((caught: unknown) => caught);
    expect(isWarrenError(error, 'WARREN_ERR_DRIVER_NOT_FOUND_PIPELINE')).toBe(true);
    expect(worker.state).toBe('failed');
    await expect(worker.stop()).resolves.toBeUndefined();
  });

  it('rejects a concurrency below 1', () => {
    expect(() => new PipelineWorker({
      driver: new MemoryDriver(), registry: new JobRegistry(), pipeline: PIPELINE, concurrency: 0,
      logger: createSilentLogger(), events: new TypedEmitter<WarrenEventMap>(),
    })).toThrow(/concurrency/);
  });
});
