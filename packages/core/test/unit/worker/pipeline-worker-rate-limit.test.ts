/*
 * Rate limits in the worker: deliveries over a pipeline's rate_limit or a job's rateLimit wait, held unacked, and
 * start as the limit allows; none is failed or retried; the wait is counted for metrics.
 */
import 'reflect-metadata';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Job } from '../../../src/job/job-decorator.js';
import { startWorker, waitFor, type WorkerHarness } from '../../fakes/worker-harness.js';

const starts: Array<{ name: string; atMs: number }> = [];

@Job('limited.slow', { rateLimit: { max: 2, per: '1s' } })
class SlowLimited {
  handle(_payload: unknown, ctx: { name: string }) {
    starts.push({ name: ctx.name, atMs: Date.now() });
  }
}

@Job('limited.free')
class Free {
  handle(_payload: unknown, ctx: { name: string }) {
    starts.push({ name: ctx.name, atMs: Date.now() });
  }
}

let harness: (Awaited<ReturnType<typeof startWorker>> & WorkerHarness) | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  vi.useRealTimers();
  starts.length = 0;
});

describe('PipelineWorker rate limits', () => {
  it("spaces a pipeline's jobs by its rate_limit and counts the time they waited", async () => {
    vi.useFakeTimers({ now: 0 });
    harness = await startWorker({ jobs: [Free], concurrency: 5, prefetch: 10, rateLimit: { max: 4, perMs: 1_000 } });
    for (let i = 0; i < 6; i += 1) await harness.dispatch('limited.free', { i });
    await waitFor(() => starts.length === 1, 'the first start');
    expect(harness.worker.rateLimited.waiting).toBe(5);
    await vi.advanceTimersByTimeAsync(1_300);
    expect(starts.map((s) => s.atMs)).toEqual([0, 250, 500, 750, 1_000, 1_250]);
    expect(harness.eventsOf('job:succeeded')).toHaveLength(6);
    expect(harness.eventsOf('job:failed')).toHaveLength(0);
    // 250 + 500 + 750 + 1000 + 1250 ms of waiting in all.
    expect(harness.worker.rateLimited).toEqual({ waitedMs: 3_750, waiting: 0 });
  });

  it("holds only the jobs over their own rateLimit; other jobs of the pipeline pass them", async () => {
    vi.useFakeTimers({ now: 0 });
    harness = await startWorker({ jobs: [SlowLimited, Free], concurrency: 5, prefetch: 10 });
    for (let i = 0; i < 3; i += 1) await harness.dispatch('limited.slow', { i });
    await harness.dispatch('limited.free', {});
    await waitFor(() => starts.length === 2, 'a slow start and the free job');
    expect(starts).toEqual([{ name: 'limited.slow', atMs: 0 }, { name: 'limited.free', atMs: 0 }]);
    await waitFor(() => harness!.worker.inFlight === 2, 'the two jobs started to settle');
    expect(harness.eventsOf('job:succeeded')).toHaveLength(2); // the other two are held unacked, waiting for the limit
    await vi.advanceTimersByTimeAsync(1_000);
    expect(starts.filter((s) => s.name === 'limited.slow').map((s) => s.atMs)).toEqual([0, 500, 1_000]);
  });

  it('requeues held deliveries on stop instead of running them', async () => {
    vi.useFakeTimers({ now: 0 });
    harness = await startWorker({ jobs: [Free], concurrency: 5, prefetch: 10, rateLimit: { max: 1, perMs: 60_000 } });
    for (let i = 0; i < 3; i += 1) await harness.dispatch('limited.free', { i });
    await waitFor(() => starts.length === 1, 'the first start');
    await harness.worker.stop({ timeoutMs: 100 });
    expect(starts).toHaveLength(1);
    expect((await harness.driver.inspect('work')).ready).toBe(2);
  });
});
