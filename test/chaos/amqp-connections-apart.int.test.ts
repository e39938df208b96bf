/*
 * Publishing and consuming on separate connections (issue #18, point 3). Under a memory alarm RabbitMQ blocks
 * connections that publish and stops reading from them; with one shared connection the worker's acks stalled too.
 * Here a worker with a backlog keeps handling and acking (prefetch 1: each next delivery needs the previous ack),
 * the queue depth falls, dispatches made meanwhile wait in the outbox, and they are confirmed once the alarm lifts.
 * The alarm is always lifted in `finally` (withMemoryAlarm) and by the exit safety net.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import '../../packages/amqp/dist/index.js';
import { Job, JobRegistry, Warren, type JobContext } from '../support/warren-packages.js';
import { connectionsOf, deleteQueuesWithPrefix, listQueues, withMemoryAlarm } from '../support/broker-control.js';
import { installBrokerSafetyNet } from '../support/broker-safety-net.js';
import { LogCapture } from '../support/log-capture.js';
import { DEFAULT_TEST_AMQP_URL } from '../support/require-broker.js';

const AMQP_URL = process.env.WARREN_TEST_AMQP_URL ?? DEFAULT_TEST_AMQP_URL;
const handled = new Map<string, number>();

@Job('apart.work', { pipeline: 'apart', attempts: 1 })
class ApartWork {
  async handle(_payload: unknown, ctx: JobContext) {
    handled.set(ctx.id, (handled.get(ctx.id) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, 15)); // a backlog that takes seconds to drain
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
beforeAll(() => installBrokerSafetyNet());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function depthOf(queue: string): Promise<number> {
  return (await listQueues()).find((q) => q.name === queue)?.messages ?? Number.NaN;
}

describe('amqp: publishing and consuming apart', () => {
  it('keeps handling and acking a backlog under a memory alarm while dispatches wait, then confirms them', async () => {
    const suffix = randomUUID().slice(0, 8);
    const queue = `apart-${suffix}`;
    const connectionName = `warren-apart-${suffix}`;
    const logs = new LogCapture();
    const registry = new JobRegistry();
    registry.add(ApartWork);
    const warren = await Warren.fromConfig({
      version: 1,
      amqp: { urls: [AMQP_URL], connection_name: connectionName, redial: { schedule: ['50ms', '200ms'] } },
      jobs: { pipelines: { apart: { driver: 'amqp', concurrency: 1, options: { queue, prefetch: 1 } } } },
      http: { enabled: false },
    }, { registry, logger: logs.logger });
    cleanups.push(() => deleteQueuesWithPrefix(queue), () => warren.close());
    await warren.run();
    expect((await connectionsOf(connectionName)).map((c) => c.connectionName)).toEqual([`${connectionName}/consume`, `${connectionName}/publish`]);

    const backlog = await Promise.all(Array.from({ length: 400 }, () => warren.dispatch(ApartWork, {})));
    await until('the worker has started on the backlog', () => handled.size >= 10, 10_000);

    const duringAlarm: Array<Promise<string>> = [];
    let confirmedDuringAlarm = 0;
    await withMemoryAlarm(async () => {
      const depthAtAlarm = await depthOf(queue);
      const handledAtAlarm = handled.size;
      // RabbitMQ blocks a connection when it publishes under the alarm: these dispatches are what gets it blocked.
      for (let i = 0; i < 20; i++) {
        const dispatched = warren.dispatch(ApartWork, {});
        dispatched.then(() => void confirmedDuringAlarm++, () => undefined);
        duringAlarm.push(dispatched);
      }
      await until('the publish connection is blocked', () => warren.health().drivers[0]?.connections?.publish === 'blocked', 10_000);
      // prefetch 1: every delivery after the first needs the ack of the one before it.
      await until('the worker handled 40 more jobs under the alarm', () => handled.size >= handledAtAlarm + 40, 10_000);
      const depthLater = await depthOf(queue);
      expect(depthLater, 'the queue depth falls while publishing is blocked').toBeLessThan(depthAtAlarm);
      expect(confirmedDuringAlarm, 'dispatches made under the alarm wait in the outbox').toBe(0);
      const health = warren.health();
      expect(health.drivers[0]?.connections).toEqual({ publish: 'blocked', consume: 'ready' });
      expect(health.ready, `ready while consuming goes on: ${health.reasons.join('; ')}`).toBe(true);
    });

    const late = await Promise.all(duringAlarm);
    const every = [...backlog, ...late];
    await until('every job handled', () => every.every((id) => handled.has(id)), 30_000);
    expect(every.filter((id) => handled.get(id) !== 1), 'each job ran once').toEqual([]);
    expect(logs.matching('amqp.connection.blocked').map((line) => JSON.parse(line).role), 'the log names the blocked connection').toEqual(['publish']);
  });
});
