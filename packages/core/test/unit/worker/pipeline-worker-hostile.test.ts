/*
 * The worker against hostile input and its own bugs: malformed Warren fields are warned about once and
 * ignored; an unexpected exception dead-letters the delivery as internal-error; and when even that copy
 * is refused, the delivery is requeued after a delay, never in a tight loop.
 */
import 'reflect-metadata';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WireMessage } from '../../../src/driver/wire-message.js';
import { Job } from '../../../src/job/job-decorator.js';
import { createLogger } from '../../../src/logging/logger.js';
import { PIPELINE, startWorker, waitFor, type WorkerHarness } from '../../fakes/worker-harness.js';

let runs: string[] = [];

@Job('hostile.fail', { attempts: 2, backoff: { type: 'fixed', delay: '1s', jitter: 0 } })
class FailJob {
  handle(_payload: unknown, ctx: { id: string }) {
    runs.push(ctx.id);
    throw new Error('always fails');
  }
}

@Job('hostile.ok')
class OkJob {
  handle(_payload: unknown, ctx: { id: string }) {
    runs.push(ctx.id);
  }
}

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  // Warren's own logger, which redacts every line as `warren run` does.
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

function foreign(type: string, id: string, headers: Record<string, unknown>, extra: Record<string, unknown> = {}): WireMessage {
  return { body: Buffer.from('{"x":1}'), properties: { type, messageId: id, headers, ...extra } } as unknown as WireMessage;
}

/** Makes the registry throw for one job name, as a bug in Warren's own lookup would. */
function breakLookupOf(harness: WorkerHarness, name: string): void {
  const find = harness.registry.find.bind(harness.registry);
  harness.registry.find = (job: string) => {
    if (job === name) throw new RangeError('Invalid time value at amqp://app:hunter2@db');
    return find(job);
  };
}

let harness: WorkerHarness;
afterEach(async () => {
  await harness?.close();
  vi.useRealTimers();
  runs = [];
});

describe('PipelineWorker with hostile input', () => {
  it('runs a job with malformed Warren fields at most `attempts` times and warns once per message', async () => {
    vi.useFakeTimers();
    const { logger, lines } = capturingLogger();
    harness = await startWorker({ jobs: [FailJob], logger });
    await harness.driver.publish(PIPELINE, foreign('hostile.fail', 'm-1e300', { 'x-warren-enqueued-at': 1e300, 'x-warren-attempt': 'zero' }, { timestampMs: 1.7e21 }));
    await waitFor(() => runs.length === 1, 'the first attempt');
    await vi.advanceTimersByTimeAsync(1_000);
    await waitFor(() => harness.eventsOf('job:deadLettered').length === 1, 'the dead letter');
    expect(runs).toEqual(['m-1e300', 'm-1e300']);
    const [dead] = await harness.driver.peekDeadLetters(PIPELINE, 1);
    expect(dead!.properties.headers).toMatchObject({ 'x-warren-dead-reason': 'attempts-exhausted', 'x-warren-attempt': 2 });
    const warnings = lines.filter((line) => line.code === 'WARREN_WRN_005');
    // The retry copy carries valid fields again, so only the first delivery warns.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ jobId: 'm-1e300', fields: ['timestamp', 'x-warren-attempt', 'x-warren-enqueued-at'] });
  });

  it('dead-letters an unexpected exception as internal-error with the code and redacted cause, body byte for byte', async () => {
    const { logger, lines } = capturingLogger();
    harness = await startWorker({ jobs: [OkJob], logger });
    breakLookupOf(harness, 'hostile.boom');
    const sent = foreign('hostile.boom', 'm-boom', { 'x-warren-attempt': 1 });
    await harness.driver.publish(PIPELINE, sent);
    await waitFor(() => harness.eventsOf('job:deadLettered').length === 1, 'the dead letter');
    const [dead] = await harness.driver.peekDeadLetters(PIPELINE, 1);
    expect(dead!.body.equals(sent.body)).toBe(true);
    expect(dead!.properties.headers['x-warren-dead-reason']).toBe('internal-error');
    const error = String(dead!.properties.headers['x-warren-error']);
    expect(error).toMatch(/^WARREN_ERR_WORKER_INTERNAL: unexpected error while handling message m-boom: RangeError: Invalid time value/);
    expect(error).not.toContain('hunter2');
    expect(harness.eventsOf('job:deadLettered')[0]).toMatchObject({ reason: 'internal-error', job: { id: 'm-boom', name: 'hostile.boom' } });
    expect(lines.some((line) => JSON.stringify(line).includes('hunter2'))).toBe(false);
    await harness.dispatch('hostile.ok', {}, 'good-after');
    await waitFor(() => harness.eventsOf('job:succeeded').length === 1, 'the good job after it');
    expect(runs).toEqual(['good-after']);
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 0, unacked: 0, deadLettered: 1 });
  });

  it('requeues after a delay, not at once, when the internal-error dead letter is refused', async () => {
    vi.useFakeTimers();
    harness = await startWorker({ jobs: [OkJob], requeueDelayMs: 1_000 });
    breakLookupOf(harness, 'hostile.boom');
    let refusals = 0;
    harness.driver.deadLetter = async () => {
      refusals += 1;
      throw new Error('the broker refused the dead letter');
    };
    await harness.driver.publish(PIPELINE, foreign('hostile.boom', 'm-loop', {}));
    await waitFor(() => refusals === 1, 'the first refusal');
    await vi.advanceTimersByTimeAsync(999);
    expect(refusals).toBe(1);
    expect(harness.worker.inFlight).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await waitFor(() => refusals === 2, 'the redelivery after the delay');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(refusals).toBe(5);
    vi.useRealTimers(); // the drain wait of the stop below runs on real time
    await harness.worker.forceStop();
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 1, unacked: 0 });
  });

  it('requeues a delivery held for a delayed requeue at once when the worker stops', async () => {
    harness = await startWorker({ jobs: [OkJob], requeueDelayMs: 60_000 });
    breakLookupOf(harness, 'hostile.boom');
    harness.driver.deadLetter = async () => {
      throw new Error('refused');
    };
    await harness.driver.publish(PIPELINE, foreign('hostile.boom', 'm-held', {}));
    await waitFor(() => harness.worker.inFlight === 1 && harness.worker.activeJobs === 1, 'the held delivery');
    const started = Date.now();
    await harness.worker.stop({ timeoutMs: 50 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await harness.driver.inspect(PIPELINE)).toMatchObject({ ready: 1, unacked: 0 });
  });
});
