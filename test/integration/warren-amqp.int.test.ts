/*
 * Warren end to end on RabbitMQ: the wire format as a foreign producer sees it (the light first-attempt
 * shape Warren writes and the old shape, read the same way), retries through the delay queues, and every
 * dead-letter reason with the original body kept byte for byte.
 */
import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delayQueueName, delayStepMs } from '../../packages/amqp/dist/index.js';
import { Job, JobRegistry, Unrecoverable, Warren, createSilentLogger, type JobContext, type WarrenEventMap } from '../support/warren-packages.js';
import { DEFAULT_TEST_AMQP_URL } from '../support/require-broker.js';

const AMQP_URL = process.env.WARREN_TEST_AMQP_URL ?? DEFAULT_TEST_AMQP_URL;
const QUEUE = `warren-e2e-${randomUUID().slice(0, 8)}`;
const seen: JobContext[] = [];
let failuresLeft = 0;

@Job('e2e.echo', { pipeline: 'main' })
class EchoJob {
  handle(_payload: unknown, ctx: JobContext) {
    seen.push(ctx);
  }
}

@Job('e2e.flaky', { pipeline: 'main', attempts: 3, backoff: { type: 'fixed', delay: '300ms', jitter: 0 } })
class FlakyJob {
  handle(_payload: unknown, ctx: JobContext) {
    seen.push(ctx);
    if (failuresLeft-- > 0) throw new Error(`flaky failure on attempt ${ctx.attempt}`);
  }
}

@Job('e2e.doomed', { pipeline: 'main', attempts: 2, backoff: { type: 'fixed', delay: '100ms', jitter: 0 } })
class DoomedJob {
  handle() {
    throw new Error('the database password amqp://app:hunter2@db is wrong');
  }
}

@Job('e2e.fatal', { pipeline: 'main', attempts: 5 })
class FatalJob {
  handle() {
    throw new Unrecoverable('no such customer');
  }
}

@Job('e2e.slow', { pipeline: 'main', attempts: 1, timeout: '200ms' })
class SlowJob {
  handle(_payload: unknown, ctx: JobContext) {
    return new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
  }
}

let warren: Warren;
let connection: amqplib.ChannelModel;
let channel: amqplib.Channel;

function next<E extends keyof WarrenEventMap>(event: E, match: (payload: WarrenEventMap[E]) => boolean = () => true): Promise<WarrenEventMap[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within 10 s`)), 10_000);
    const off = warren.events.on(event, (payload) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Waits for the next dead letter in QUEUE.dlq and takes it off the queue. */
async function takeDeadLetter(): Promise<amqplib.GetMessage> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const message = await channel.get(`${QUEUE}.dlq`, { noAck: true });
    if (message) return message;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no dead letter in ${QUEUE}.dlq within 10 s`);
}

beforeAll(async () => {
  const registry = new JobRegistry();
  for (const job of [EchoJob, FlakyJob, DoomedJob, FatalJob, SlowJob]) registry.add(job);
  warren = await Warren.fromConfig(
    {
      version: 1,
      amqp: { urls: [AMQP_URL], redial: { schedule: ['50ms', '200ms'] } },
      jobs: { pipelines: { main: { driver: 'amqp', concurrency: 4, options: { queue: QUEUE, prefetch: 8 } } } },
      http: { enabled: false },
    },
    { registry, logger: createSilentLogger() },
  );
  await warren.run();
  connection = await amqplib.connect(AMQP_URL);
  channel = await connection.createChannel();
});

afterAll(async () => {
  await warren?.close();
  // The retry and dispatch delays of this file (100, 300, 700 ms) on the delay ladder's steps.
  const delayQueues = [100, 300, 700].map((delayMs) => delayQueueName(QUEUE, delayStepMs(delayMs) as number));
  for (const queue of [QUEUE, `${QUEUE}.dlq`, ...delayQueues]) {
    await channel.deleteQueue(queue).catch(() => undefined);
  }
  await connection?.close();
});

