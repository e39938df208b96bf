import 'reflect-metadata';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Job } from '../../../src/job/job-decorator.js';
import { createLogger } from '../../../src/logging/logger.js';
import { stuckSweepIntervalMs, sweepStuckJobs, type SeenJob } from '../../../src/worker/stuck-job-watch.js';
import { startWorker, waitFor, type WorkerHarness } from '../../fakes/worker-harness.js';

describe('sweepStuckJobs', () => {
  const seen = (firstSeenMs: number, isReported = false): SeenJob => ({ firstSeenMs, isReported });

  it.each([
    ['a job seen for the first time is remembered, never stuck at once', ['a'], [], 10_000, [], [['a', seen(10_000)]]],
    ['a job running for less than the threshold is not stuck', ['a'], [['a', seen(5_000)]], 10_000, [], [['a', seen(5_000)]]],
    ['a job running exactly the threshold is stuck', ['a'], [['a', seen(4_000)]], 10_000, [['a', 6_000]], [['a', seen(4_000, true)]]],
    ['a stuck job is reported once', ['a'], [['a', seen(0, true)]], 10_000, [], [['a', seen(0, true)]]],
    ['a job that finished is forgotten', ['b'], [['a', seen(0)]], 10_000, [], [['b', seen(10_000)]]],
    ['several at once, each on its own clock', ['a', 'b'], [['a', seen(0)], ['b', seen(9_000)]], 10_000, [['a', 10_000]], [['a', seen(0, true)], ['b', seen(9_000)]]],
  ] as const)('%s', (_title, running, previous, nowMs, stuck, remembered) => {
    const sweep = sweepStuckJobs(running, new Map(previous), nowMs, 6_000);
    expect(sweep.stuck.map(({ entry, runningForMs }) => [entry, runningForMs])).toEqual(stuck);
    expect([...sweep.seen]).toEqual(remembered);
  });

  it.each([
    [1_000, 1_000],
    [15 * 60_000, 60_000],
    [30_000, 3_000],
  ])('sweeps a %d ms threshold every %d ms (a tenth, between 1 s and 1 min)', (thresholdMs, intervalMs) => {
    expect(stuckSweepIntervalMs(thresholdMs)).toBe(intervalMs);
  });
});

@Job('stuck.forever')
class ForeverJob {
  handle() {
    return new Promise<void>(() => undefined); // no timeout, never settles
  }
}

@Job('stuck.quick')
class QuickJob {
  handle() {}
}

describe('PipelineWorker with stuckJobAfterMs', () => {
  let harness: WorkerHarness | undefined;
  afterEach(async () => {
    vi.useRealTimers(); // the drain wait below runs on real time
    await harness?.worker.forceStop();
    await harness?.close();
    harness = undefined;
  });

  function recordingLogger() {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(JSON.parse(chunk.toString())); done(); } });
    return { logger: createLogger({ level: 'info', destination }), stuck: () => lines.filter((line) => line.event === 'job.stuck') };
  }

  it('logs a job that never settles as stuck once, after the threshold and not before; a quick job never', async () => {
    vi.useFakeTimers();
    const { logger, stuck } = recordingLogger();
    harness = await startWorker({ jobs: [ForeverJob, QuickJob], concurrency: 2, logger, stuckJobAfterMs: 10_000 });
    await harness.dispatch('stuck.forever', {}, 'forever-1');
    await harness.dispatch('stuck.quick', {}, 'quick-1');
    await waitFor(() => harness?.eventsOf('job:succeeded').length === 1, 'the quick job');
    await vi.advanceTimersByTimeAsync(9_000);
    expect(stuck()).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000); // the sweep after it was first seen 10 s ago
    expect(stuck()).toEqual([expect.objectContaining({ level: 40, jobId: 'forever-1', job: 'stuck.forever', pipeline: 'work', stuckAfterMs: 10_000 })]);
    expect(stuck()[0]?.runningForMs).toBeGreaterThanOrEqual(10_000);
    expect(String(stuck()[0]?.msg)).toContain('give the job a timeout');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(stuck()).toHaveLength(1);
  });

  it('watches nothing without a threshold', async () => {
    vi.useFakeTimers();
    const { logger, stuck } = recordingLogger();
    harness = await startWorker({ jobs: [ForeverJob], logger });
    await harness.dispatch('stuck.forever', {}, 'forever-2');
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(stuck()).toEqual([]);
  });
});
