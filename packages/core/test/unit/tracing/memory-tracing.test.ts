/*
 * Tracing on the memory driver, with OpenTelemetry's SDK recording in memory: the dispatch's producer span, each
 * attempt's consumer span under it, the handler's own spans under that, retries and dead letters as span events.
 */
import 'reflect-metadata';
import * as otelApi from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parentSpanId, startOtelRecorder, type OtelRecorder } from '../../../../../test/support/otel-recorder.js';
import {
  DriverRegistry, Job, JobRegistry, MemoryDriver, PipelineWorker, TypedEmitter, Unrecoverable, Warren, createSilentLogger, encodeJob, memoryDriver,
  type JobContext, type WarrenEventMap,
} from '../../../src/index.js';
import { JobTracing } from '../../../src/tracing/job-tracing.js';
import type { OtelApi } from '../../../src/tracing/otel-shapes.js';

const appTracer = trace.getTracer('memory-tracing-test');
let failuresLeft = 0;

@Job('traced.flaky', { pipeline: 'main', attempts: 3, backoff: { type: 'fixed', delay: '5ms' } })
class FlakyJob {
  async handle(payload: { to: string }, ctx: JobContext) {
    await appTracer.startActiveSpan('send mail', async (span) => {
      span.setAttribute('attempt', ctx.attempt);
      span.end();
    });
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      throw new Error(`smtp down for ${payload.to} via amqp://app:s3cret@mail.internal`);
    }
  }
}

@Job('traced.doomed', { pipeline: 'main', attempts: 2, backoff: { type: 'fixed', delay: '5ms' } })
class DoomedJob {
  handle() {
    throw new Error('never works');
  }
}

@Job('traced.fatal', { pipeline: 'main', attempts: 3 })
class FatalJob {
  handle() {
    throw new Unrecoverable('no such account');
  }
}

@Job('traced.chain', { pipeline: 'main', attempts: 1 })
class ChainJob {
  constructor() {}
  async handle() {
    await warren!.dispatch(FlakyJob, { to: 'chained' });
  }
}

let recorder: OtelRecorder;
let warren: Warren | undefined;

beforeAll(() => {
  recorder = startOtelRecorder();
});
afterAll(async () => {
  await recorder.shutdown();
});
afterEach(async () => {
  await warren?.close();
  warren = undefined;
  recorder.exporter.reset();
});

async function startWarren(options: { tracing?: boolean } = {}): Promise<Warren> {
  const registry = new JobRegistry();
  for (const job of [FlakyJob, DoomedJob, ChainJob]) registry.add(job);
  warren = await Warren.fromConfig({
    version: 1,
    jobs: { pipelines: { main: { driver: 'memory', concurrency: 2, options: { queue: 'mail-q' } } }, shutdown_timeout: '2s' },
    http: { enabled: false },
  }, { registry, drivers: new DriverRegistry().register(memoryDriver), logger: createSilentLogger(), ...options });
  await warren.run();
  return warren;
}

const byName = (name: string) => (span: { name: string }) => span.name === name;

