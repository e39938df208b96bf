import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Delivery } from '../../../../src/driver/driver.js';
import type { WireMessage } from '../../../../src/driver/wire-message.js';
import { isWarrenError } from '../../../../src/errors/warren-error.js';
import { MemoryDriver } from '../../../../src/drivers/memory/memory-driver.js';
import { memoryDriver } from '../../../../src/drivers/memory/memory-driver-definition.js';
import { encodeJob } from '../../../../src/worker/encode-job.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function message(label: string, priority?: number): WireMessage {
  return encodeJob({ name: 'test.job', priority }, { label });
}

function labelOf(delivery: Pick<Delivery, 'body'>): string {
  return (JSON.parse(delivery.body.toString('utf8')) as { label: string }).label;
}

/** Collects deliveries of a pipeline without settling them. */
async function collect(driver: MemoryDriver, pipeline: string, prefetch = 0): Promise<Delivery[]> {
  const received: Delivery[] = [];
  await driver.consume(pipeline, { prefetch, onDelivery: (delivery) => received.push(delivery) });
  return received;
}

let driver: MemoryDriver;
afterEach(async () => {
  vi.useRealTimers();
  await driver?.close();
});

describe('MemoryDriver', () => {
  it('delivers published messages in FIFO order once started, as copies', async () => {
    driver = new MemoryDriver();
    const original = message('a');
    await driver.publish('p', original);
    await driver.publish('p', message('b'));
    const received = await collect(driver, 'p');
    await flush();
    expect(received).toHaveLength(0); // not started yet
    await driver.start();
    await flush();
    expect(received.map(labelOf)).toEqual(['a', 'b']);
    original.body.fill(0);
    expect(labelOf(received[0]!)).toBe('a');
    expect(received[0]!.properties.messageId).toBe(original.properties.messageId);
    expect(received[0]!.redelivered).toBe(false);
  });

  it('delivers higher priority first, FIFO within a priority', async () => {
    driver = new MemoryDriver();
    for (const [label, priority] of [['low1', 1], ['none', undefined], ['high', 9], ['low2', 1]] as const) {
      await driver.publish('p', message(label, priority));
    }
    const received = await collect(driver, 'p');
    await driver.start();
    await flush();
    expect(received.map(labelOf)).toEqual(['high', 'low1', 'low2', 'none']);
  });

  it('never hands a consumer more unsettled deliveries than its prefetch', async () => {
    driver = new MemoryDriver();
    await driver.start();
    for (const label of ['a', 'b', 'c', 'd']) await driver.publish('p', message(label));
    const received = await collect(driver, 'p', 2);
    await flush();
    expect(received.map(labelOf)).toEqual(['a', 'b']);
    expect(await driver.inspect('p')).toMatchObject({ ready: 2, unacked: 2, consumers: 1 });
    received[0]!.ack();
    received[0]!.ack(); // settling twice is ignored
    await flush();
    expect(received.map(labelOf)).toEqual(['a', 'b', 'c']);
    expect(await driver.inspect('p')).toMatchObject({ ready: 1, unacked: 2 });
  });

  it('puts a requeued message back at the head, marked redelivered', async () => {
    driver = new MemoryDriver();
    await driver.start();
    for (const label of ['a', 'b']) await driver.publish('p', message(label));
    const received = await collect(driver, 'p', 1);
    await flush();
    received[0]!.requeue();
    await flush();
    expect(received.map(labelOf)).toEqual(['a', 'a']);
    expect(received[1]!.redelivered).toBe(true);
  });

  it('holds a delayed publish until its delay passes, and cancels it on close', async () => {
    vi.useFakeTimers();
    driver = new MemoryDriver();
    await driver.start();
    const received = await collect(driver, 'p');
    await driver.publish('p', message('later'), { delayMs: 5_000 });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(received).toHaveLength(0);
    expect(await driver.inspect('p')).toMatchObject({ delayed: 1, ready: 0 });
    await vi.advanceTimersByTimeAsync(1);
    expect(received.map(labelOf)).toEqual(['later']);
    await driver.publish('p', message('never'), { delayMs: 1_000 });
    await driver.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('holds a publish delayed by 30 days (beyond setTimeout\'s 32-bit ceiling) for the whole 30 days', async () => {
    vi.useFakeTimers();
    driver = new MemoryDriver();
    await driver.start();
    const received = await collect(driver, 'p');
    const thirtyDaysMs = 30 * 86_400_000;
    await driver.publish('p', message('next month'), { delayMs: thirtyDaysMs });
    await vi.advanceTimersByTimeAsync(thirtyDaysMs - 1);
    expect(received).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(received.map(labelOf)).toEqual(['next month']);
  });

  it('stores, peeks, replays and purges dead letters', async () => {
    driver = new MemoryDriver();
    await driver.start();
    for (const label of ['d1', 'd2', 'd3']) await driver.deadLetter('p', message(label));
    expect((await driver.peekDeadLetters('p', 2)).map(labelOf)).toEqual(['d1', 'd2']);
    expect((await driver.inspect('p')).deadLettered).toBe(3);
    const received = await collect(driver, 'p');
    const replayed = await driver.replayDeadLetters('p', (m) => ({ ...m, properties: { ...m.properties, headers: { replayed: true } } }), 1);
    expect(replayed).toBe(1);
    await flush();
    expect(received.map(labelOf)).toEqual(['d1']);
    expect(received[0]!.properties.headers).toEqual({ replayed: true });
    expect(await driver.purgeDeadLetters('p')).toBe(2);
    expect((await driver.inspect('p')).deadLettered).toBe(0);
  });

  it('keeps every dead letter, in order, when the replay transform throws', async () => {
    driver = new MemoryDriver();
    await driver.start();
    for (const label of ['d1', 'd2', 'd3']) await driver.deadLetter('p', message(label));
    let calls = 0;
    const failing = (m: WireMessage): WireMessage => {
      if (++calls === 2) throw new Error('transform failed');
      return m;
    };
    await expect(driver.replayDeadLetters('p', failing)).rejects.toThrow('transform failed');
    expect((await driver.peekDeadLetters('p', 10)).map(labelOf)).toEqual(['d1', 'd2', 'd3']);
    expect((await driver.inspect('p')).ready).toBe(0);
  });

  it('shares one queue between pipelines naming the same queue, and rejects unknown pipelines', async () => {
    driver = new MemoryDriver({ pipelines: [
      { name: 'a', concurrency: 1, options: { queue: 'shared' } },
      { name: 'b', concurrency: 1, options: { queue: 'shared' } },
    ] });
    await driver.start();
    await driver.publish('a', message('via-a'));
    const received = await collect(driver, 'b');
    await flush();
    expect(received.map(labelOf)).toEqual(['via-a']);
    const error = await driver.publish('c', message('x')).catch((e: unknown) => e);
    expect(isWarrenError(error, 'WARREN_ERR_DRIVER_NOT_FOUND_PIPELINE')).toBe(true);
  });

  it('reports state changes and status, stops consuming on close and refuses work after it', async () => {
    driver = new MemoryDriver();
    const states: string[] = [];
    driver.events.on('driver:state', ({ from, to }) => states.push(`${from}->${to}`));
    const consumer = await driver.consume('p', { prefetch: 1, onDelivery: () => {} });
    expect(consumer.isConsuming).toBe(false);
    await driver.start();
    expect(consumer.isConsuming).toBe(true);
    expect(driver.status()).toMatchObject({ driver: 'memory', state: 'ready', gauges: { queues: 1 } });
    const closing = driver.close();
    expect(driver.close()).toBe(closing);
    await closing;
    expect(states).toEqual(['idle->ready', 'ready->closing', 'closing->closed']);
    expect(consumer.isConsuming).toBe(false);
    const error = await driver.publish('p', message('late')).catch((e: unknown) => e);
    expect(isWarrenError(error, 'WARREN_ERR_DRIVER_CLOSED')).toBe(true);
  });

  it('stops delivering to a cancelled consumer', async () => {
    driver = new MemoryDriver();
    await driver.start();
    const received: Delivery[] = [];
    const consumer = await driver.consume('p', { prefetch: 0, onDelivery: (d) => received.push(d) });
    await consumer.cancel();
    await driver.publish('p', message('a'));
    await flush();
    expect(received).toHaveLength(0);
    expect(await driver.inspect('p')).toMatchObject({ ready: 1, consumers: 0 });
  });
});

describe('memoryDriver definition', () => {
  it('is named memory and accepts only a documented `queue` option', () => {
    expect(memoryDriver.name).toBe('memory');
    expect(memoryDriver.optionsSchema.parse({ queue: 'q' })).toEqual({ queue: 'q' });
    expect(memoryDriver.optionsSchema.safeParse({ prefetch: 10 }).success).toBe(false);
    const shape = (memoryDriver.optionsSchema as unknown as { shape: Record<string, { description?: string }> }).shape;
    expect(shape.queue?.description).toMatch(/queue/);
  });
});
