/*
 * What RabbitMQ itself drops from Q ends in Q.dlq (issue 11, point 10): Q is declared with x-dead-letter-exchange ""
 * and x-dead-letter-routing-key Q.dlq, classic and quorum. A quorum queue's delivery limit and a classic queue's TTL
 * expiry land in Q.dlq, and `warren dlq list` shows them as broker:<x-death reason>. A Q declared without these
 * arguments (by an older Warren) makes `doctor --connect` name the mismatch and its fix, and `warren run` fail with
 * WARREN_ERR_AMQP_TOPOLOGY_MISMATCH; the documented fix then works. Each test has its own queues, deleted at the end,
 * and a good job follows each hostile one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import amqplib from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import * as amqp from '../../packages/amqp/dist/index.js';
import {
  DriverRegistry, Job, JobRegistry, Warren, createSilentLogger, type JobContext,
} from '../support/warren-packages.js';
import { TEST_AMQP_URL, deletePipelineQueues, uniqueQueueName, withRawChannel } from '../support/pipeline-queues.js';
import { withDeadline } from '../support/with-deadline.js';
import { SLEEP_JOB_MODULE, eventually, makeProject, readyCount, runWarren, startWarren as startCli, workerYaml } from './cli-harness.js';

/** Runs of each handler, by job id. */
const runs = new Map<string, number>();
const countRun = (ctx: JobContext) => runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1);
/** The driver of the Warren under test (for the crash emulation). */
let liveDriver: amqp.AmqpDriver | undefined;
/** Releases the job that keeps the only worker slot busy. */
let releaseBusy: () => void = () => undefined;

@Job('broker.crash', { pipeline: 'work', attempts: 5 })
class CrashJob {
  /** Emulates a worker that dies mid-job: the consumer channel closes with the delivery unacked, so the broker takes it back. */
  async handle(_payload: unknown, ctx: JobContext) {
    countRun(ctx);
    await liveDriver?.testHooks.consumerChannel('work')?.close();
  }
}

@Job('broker.busy', { pipeline: 'work' })
class BusyJob {
  handle(_payload: unknown, ctx: JobContext) {
    countRun(ctx);
    return new Promise<void>((resolve) => (releaseBusy = resolve));
  }
}

@Job('broker.echo', { pipeline: 'work' })
class EchoJob {
  handle(_payload: unknown, ctx: JobContext) {
    countRun(ctx);
  }
}

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  releaseBusy();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  runs.clear();
  liveDriver = undefined;
});

/** Warren on one AMQP pipeline `work` (queue `queue`), running; the driver it creates is kept in liveDriver. */
async function startWarren(queue: string, options: Record<string, unknown>, concurrency = 2): Promise<Warren> {
  const definition = amqp.amqpDriverDefinition;
  const capturing: typeof definition = { ...definition, create: (context) => (liveDriver = definition.create(context) as amqp.AmqpDriver) };
  const registry = new JobRegistry();
  for (const job of [CrashJob, BusyJob, EchoJob]) registry.add(job);
  const warren = await Warren.fromConfig({
    version: 1,
    amqp: { urls: [TEST_AMQP_URL], redial: { schedule: ['50ms', '200ms'] } },
    jobs: { pipelines: { work: { driver: 'amqp', concurrency, options: { queue, prefetch: concurrency, ...options } } } },
    http: { enabled: false },
  }, { registry, drivers: new DriverRegistry().register(capturing), logger: createSilentLogger() });
  cleanups.push(() => deletePipelineQueues(queue));
  cleanups.push(() => warren.close());
  await warren.run();
  return warren;
}

async function handledOnce(warren: Warren, id: Promise<string>): Promise<void> {
  const jobId = await id;
  await eventually(async () => runs.get(jobId) ?? 0, (count) => count >= 1, `job ${jobId} to be handled`, 10_000);
  expect(runs.get(jobId)).toBe(1);
  expect(await warren.inspect('work')).toMatchObject({ ready: 0 });
}

