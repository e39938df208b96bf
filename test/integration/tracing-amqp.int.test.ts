/*
 * OpenTelemetry tracing across a real RabbitMQ round trip, recorded with the SDK's in-memory exporter: the dispatch's
 * producer span (on the default fast publish path and on amqplib's channel.publish), each attempt's consumer span
 * under it through the `traceparent` header, the handler's own spans under that, a retry and a dead letter as span
 * events, and a foreign producer's `traceparent` taken as the parent.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import amqplib from 'amqplib';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import '../../packages/amqp/dist/index.js';
import { Job, JobRegistry, Warren, createSilentLogger, type JobContext } from '../support/warren-packages.js';
import { parentSpanId, startOtelRecorder, type OtelRecorder } from '../support/otel-recorder.js';
import { TEST_AMQP_URL, deletePipelineQueues, uniqueQueueName } from '../support/pipeline-queues.js';

const appTracer = trace.getTracer('tracing-amqp-test');
const queues: string[] = [];
let failuresLeft = 0;

@Job('otel.flaky', { pipeline: 'main', attempts: 3, backoff: { type: 'fixed', delay: '50ms', jitter: 0 } })
class FlakyJob {
  async handle(_payload: unknown, ctx: JobContext) {
    await appTracer.startActiveSpan('charge card', async (span) => {
      span.setAttribute('attempt', ctx.attempt);
      await new Promise((resolve) => setImmediate(resolve));
      span.end();
    });
    if (failuresLeft-- > 0) throw new Error(`card service down on attempt ${ctx.attempt}`);
  }
}

@Job('otel.doomed', { pipeline: 'main', attempts: 2, backoff: { type: 'fixed', delay: '50ms', jitter: 0 } })
class DoomedJob {
  handle() {
    throw new Error('this never works');
  }
}

let recorder: OtelRecorder;
let warren: Warren | undefined;

beforeAll(() => {
  recorder = startOtelRecorder();
});
afterEach(async () => {
  await warren?.close({ timeoutMs: 5_000 });
  warren = undefined;
  recorder.exporter.reset();
});
afterAll(async () => {
  await recorder.shutdown();
  await deletePipelineQueues(...queues);
});

async function startWarren(isFastPath = true): Promise<{ app: Warren; queue: string }> {
  const queue = uniqueQueueName('warren-otel');
  queues.push(queue);
  const registry = new JobRegistry();
  registry.add(FlakyJob);
  registry.add(DoomedJob);
  warren = await Warren.fromConfig({
    version: 1,
    amqp: { urls: [TEST_AMQP_URL], publish_fast_path: isFastPath },
    jobs: { consume: ['main'], pipelines: { main: { driver: 'amqp', concurrency: 4, options: { queue } } } },
    http: { enabled: false },
  }, { registry, loadModules: false, logger: createSilentLogger() });
  await warren.run();
  return { app: warren, queue };
}

const named = (name: string) => (span: ReadableSpan) => span.name === name;
const ofJob = (name: string) => (span: ReadableSpan) => span.attributes['warren.job.name'] === name;
const byAttempt = (a: ReadableSpan, b: ReadableSpan) => Number(a.attributes['warren.job.attempt']) - Number(b.attributes['warren.job.attempt']);

describe('tracing through RabbitMQ', () => {
  it('parents every attempt on the dispatch, nests handler spans, and records a retry and a dead letter', async () => {
    failuresLeft = 1;
    const { app, queue } = await startWarren();
    const [flakyId, doomedId] = await appTracer.startActiveSpan('POST /orders', async (root) => {
      try {
        return [await app.dispatch(FlakyJob, { order: 1 }), await app.dispatch(DoomedJob, { order: 2 })];
      } finally {
        root.end();
      }
    });
    const spans = await recorder.waitFor((all) => all.filter(named(`${queue} process`)).length === 4);
    const root = spans.find(named('POST /orders'))!;
    const publishes = spans.filter(named(`${queue} publish`));
    expect(publishes).toHaveLength(2);
    for (const publish of publishes) {
      expect(publish.kind).toBe(SpanKind.PRODUCER);
      expect(parentSpanId(publish)).toBe(root.spanContext().spanId);
      expect(publish.attributes).toMatchObject({
        'messaging.system': 'rabbitmq', 'messaging.destination.name': queue, 'messaging.rabbitmq.destination.routing_key': queue,
        'messaging.operation.type': 'send',
      });
    }
    const flakyPublish = publishes.find(ofJob('otel.flaky'))!;
    expect(flakyPublish.attributes['messaging.message.id']).toBe(flakyId);

    const flaky = spans.filter(named(`${queue} process`)).filter(ofJob('otel.flaky')).sort(byAttempt);
    expect(flaky.map((span) => [span.attributes['warren.job.attempt'], span.attributes['warren.job.outcome']])).toEqual([[1, 'retried'], [2, 'succeeded']]);
    for (const attempt of flaky) {
      expect(attempt.kind).toBe(SpanKind.CONSUMER);
      expect(attempt.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(parentSpanId(attempt)).toBe(flakyPublish.spanContext().spanId);
      expect(attempt.attributes).toMatchObject({ 'messaging.system': 'rabbitmq', 'messaging.message.id': flakyId, 'warren.job.max_attempts': 3 });
    }
    expect(flaky[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(flaky[0]!.events.map((event) => event.name)).toEqual(['exception', 'warren.job.retry']);
    expect(flaky[0]!.events[1]!.attributes).toEqual({ 'warren.job.retry_delay_ms': 50, 'warren.job.attempt': 2 });
    const charges = spans.filter(named('charge card')).sort((a, b) => Number(a.attributes['attempt']) - Number(b.attributes['attempt']));
    expect(charges.map(parentSpanId)).toEqual(flaky.map((span) => span.spanContext().spanId));

    const doomedPublish = publishes.find(ofJob('otel.doomed'))!;
    const doomed = spans.filter(named(`${queue} process`)).filter(ofJob('otel.doomed')).sort(byAttempt);
    expect(doomed.map(parentSpanId)).toEqual([doomedPublish.spanContext().spanId, doomedPublish.spanContext().spanId]);
    expect(doomed.map((span) => span.attributes['warren.job.outcome'])).toEqual(['retried', 'dead-lettered']);
    expect(doomed[1]!.events.map((event) => event.name)).toEqual(['exception', 'warren.job.dead_letter']);
    expect(doomed[1]!.events[1]!.attributes).toEqual({ 'warren.job.dead_reason': 'attempts-exhausted' });
    expect(doomed[1]!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'Error: this never works' });
    // The dead letter on the broker still names the dispatch's span, so a replay continues the same trace.
    const [dead] = await app.peekDeadLetters('main', 1);
    expect(dead!.properties.messageId).toBe(doomedId);
    expect(dead!.properties.headers['traceparent']).toBe(`00-${root.spanContext().traceId}-${doomedPublish.spanContext().spanId}-01`);
  });

  it('creates the producer span on amqplib’s channel.publish too (publish_fast_path: false)', async () => {
    failuresLeft = 0;
    const { app, queue } = await startWarren(false);
    await app.dispatch(FlakyJob, {});
    const spans = await recorder.waitFor((all) => all.some(named(`${queue} process`)));
    const publish = spans.find(named(`${queue} publish`))!;
    expect(parentSpanId(spans.find(named(`${queue} process`))!)).toBe(publish.spanContext().spanId);
  });

  it('takes the traceparent of a foreign producer as the parent of the consumer span', async () => {
    failuresLeft = 0;
    const { queue } = await startWarren();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const connection = await amqplib.connect(TEST_AMQP_URL);
    try {
      const channel = await connection.createConfirmChannel();
      channel.sendToQueue(queue, Buffer.from('{}'), { type: 'otel.flaky', contentType: 'application/json', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
    const spans = await recorder.waitFor((all) => all.some(named(`${queue} process`)));
    const processed = spans.find(named(`${queue} process`))!;
    expect(processed.spanContext().traceId).toBe(traceId);
    expect(parentSpanId(processed)).toBe('00f067aa0ba902b7');
  });
});