describe('Warren on RabbitMQ', () => {
  it('handles a job from a foreign producer that sent only a body and a type', async () => {
    const handled = next('job:succeeded', (e) => e.job.name === 'e2e.echo');
    const before = Date.now();
    channel.sendToQueue(QUEUE, Buffer.from('{"hello":"world"}'), { type: 'e2e.echo' });
    await handled;
    const ctx = seen.at(-1)!;
    expect(ctx.attempt).toBe(1);
    expect(ctx.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.enqueuedAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('keeps the id, headers and enqueue time a producer set', async () => {
    const handled = next('job:succeeded', (e) => e.job.id === 'order-7');
    channel.sendToQueue(QUEUE, Buffer.from('{}'), {
      type: 'e2e.echo', messageId: 'order-7', contentType: 'application/json', timestamp: 1_700_000_000,
      headers: { 'x-warren-attempt': 1, tenant: 'acme' },
    });
    await handled;
    const ctx = seen.at(-1)!;
    expect(ctx.headers.tenant).toBe('acme');
    expect(ctx.enqueuedAt.toISOString()).toBe(new Date(1_700_000_000_000).toISOString());
  });

  it('reads an old-shape first attempt and the light shape Warren writes now the same way, to the millisecond', async () => {
    // The old shape: what Warren wrote before issue #13 (and what older Warrens still write).
    const enqueuedMs = Date.now() - 1_234;
    const oldHandled = next('job:succeeded', (e) => e.job.id === `old-${QUEUE}`);
    channel.sendToQueue(QUEUE, Buffer.from('{"v":1}'), {
      type: 'e2e.echo', messageId: `old-${QUEUE}`, contentType: 'application/json', contentEncoding: 'utf-8', persistent: true,
      timestamp: Math.floor(enqueuedMs / 1000), headers: { 'x-warren-attempt': 1, 'x-warren-enqueued-at': new Date(enqueuedMs).toISOString(), tenant: 'acme' },
    });
    await oldHandled;
    const fromOld = seen.at(-1)!;
    const before = Date.now();
    const newHandled = next('job:succeeded', (e) => e.job.name === 'e2e.echo');
    const id = await warren.dispatch(EchoJob, { v: 1 }, { headers: { tenant: 'acme' } });
    expect((await newHandled).job.id).toBe(id);
    const fromNew = seen.at(-1)!;
    for (const ctx of [fromOld, fromNew]) {
      expect(ctx.attempt).toBe(1);
      expect(ctx.headers.tenant).toBe('acme');
    }
    expect(fromNew.headers).toEqual({ tenant: 'acme' });
    expect(fromOld.enqueuedAt.getTime()).toBe(enqueuedMs);
    // The new shape's enqueue millisecond travels in its UUIDv7 id (the AMQP timestamp has whole seconds only).
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(fromNew.enqueuedAt.getTime()).toBe(Number.parseInt(id.replace('-', '').slice(0, 12), 16));
    expect(fromNew.enqueuedAt.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('retries through the delay queue with the attempt header counting up', async () => {
    failuresLeft = 2;
    const done = next('job:succeeded', (e) => e.job.name === 'e2e.flaky');
    const started = Date.now();
    const id = await warren.dispatch(FlakyJob, {});
    const success = await done;
    const attempts = seen.filter((ctx) => ctx.id === id).map((ctx) => ctx.attempt);
    expect(attempts).toEqual([1, 2, 3]);
    expect(success.job.attempt).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 300 - 20);
  });

  it('delays a dispatch through Q.delay.<ms>', async () => {
    const done = next('job:succeeded', (e) => e.job.name === 'e2e.echo');
    const started = Date.now();
    await warren.dispatch(EchoJob, {}, { delay: '700ms' });
    await done;
    expect(Date.now() - started).toBeGreaterThanOrEqual(680);
  });

  it.each([
    ['undecodable', Buffer.from([0x7b, 0xff, 0xfe, 0x22]), 'e2e.echo'],
    ['unknown-job', Buffer.from('{"a":1}'), 'e2e.nobody'],
    ['unknown-job', Buffer.from('{"a":1}'), undefined],
  ] as const)('dead-letters a message with reason %s and its body byte for byte', async (reason, body, type) => {
    channel.sendToQueue(QUEUE, body, type ? { type, messageId: `m-${reason}` } : {});
    const letter = await takeDeadLetter();
    expect(letter.properties.headers?.['x-warren-dead-reason']).toBe(reason);
    expect(Buffer.compare(letter.content, body)).toBe(0);
    expect(String(letter.properties.headers?.['x-warren-failed-at'])).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('dead-letters after the last attempt with the error, redacted', async () => {
    await warren.dispatch(DoomedJob, { keep: 'me' });
    const letter = await takeDeadLetter();
    const headers = letter.properties.headers!;
    expect(headers['x-warren-dead-reason']).toBe('attempts-exhausted');
    expect(headers['x-warren-attempt']).toBe(2);
    expect(String(headers['x-warren-error'])).toContain('database password');
    expect(String(headers['x-warren-error'])).not.toContain('hunter2');
    expect(letter.content.toString()).toBe('{"keep":"me"}');
    expect(letter.properties.type).toBe('e2e.doomed');
  });

  it('dead-letters Unrecoverable at once and a timed-out last attempt as timeout', async () => {
    await warren.dispatch(FatalJob, {});
    const fatal = await takeDeadLetter();
    expect(fatal.properties.headers?.['x-warren-dead-reason']).toBe('unrecoverable');
    expect(fatal.properties.headers?.['x-warren-attempt']).toBe(1);
    await warren.dispatch(SlowJob, {});
    const slow = await takeDeadLetter();
    expect(slow.properties.headers?.['x-warren-dead-reason']).toBe('timeout');
  });

  it('publishes the wire format of DESIGN.md', async () => {
    const probe = `${QUEUE}.probe`;
    await channel.assertQueue(probe, { durable: false, autoDelete: true });
    // Route a dispatch to a pipeline-less queue by name: read what Warren puts on the wire.
    await warren.stop();
    const id = await warren.dispatch(EchoJob, { n: 1 }, { priority: 3, headers: { tenant: 'acme' } });
    const message = await channel.get(QUEUE, { noAck: true });
    expect(message).not.toBe(false);
    const { properties, content } = message as amqplib.GetMessage;
    expect(content.toString()).toBe('{"n":1}');
    // A first attempt in the light shape: no content_encoding, no x-warren-attempt / x-warren-enqueued-at.
    expect(properties).toMatchObject({ contentType: 'application/json', messageId: id, type: 'e2e.echo', deliveryMode: 2, priority: 3 });
    expect(properties.contentEncoding).toBeUndefined();
    expect(properties.timestamp).toBeGreaterThan(1_600_000_000);
    expect(properties.timestamp).toBeLessThan(10_000_000_000);
    expect(properties.headers).toEqual({ tenant: 'acme' });
    expect(Math.floor(Number.parseInt(id.replace('-', '').slice(0, 12), 16) / 1000)).toBe(properties.timestamp);
    await channel.deleteQueue(probe);
  });
});