describe('what the broker drops from Q lands in Q.dlq', () => {
  it('dead-letters a message that crashes its worker past a quorum queue\'s x-delivery-limit; dlq list shows broker:delivery_limit', async () => {
    const queue = uniqueQueueName('warren-broker-dl');
    // x-delivery-limit 2 emulates RabbitMQ 4's default of 20 for quorum queues (3.10 has none by default but honours the argument).
    const warren = await startWarren(queue, { queue_type: 'quorum', delivery_limit: 2 });
    const id = await warren.dispatch(CrashJob, { n: 1 });
    await eventually(() => warren.inspect('work'), (stats) => stats.deadLettered === 1, 'the crashing job to reach Q.dlq', 20_000);
    expect(runs.get(id), 'the first delivery and 2 redeliveries').toBe(3);
    expect(await warren.inspect('work')).toMatchObject({ ready: 0, deadLettered: 1 });

    const { dir, cleanup } = makeProject({
      'warren.yaml': workerYaml({ queue }).replace(`options: { queue: ${queue} }`, `options: { queue: ${queue}, queue_type: quorum, delivery_limit: 2 }`),
    });
    cleanups.push(cleanup);
    const list = await runWarren(['dlq', 'list', 'work'], dir);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${id} +broker\\.crash +broker:delivery_limit +\\d{4}-\\d\\d-\\d\\dT\\S+ +RabbitMQ dead-lettered it from .* \\{"n":1\\}`));
    const [letter] = await warren.peekDeadLetters('work', 1);
    expect(letter?.body.toString()).toBe('{"n":1}');
    expect(runs.get(id), 'nothing ran it again').toBe(3);

    await handledOnce(warren, warren.dispatch(EchoJob, { good: true }));
  });

  it('dead-letters a message whose TTL ran out in a busy classic Q; it never runs and shows as broker:expired', async () => {
    const queue = uniqueQueueName('warren-broker-ttl');
    const warren = await startWarren(queue, {}, 1);
    const busyId = await warren.dispatch(BusyJob, {});
    await eventually(async () => runs.get(busyId) ?? 0, (count) => count === 1, 'the busy job to take the only slot', 10_000);
    // A foreign producer's per-message TTL: it expires while it waits behind the busy job.
    await withRawChannel(async (channel) => {
      channel.sendToQueue(queue, Buffer.from('{"stale":true}'), { type: 'broker.echo', messageId: 'stale-1', expiration: '100' });
      await channel.checkQueue(queue);
    });
    await eventually(() => warren.inspect('work'), (stats) => stats.deadLettered === 1, 'the expired message to reach Q.dlq', 10_000);
    releaseBusy();

    const [letter] = await warren.peekDeadLetters('work', 5);
    expect(letter?.properties).toMatchObject({ messageId: 'stale-1', type: 'broker.echo' });
    expect(letter?.properties.headers['x-warren-dead-reason']).toBe('broker:expired');
    expect(letter?.body.toString()).toBe('{"stale":true}');
    expect(runs.get('stale-1')).toBeUndefined();
    expect(runs.get(busyId)).toBe(1);

    await handledOnce(warren, warren.dispatch(EchoJob, { good: true }));
  });
});

describe('a Q declared without dead-lettering to Q.dlq (an older Warren)', () => {
  it('makes doctor --connect name the mismatch and its fix, and warren run fail naming queue and argument; the fix works', async () => {
    const queue = uniqueQueueName('warren-broker-old');
    cleanups.push(() => deletePipelineQueues(queue));
    // What Warren declared before Q dead-lettered to Q.dlq, with one job waiting in it.
    await withRawChannel(async (channel) => {
      for (const name of [queue, `${queue}.dlq`]) await channel.assertQueue(name, { durable: true, arguments: { 'x-queue-type': 'classic' } });
      channel.sendToQueue(queue, Buffer.from(JSON.stringify({ tag: 'kept', ms: 1 })), { type: 'test.sleep', messageId: 'kept-1', persistent: true });
      await channel.checkQueue(queue);
    });
    const { dir, cleanup } = makeProject({ 'warren.yaml': workerYaml({ queue }), 'jobs/sleep.js': SLEEP_JOB_MODULE });
    cleanups.push(cleanup);

    const doctor = await runWarren(['doctor', '--connect'], dir);
    expect(doctor.code, doctor.stdout).toBe(1);
    const escaped = queue.replaceAll('.', '\\.');
    expect(doctor.stdout).toMatch(new RegExp(`mismatch +queue ${escaped} \\(pipeline work\\): queue "${escaped}" exists with different arguments: x-dead-letter-exchange .*WARREN_ERR_AMQP_TOPOLOGY_MISMATCH.*; fix: .*rabbitmqctl delete_queue ${escaped}`));

    const refused = startCli(['run'], dir);
    cleanups.push(() => refused.kill());
    expect(await refused.exitCode(20_000)).not.toBe(0);
    const output = [...refused.stdout, ...refused.stderr].join('\n');
    expect(output).toContain('WARREN_ERR_AMQP_TOPOLOGY_MISMATCH');
    expect(output).toContain(`queue "${queue}"`);
    expect(output).toContain('x-dead-letter-exchange');
    expect(await readyCount(queue), 'the waiting job is untouched').toBe(1);

    // The fix: take the messages out, delete Q, let warren run declare it, put them back.
    const kept = await withRawChannel(async (channel) => {
      const message = await channel.get(queue, { noAck: true });
      await channel.deleteQueue(queue);
      return message as amqplib.GetMessage;
    });
    const worker = startCli(['run'], dir);
    cleanups.push(() => worker.kill());
    await worker.waitForLog((log) => typeof log.msg === 'string' && log.msg.startsWith('warren started'), 'the worker to start');
    await withRawChannel(async (channel) => {
      channel.sendToQueue(queue, kept.content, { ...kept.properties, headers: kept.properties.headers ?? {} });
      await channel.checkQueue(queue);
    });
    const ledger = join(dir, 'ledger.txt');
    const finished = () => Promise.resolve(existsSync(ledger) ? readFileSync(ledger, 'utf8').split('\n').filter((line) => line.startsWith('finished kept')) : []);
    await eventually(finished, (lines) => lines.length === 1, 'the kept job to run once', 20_000);
    expect(await readyCount(queue)).toBe(0);
    worker.child.kill('SIGTERM');
    expect(await withDeadline(worker.exitCode(), 20_000, 'the worker to exit')).toBe(0);
  });
});