describe('tracing on the memory driver', () => {
  it('nests producer, consumer and handler spans, with a retry event on the failed attempt', async () => {
    failuresLeft = 1;
    const app = await startWarren();
    const id = await appTracer.startActiveSpan('POST /signup', async (root) => {
      try {
        return await app.dispatch(FlakyJob, { to: 'ada' });
      } finally {
        root.end();
      }
    });
    const spans = await recorder.waitFor((all) => all.filter(byName('mail-q process')).length === 2);
    const root = spans.find(byName('POST /signup'))!;
    const publish = spans.find(byName('mail-q publish'))!;
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(parentSpanId(publish)).toBe(root.spanContext().spanId);
    expect(publish.attributes).toMatchObject({
      'messaging.system': 'warren-memory', 'messaging.destination.name': 'mail-q', 'messaging.operation.type': 'send',
      'messaging.message.id': id, 'warren.job.name': 'traced.flaky', 'warren.pipeline': 'main',
    });
    const [first, second] = spans.filter(byName('mail-q process')).sort((a, b) => Number(a.attributes['warren.job.attempt']) - Number(b.attributes['warren.job.attempt']));
    for (const attempt of [first!, second!]) {
      expect(attempt.kind).toBe(SpanKind.CONSUMER);
      expect(attempt.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(parentSpanId(attempt)).toBe(publish.spanContext().spanId);
      expect(attempt.attributes['messaging.message.id']).toBe(id);
    }
    expect(first!.attributes).toMatchObject({ 'warren.job.attempt': 1, 'warren.job.outcome': 'retried', 'error.type': 'Error' });
    expect(first!.status.code).toBe(SpanStatusCode.ERROR);
    expect(first!.status.message).toContain('amqp://app:***@mail.internal');
    expect(JSON.stringify(first!.events)).not.toContain('s3cret');
    expect(first!.events.map((event) => event.name)).toEqual(['exception', 'warren.job.retry']);
    expect(first!.events[1]!.attributes).toMatchObject({ 'warren.job.attempt': 2, 'warren.job.retry_delay_ms': expect.any(Number) });
    expect(second!.attributes).toMatchObject({ 'warren.job.attempt': 2, 'warren.job.outcome': 'succeeded' });
    expect(second!.status.code).not.toBe(SpanStatusCode.ERROR);
    const mails = spans.filter(byName('send mail'));
    expect(mails.map(parentSpanId).sort()).toEqual([first!.spanContext().spanId, second!.spanContext().spanId].sort());
  });

  it('records the dead letter of the last attempt as an event with its reason', async () => {
    const app = await startWarren();
    await app.dispatch(DoomedJob, {});
    const spans = await recorder.waitFor((all) => all.filter(byName('mail-q process')).length === 2);
    const last = spans.find((span) => span.name === 'mail-q process' && span.attributes['warren.job.attempt'] === 2)!;
    expect(last.attributes).toMatchObject({ 'warren.job.outcome': 'dead-lettered', 'warren.job.dead_reason': 'attempts-exhausted' });
    expect(last.events.map((event) => event.name)).toEqual(['exception', 'warren.job.dead_letter']);
    expect(last.status.code).toBe(SpanStatusCode.ERROR);
    const [dead] = await app.peekDeadLetters('main');
    expect(dead!.properties.headers['traceparent']).toBe(`00-${last.spanContext().traceId}-${parentSpanId(last)}-01`);
  });

  it('parents a dispatch made inside a handler on that handler’s consumer span', async () => {
    failuresLeft = 0;
    const app = await startWarren();
    await app.dispatch(ChainJob, {});
    const spans = await recorder.waitFor((all) => all.filter(byName('mail-q process')).length === 2);
    const chain = spans.find((span) => span.name === 'mail-q process' && span.attributes['warren.job.name'] === 'traced.chain')!;
    const inner = spans.filter(byName('mail-q publish')).find((span) => span.attributes['warren.job.name'] === 'traced.flaky')!;
    expect(parentSpanId(inner)).toBe(chain.spanContext().spanId);
  });

  it('creates no span and writes no traceparent with tracing: false', async () => {
    const app = await startWarren({ tracing: false });
    await app.dispatch(DoomedJob, {});
    await expect.poll(async () => (await app.peekDeadLetters('main')).length).toBe(1);
    const [dead] = await app.peekDeadLetters('main');
    expect(dead!.properties.headers['traceparent']).toBeUndefined();
    expect(recorder.spans()).toEqual([]);
  });

  it('says requeued when the driver refuses the dead-letter copy, and dead-lettered on the next delivery', async () => {
    const driver = new MemoryDriver();
    await driver.start();
    const registry = new JobRegistry();
    registry.add(FatalJob);
    const worker = new PipelineWorker({
      driver, registry, events: new TypedEmitter<WarrenEventMap>(), pipeline: 'main', concurrency: 1, logger: createSilentLogger(),
      requeueDelayMs: 10, tracing: new JobTracing(otelApi as unknown as OtelApi),
    });
    vi.spyOn(driver, 'deadLetter').mockRejectedValueOnce(new Error('broker gone'));
    try {
      await worker.start();
      await driver.publish('main', encodeJob(registry.get('traced.fatal'), {}));
      const spans = await recorder.waitFor((all) => all.length === 2);
      expect(spans.map((span) => span.attributes['warren.job.outcome'])).toEqual(['requeued', 'dead-lettered']);
      expect(spans.map((span) => span.attributes['warren.job.redelivered'])).toEqual([false, true]);
      expect(spans[1]!.attributes['warren.job.dead_reason']).toBe('unrecoverable');
    } finally {
      await worker.stop({ timeoutMs: 1_000 });
      await driver.close();
    }
  });
});
