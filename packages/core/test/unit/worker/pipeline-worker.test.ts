import 'reflect-metadata';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Unrecoverable } from '../../../src/errors/unrecoverable.js';
import { isWarrenError } from '../../../src/errors/warren-error.js';
import { Job } from '../../../src/job/job-decorator.js';
import type { JobContext } from '../../../src/job/job-types.js';
import { PIPELINE, startWorker, waitFor, type WorkerHarness } from '../../fakes/worker-harness.js';

type Script = (payload: unknown, ctx: JobContext) => Promise<void> | void;
let script: Script = () => {};
const contexts: JobContext[] = [];

@Job('worker.flaky', { attempts: 3, backoff: { type: 'exponential', delay: '1s', jitter: 0 } })
class FlakyJob {
  async handle(payload: unknown, ctx: JobContext) {
    contexts.push(ctx);
    await script(payload, ctx);
  }
}

@Job('worker.slow', { attempts: 2, timeout: '1s', backoff: { type: 'fixed', delay: '100ms', jitter: 0 } })
class SlowJob {
  async handle(payload: unknown, ctx: JobContext) {
    contexts.push(ctx);
    await script(payload, ctx);
  }
}

@Job('worker.typed', { schema: z.object({ userId: z.string() }) })
class TypedJob {
  handle() {}
}

const neverSettles = () => new Promise<void>(() => {});

let harness: WorkerHarness;
afterEach(async () => {
  await harness?.close();
  vi.useRealTimers();
  script = () => {};
  contexts.length = 0;
});

