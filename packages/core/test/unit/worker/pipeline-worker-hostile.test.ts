/*
 * The worker against hostile input: malformed Warren fields are warned about once and ignored.
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
});
