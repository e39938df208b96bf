/*
 * A header table nested 5000 levels deep (issue 11, point 9), published as raw frames (amqplib's own encoder recurses
 * too). Plain amqplib cannot take it: its decoder overflows the stack and the whole connection closes, and the broker
 * redelivers it to the next consumer, which dies the same way. Warren's connection guard replaces those headers before
 * amqplib decodes them: the message ends in Q.dlq as `undecodable` (body and properties kept), its handler never runs,
 * the connection and the other pipeline stay up, and good jobs after it are handled. Queues are deleted at the end.
 */
import amqplib from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import * as amqp from '../../packages/amqp/dist/index.js';
import { DriverRegistry, Job, JobRegistry, Warren, createSilentLogger, type JobContext } from '../support/warren-packages.js';
import { TEST_AMQP_URL, deletePipelineQueues, uniqueQueueName, withRawChannel } from '../support/pipeline-queues.js';
import { withDeadline } from '../support/with-deadline.js';
import { contentHeader, frame, nestedTable, shortString } from '../../packages/amqp/test/fakes/header-frames.js';
import { eventually } from './cli-harness.js';

const DEPTH = 5_000;
/** Runs of each handler, by job id. */
const runs = new Map<string, number>();

@Job('deep.echo', { pipeline: 'deep' })
class DeepEchoJob {
  handle(_payload: unknown, ctx: JobContext) {
    runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1);
  }
}

@Job('other.echo', { pipeline: 'other' })
class OtherEchoJob {
  handle(_payload: unknown, ctx: JobContext) {
    runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1);
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  runs.clear();
});

/** Publishes one message to `queue` as raw frames: a content header whose headers table nests DEPTH levels deep. */
async function publishDeep(queue: string, messageId: string, body: Buffer): Promise<void> {
  await withRawChannel(async (channel) => {
    const { ch, connection } = channel as unknown as { ch: number; connection: { sendBytes(bytes: Buffer): void } };
    const method = Buffer.concat([Buffer.from([0, 60, 0, 40, 0, 0]), shortString(''), shortString(queue), Buffer.from([0])]); // basic.publish
    const header = contentHeader({ bodySize: body.length, contentType: 'application/json', headers: nestedTable(DEPTH), messageId, type: 'deep.echo' });
    connection.sendBytes(Buffer.concat([frame(1, ch, method), frame(2, ch, header), frame(3, ch, body)]));
    await channel.checkQueue(queue); // one round trip on the same channel: the publish was routed
  });
}

async function readyCount(queue: string): Promise<number> {
  return withRawChannel(async (channel) => (await channel.checkQueue(queue)).messageCount);
}

describe('headers nested 5000 levels deep', () => {
  it('kill a plain amqplib consumer\'s connection, and the broker hands the message to the next one', async () => {
    const queue = uniqueQueueName('warren-deep-raw');
    cleanups.push(() => deletePipelineQueues(queue));
    await withRawChannel((channel) => channel.assertQueue(queue, { durable: true }));
    await publishDeep(queue, 'deep-raw', Buffer.from('{"n":0}'));
    for (const consumerNumber of [1, 2]) {
      const connection = await amqplib.connect(TEST_AMQP_URL);
      const died = new Promise<Error>((resolve) => connection.on('error', resolve));
      const channel = await connection.createChannel();
      await channel.consume(queue, () => undefined);
      const error = await withDeadline(died, 10_000, `consumer ${consumerNumber}'s connection to die`);
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toContain('Maximum call stack size exceeded');
      await eventually(() => readyCount(queue), (count) => count === 1, 'the message to be back in the queue', 10_000);
    }
  });

  it('end in Q.dlq as undecodable through Warren, without a reconnect; the handler never runs and the other pipeline carries on', async () => {
    const deepQueue = uniqueQueueName('warren-deep');
    const otherQueue = uniqueQueueName('warren-deep-other');
    cleanups.push(() => deletePipelineQueues(deepQueue, otherQueue));
    let driver: amqp.AmqpDriver | undefined;
    const definition = amqp.amqpDriverDefinition;
    const capturing: typeof definition = { ...definition, create: (context) => (driver = definition.create(context) as amqp.AmqpDriver) };
    const registry = new JobRegistry();
    registry.add(DeepEchoJob);
    registry.add(OtherEchoJob);
    const warren = await Warren.fromConfig({
      version: 1,
      amqp: { urls: [TEST_AMQP_URL] },
      jobs: {
        pipelines: {
          deep: { driver: 'amqp', concurrency: 2, options: { queue: deepQueue } },
          other: { driver: 'amqp', concurrency: 2, options: { queue: otherQueue } },
        },
      },
      http: { enabled: false },
    }, { registry, drivers: new DriverRegistry().register(capturing), logger: createSilentLogger() });
    cleanups.push(() => warren.close());
    await warren.run();
    const losses: unknown[] = [];
    driver?.connections.onEither('connection:lost', (lost) => losses.push(lost));
    const generation = driver?.status().gauges.generation;

    const body = Buffer.from('{"n":1,"note":"byte for byte é"}');
    await publishDeep(deepQueue, 'deep-1', body);
    await eventually(() => warren.inspect('deep'), (stats) => stats.deadLettered === 1, 'the deep message to reach Q.dlq', 15_000);
    const [letter] = await warren.peekDeadLetters('deep', 5);
    expect(letter?.properties).toMatchObject({ messageId: 'deep-1', type: 'deep.echo', contentType: 'application/json' });
    expect(letter?.properties.headers).toMatchObject({
      'x-warren-dead-reason': 'undecodable',
      'x-warren-headers-dropped': 'the headers table nests deeper than 100 levels',
      'x-warren-attempt': 1,
    });
    expect(String(letter?.properties.headers['x-warren-error'])).toContain('WARREN_ERR_JOB_UNDECODABLE: message deep-1: its headers could not be decoded');
    expect(letter?.body.equals(body)).toBe(true);
    expect(runs.get('deep-1'), 'the handler never ran').toBeUndefined();
    expect(await warren.inspect('deep')).toMatchObject({ ready: 0, deadLettered: 1 });

    const goodIds = [await warren.dispatch(DeepEchoJob, { good: 1 }), await warren.dispatch(OtherEchoJob, { good: 2 })];
    await eventually(async () => goodIds.map((id) => runs.get(id) ?? 0), (counts) => counts.every((count) => count === 1), 'both good jobs to run', 10_000);
    expect(losses, 'the connection never dropped').toEqual([]);
    expect(driver?.status().gauges.generation).toBe(generation);
    expect(warren.health().ready).toBe(true);
  });
});