describe('PipelineWorker', () => {
  it('never runs more handlers at once than its concurrency', async () => {
    let running = 0;
    let maxRunning = 0;
    script = async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
    };
    harness = await startWorker({ jobs: [FlakyJob], concurrency: 3, prefetch: 10 });
    for (let i = 0; i < 12; i += 1) await harness.dispatch('worker.flaky', { i });
    await waitFor(() => harness.eventsOf('job:succeeded').length === 12, '12 successes');
    expect(maxRunning).toBe(3);
    expect(harness.worker.inFlight).toBe(0);
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 0, unacked: 0 });
  });

  it('gives the handler its payload and a JobContext with the job fields', async () => {
    harness = await startWorker({ jobs: [FlakyJob] });
    await harness.dispatch('worker.flaky', { userId: 'u1' }, 'job-42');
    await waitFor(() => contexts.length === 1, 'the handler');
    const [ctx] = contexts;
    expect(ctx).toMatchObject({ id: 'job-42', name: 'worker.flaky', pipeline: PIPELINE, attempt: 1, maxAttempts: 3 });
    expect(ctx!.signal.aborted).toBe(false);
    expect(ctx!.enqueuedAt).toBeInstanceOf(Date);
    expect(ctx!.logger.bindings()).toMatchObject({ jobId: 'job-42', job: 'worker.flaky', pipeline: PIPELINE, attempt: 1 });
  });

  it('retries a failed job after its backoff with the same id and the next attempt number', async () => {
    vi.useFakeTimers();
    script = (_payload, ctx) => {
      if (ctx.attempt === 1) throw new Error('flaky');
    };
    harness = await startWorker({ jobs: [FlakyJob] });
    await harness.dispatch('worker.flaky', {}, 'job-r');
    await waitFor(() => harness.eventsOf('job:failed').length === 1, 'the first failure');
    expect(harness.eventsOf('job:failed')[0]).toMatchObject({ job: { id: 'job-r', attempt: 1 }, retryInMs: 1_000 });
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ delayed: 1, unacked: 0 });
    await vi.advanceTimersByTimeAsync(999);
    expect(contexts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await waitFor(() => harness.eventsOf('job:succeeded').length === 1, 'the retry to succeed');
    expect(contexts.map((c) => [c.id, c.attempt])).toEqual([['job-r', 1], ['job-r', 2]]);
    expect(contexts[1]!.headers['x-warren-attempt']).toBe(2);
  });

  it('dead-letters with attempts-exhausted after the last attempt, keeping the body', async () => {
    vi.useFakeTimers();
    script = () => {
      throw new Error('still broken');
    };
    harness = await startWorker({ jobs: [FlakyJob] });
    const sent = await harness.dispatch('worker.flaky', { keep: 'me' }, 'job-x');
    await vi.advanceTimersByTimeAsync(1_000 + 2_000);
    await waitFor(() => harness.eventsOf('job:deadLettered').length === 1, 'the dead letter');
    expect(harness.eventsOf('job:failed').map((e) => e.retryInMs)).toEqual([1_000, 2_000, undefined]);
    const [dead] = await harness.driver.peekDeadLetters(PIPELINE, 10);
    expect(dead!.body.equals(sent.body)).toBe(true);
    expect(dead!.properties.messageId).toBe('job-x');
    expect(dead!.properties.headers).toMatchObject({
      'x-warren-attempt': 3, 'x-warren-dead-reason': 'attempts-exhausted', 'x-warren-error': 'Error: still broken',
      'x-warren-enqueued-at': sent.properties.headers['x-warren-enqueued-at'],
    });
    expect(dead!.properties.headers['x-warren-failed-at']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 0, unacked: 0, delayed: 0 });
  });

  it('dead-letters at once when the handler throws Unrecoverable', async () => {
    script = () => {
      throw new Unrecoverable('card declined');
    };
    harness = await startWorker({ jobs: [FlakyJob] });
    await harness.dispatch('worker.flaky', {});
    await waitFor(() => harness.eventsOf('job:deadLettered').length === 1, 'the dead letter');
    expect(contexts).toHaveLength(1);
    expect(harness.eventsOf('job:deadLettered')[0]!.reason).toBe('unrecoverable');
    const [dead] = await harness.driver.peekDeadLetters(PIPELINE, 1);
    expect(dead!.properties.headers['x-warren-dead-reason']).toBe('unrecoverable');
    expect(dead!.properties.headers['x-warren-error']).toBe('Unrecoverable: card declined');
  });

  it('aborts the signal on timeout, retries, and dead-letters as timeout when attempts run out', async () => {
    vi.useFakeTimers();
    const abortReasons: unknown[] = [];
    script = (_payload, ctx) => {
      ctx.signal.addEventListener('abort', () => abortReasons.push(ctx.signal.reason));
      return neverSettles();
    };
    harness = await startWorker({ jobs: [SlowJob] });
    await harness.dispatch('worker.slow', {});
    await waitFor(() => contexts.length === 1, 'the first attempt');
    await vi.advanceTimersByTimeAsync(999);
    expect(contexts[0]!.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(contexts[0]!.signal.aborted).toBe(true);
    expect(isWarrenError(abortReasons[0], 'WARREN_ERR_JOB_TIMEOUT')).toBe(true);
    await waitFor(() => harness.eventsOf('job:failed').length === 1, 'the timeout failure');
    expect(harness.eventsOf('job:failed')[0]!.retryInMs).toBe(100);
    await vi.advanceTimersByTimeAsync(100 + 1_000);
    await waitFor(() => harness.eventsOf('job:deadLettered').length === 1, 'the dead letter');
    expect(harness.eventsOf('job:deadLettered')[0]!.reason).toBe('timeout');
    expect(contexts.map((c) => c.attempt)).toEqual([1, 2]);
  });

  it.each([
    ['undecodable', { body: Buffer.from('{not json'), type: 'worker.flaky' }, 'WARREN_ERR_JOB_UNDECODABLE'],
    ['unknown-job', { body: Buffer.from('{}'), type: 'worker.nobody' }, 'WARREN_ERR_JOB_NOT_FOUND'],
    ['invalid-payload', { body: Buffer.from('{"userId":7}'), type: 'worker.typed' }, 'WARREN_ERR_JOB_PAYLOAD_INVALID'],
  ] as const)('dead-letters a %s message and keeps working', async (reason, bad, code) => {
    harness = await startWorker({ jobs: [FlakyJob, TypedJob] });
    await harness.driver.publish(PIPELINE, {
      body: bad.body,
      properties: { messageId: 'bad-1', type: bad.type, timestampMs: 0, contentType: 'application/json', contentEncoding: 'utf-8', headers: {} },
    });
    await harness.dispatch('worker.flaky', {});
    await waitFor(() => harness.eventsOf('job:succeeded').length === 1, 'the good job after the bad one');
    const [deadLettered] = harness.eventsOf('job:deadLettered');
    expect(deadLettered).toMatchObject({ reason, job: { id: 'bad-1', pipeline: PIPELINE } });
    expect(isWarrenError(deadLettered!.error, code)).toBe(true);
    const [dead] = await harness.driver.peekDeadLetters(PIPELINE, 1);
    expect(dead!.body.equals(bad.body)).toBe(true);
    expect(dead!.properties.headers).toMatchObject({ 'x-warren-dead-reason': reason, 'x-warren-error': expect.stringContaining('bad-1') });
    expect(harness.worker.state).toBe('running');
  });

  it('requeues after requeueDelayMs instead of acking when the driver refuses the dead-letter copy, and does not run the handler again', async () => {
    script = () => {
      throw new Unrecoverable('nope');
    };
    harness = await startWorker({ jobs: [FlakyJob], requeueDelayMs: 20 });
    const realDeadLetter = harness.driver.deadLetter.bind(harness.driver);
    const deadLetter = vi.spyOn(harness.driver, 'deadLetter')
      .mockRejectedValueOnce(new Error('broker gone'))
      .mockImplementation(realDeadLetter);
    const dispatchedAtMs = Date.now();
    await harness.dispatch('worker.flaky', {}, 'job-h');
    await waitFor(() => harness.eventsOf('job:deadLettered').length === 1, 'the second, successful hand-off', 5_000);
    // Held for requeueDelayMs before the requeue: never an immediate redelivery loop.
    expect(Date.now() - dispatchedAtMs).toBeGreaterThanOrEqual(20);
    expect(deadLetter).toHaveBeenCalledTimes(2);
    // The handler ran once: the requeued original only had its outcome handed off again.
    expect(contexts.map((c) => c.id)).toEqual(['job-h']);
    expect(harness.eventsOf('job:failed')).toHaveLength(1);
    expect((await harness.driver.inspect(PIPELINE)).deadLettered).toBe(1);
  });

  it('requeues after requeueDelayMs instead of acking when the driver refuses the retry copy, and does not run the attempt again', async () => {
    script = (_payload, ctx) => {
      if (ctx.attempt === 1) throw new Error('flaky');
    };
    harness = await startWorker({ jobs: [FlakyJob], requeueDelayMs: 20 });
    const realPublish = harness.driver.publish.bind(harness.driver);
    let refused = 0;
    const publish = vi.spyOn(harness.driver, 'publish').mockImplementation(async (pipeline, message, options) => {
      // Refuse the first retry copy (attempt 2) only; the dispatch itself goes through.
      if (message.properties.headers['x-warren-attempt'] === 2 && refused++ === 0) throw new Error('outbox full');
      return realPublish(pipeline, message, options);
    });
    await harness.dispatch('worker.flaky', {});
    // The original comes back unchanged (attempt 1); its retry copy is handed off again, this time taken, and attempt 1
    // does not run a second time.
    await waitFor(() => publish.mock.calls.length === 3, 'the retry copy sent again', 5_000);
    await waitFor(() => harness.worker.inFlight === 0, 'the original acked');
    expect(harness.eventsOf('job:failed').map((e) => e.retryInMs)).toEqual([undefined]);
    expect(contexts.map((c) => c.attempt)).toEqual([1]);
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 0, unacked: 0, delayed: 1 });
  });
});
