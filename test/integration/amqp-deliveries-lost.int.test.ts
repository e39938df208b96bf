/*
 * Deliveries die with their channel (issue #18, point 2). With prefetch 50 and concurrency 1 a worker holds up to 49
 * deliveries waiting for its one slot. When the consume connection is forced closed, the broker requeues all of them:
 * a waiting one must be dropped (not run now AND again when redelivered) and a running one aborted with its outcome
 * ignored. So for every job executions ≤ deliveries (redeliveries + 1), and only a job running at a close runs twice:
 * before, a prefetch's worth of jobs ran twice on every reconnect. Deliveries are counted where amqplib hands them
 * to the driver (Channel#consume wrapped for this test's queue only).
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import '../../packages/amqp/dist/index.js';
import { Job, JobRegistry, Warren, createSilentLogger, type JobContext } from '../support/warren-packages.js';
import { closeConnectionsExactlyNamed, deleteQueuesWithPrefix } from '../support/broker-control.js';
import { DEFAULT_TEST_AMQP_URL } from '../support/require-broker.js';

const AMQP_URL = process.env.WARREN_TEST_AMQP_URL ?? DEFAULT_TEST_AMQP_URL;
const executions = new Map<string, number>();
const abortReasons: unknown[] = [];

@Job('lost.work', { pipeline: 'lost', attempts: 1 })
class LostWork {
  async handle(_payload: unknown, ctx: JobContext) {
    executions.set(ctx.id, (executions.get(ctx.id) ?? 0) + 1);
    ctx.signal.addEventListener('abort', () => abortReasons.push(ctx.signal.reason));
    await new Promise((resolve) => setTimeout(resolve, 25)); // slow enough that a close (rabbitmqctl takes ~1 s) hits held work
  }
}

type ConsumeCallback = (message: { properties: { messageId?: string } } | null) => void;
interface ChannelPrototype { consume(queue: string, callback: ConsumeCallback, options?: unknown): Promise<unknown> }

/** Counts every delivery amqplib hands over for `queue`, by message id; returns the counts and the undo. */
async function countDeliveries(queue: string): Promise<{ deliveries: Map<string, number>; restore: () => void }> {
  // The driver's amqplib (resolved from packages/amqp; one pinned version in the store) is the one patched here.
  // Its Channel class is not exported, so it is taken from a channel of a throwaway connection.
  const amqplib = createRequire(new URL('../../packages/amqp/package.json', import.meta.url))('amqplib') as typeof import('amqplib');
  const connection = await amqplib.connect(AMQP_URL);
  const prototype = Object.getPrototypeOf(await connection.createChannel()) as ChannelPrototype;
  await connection.close();
  const deliveries = new Map<string, number>();
  const original = prototype.consume;
  prototype.consume = function countingConsume(this: unknown, consumed, callback, options) {
    if (consumed !== queue) return original.call(this, consumed, callback, options);
    return original.call(this, consumed, (message) => {
      const id = message?.properties.messageId;
      if (id) deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
      callback(message);
    }, options);
  };
  return { deliveries, restore: () => void (prototype.consume = original) };
}

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('amqp: deliveries die with their channel', () => {
  it('never runs a job more often than it was delivered, through forced closes with prefetch 50 and concurrency 1', async () => {
    const suffix = randomUUID().slice(0, 8);
    const queue = `lost-${suffix}`;
    const connectionName = `warren-lost-${suffix}`;
    const counter = await countDeliveries(queue);
    cleanups.push(counter.restore);
    const registry = new JobRegistry();
    registry.add(LostWork);
    const warren = await Warren.fromConfig({
      version: 1,
      amqp: { urls: [AMQP_URL], connection_name: connectionName, redial: { schedule: ['50ms', '200ms'] } },
      jobs: { pipelines: { lost: { driver: 'amqp', concurrency: 1, options: { queue, prefetch: 50 } } } },
      http: { enabled: false },
    }, { registry, logger: createSilentLogger() });
    cleanups.push(() => deleteQueuesWithPrefix(queue), () => warren.close());
    await warren.run();

    const ids = await Promise.all(Array.from({ length: 600 }, () => warren.dispatch(LostWork, {})));
    for (let close = 1; close <= 3; close++) {
      await until(`${close * 150} jobs ran`, () => executions.size >= close * 150, 30_000);
      expect(await closeConnectionsExactlyNamed(`${connectionName}/consume`, 'deliveries-lost test: forced close'), 'consume connections closed').toBe(1);
    }
    await until('every job ran', () => ids.every((id) => executions.has(id)), 60_000);

    const overRun = ids.filter((id) => (executions.get(id) ?? 0) > (counter.deliveries.get(id) ?? 0))
      .map((id) => `${id}: ran ${executions.get(id)}x, delivered ${counter.deliveries.get(id) ?? 0}x`);
    expect(overRun, 'jobs that ran more often than the broker delivered them').toEqual([]);
    const totalDeliveries = [...counter.deliveries.values()].reduce((a, b) => a + b, 0);
    const totalExecutions = [...executions.values()].reduce((a, b) => a + b, 0);
    console.info(`[deliveries-lost] deliveries=${totalDeliveries} executions=${totalExecutions} jobs=${ids.length} aborted-running=${abortReasons.length}`);
    const redelivered = ids.filter((id) => (counter.deliveries.get(id) ?? 0) > 1).length;
    // The closes hit while deliveries were held: without redeliveries this test would prove nothing.
    expect(redelivered, 'jobs the broker redelivered after the forced closes').toBeGreaterThan(20);
    // The point: deliveries held waiting when their channel died were dropped, not run and then run again when
    // redelivered (before: up to a prefetch's worth, ~49, per close). Per close, a job may run twice only when it was
    // running (aborted, `concurrency` = 1) or had just finished with its ack still on the wire (at-least-once): 2.
    expect(totalExecutions - ids.length, `second runs (redelivered: ${redelivered} jobs)`).toBeLessThanOrEqual(2 * 3);
    for (const reason of abortReasons) expect(reason).toMatchObject({ code: 'WARREN_ERR_WORKER_DELIVERY_LOST', reason: 'delivery-lost' });
  });
});
