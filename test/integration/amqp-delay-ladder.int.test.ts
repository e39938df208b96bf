/*
 * The delay ladder on RabbitMQ (issue 11, point 5): delayed dispatches with a distinct millisecond each, and retries
 * with jittered backoff, share a few Q.delay.<step> queues instead of one per millisecond; each job runs no earlier
 * than asked and at most 10 % + 50 ms late (plus broker latency); a delay over 7 days is refused with a coded error and
 * publishes nothing. Each test has its own queue, deleted at the end, and sends a good job after the hostile ones.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import * as amqp from '../../packages/amqp/dist/index.js';
import { Job, JobRegistry, Warren, createSilentLogger, type JobContext, type WarrenEventMap } from '../support/warren-packages.js';
import { listQueues } from '../support/broker-control.js';
import { LogCapture } from '../support/log-capture.js';
import { TEST_AMQP_URL as AMQP_URL, deletePipelineQueues, uniqueQueueName, withRawChannel } from '../support/pipeline-queues.js';
import { withDeadline } from '../support/with-deadline.js';

/** Broker TTL timers, the dead-letter hop and our consumer: what a delivery may add beyond its ladder step. */
const BROKER_SLACK_MS = 400;
/** RabbitMQ checks TTLs with its own timer; a message may surface a few ms before our clock says the delay is over. */
const EARLY_TOLERANCE_MS = 20;

/** performance.now() of every run of a handler, by job id. */
const runs = new Map<string, number[]>();
function recordRun(ctx: JobContext): void {
  runs.set(ctx.id, [...(runs.get(ctx.id) ?? []), performance.now()]);
}

@Job('ladder.echo', { pipeline: 'ladder' })
class EchoJob {
  handle(_payload: unknown, ctx: JobContext) {
    recordRun(ctx);
  }
}

@Job('ladder.failing', { pipeline: 'ladder', attempts: 4, backoff: { type: 'fixed', delay: '400ms', jitter: 0.5 } })
class FailingJob {
  handle(_payload: unknown, ctx: JobContext) {
    recordRun(ctx);
    throw new Error(`failure ${ctx.attempt}`);
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  runs.clear();
});

async function startWarren(queue = uniqueQueueName('warren-ladder'), logger = createSilentLogger()): Promise<{ warren: Warren; queue: string }> {
  const registry = new JobRegistry();
  for (const job of [EchoJob, FailingJob]) registry.add(job);
  const warren = await Warren.fromConfig({
    version: 1,
    amqp: { urls: [AMQP_URL] },
    jobs: { pipelines: { ladder: { driver: 'amqp', concurrency: 20, options: { queue } } } },
    http: { enabled: false },
  }, { registry, logger });
  cleanups.push(() => deletePipelineQueues(queue));
  cleanups.push(() => warren.close());
  await warren.run();
  return { warren, queue };
}

/** Resolves once `count` events of `event` matching `match` were seen. */
function events<E extends keyof WarrenEventMap>(warren: Warren, event: E, count: number, match: (payload: WarrenEventMap[E]) => boolean): Promise<void> {
  let seen = 0;
  return withDeadline(new Promise<void>((resolve) => {
    const off = warren.events.on(event, (payload) => {
      if (!match(payload) || ++seen < count) return;
      off();
      resolve();
    });
  }), 20_000, `${count} ${event} events`);
}

async function delayQueuesOf(queue: string): Promise<string[]> {
  return (await listQueues()).map((info) => info.name).filter((name) => name.startsWith(`${queue}.delay.`)).sort();
}

describe('the delay ladder on RabbitMQ', () => {
  it('sends 120 dispatches delayed by 1000..1119 ms through two delay queues, each run once, never early, at most 10 % + 50 ms late', async () => {
    const { warren, queue } = await startWarren();
    const delays = Array.from({ length: 120 }, (_, index) => 1_000 + index);
    const handled = events(warren, 'job:succeeded', delays.length, (e) => e.job.name === 'ladder.echo');
    const sentAtMs = new Map<string, { at: number; delayMs: number }>();
    await Promise.all(delays.map(async (delayMs) => {
      const at = performance.now();
      const id = await warren.dispatch(EchoJob, { delayMs }, { delay: delayMs });
      sentAtMs.set(id, { at, delayMs });
    }));

    const expectedSteps = [...new Set(delays.map((delayMs) => amqp.delayStepMs(delayMs) as number))];
    expect(expectedSteps).toEqual([1_053, 1_158]);
    expect(await delayQueuesOf(queue)).toEqual(expectedSteps.map((step) => amqp.delayQueueName(queue, step)).sort());

    await handled;
    for (const [id, { at, delayMs }] of sentAtMs) {
      const times = runs.get(id) ?? [];
      expect(times, `job ${id} (delay ${delayMs} ms) ran once`).toHaveLength(1);
      const waitedMs = (times[0] as number) - at;
      expect(waitedMs, `delay ${delayMs} ms`).toBeGreaterThanOrEqual(delayMs - EARLY_TOLERANCE_MS);
      expect(waitedMs, `delay ${delayMs} ms`).toBeLessThanOrEqual(delayMs * 1.1 + 50 + BROKER_SLACK_MS);
    }
    expect(await warren.inspect('ladder')).toMatchObject({ ready: 0, deadLettered: 0 });
  });

  it('retries 20 failing jobs with jittered backoff through a bounded set of ladder queues; each ran 4 times and ended in Q.dlq', async () => {
    const { warren, queue } = await startWarren();
    const ids: string[] = [];
    const retryDelays: number[] = [];
    warren.events.on('job:failed', (e) => {
      if (e.retryInMs !== undefined) retryDelays.push(e.retryInMs);
    });
    const deadLettered = events(warren, 'job:deadLettered', 20, (e) => e.reason === 'attempts-exhausted');
    for (let index = 0; index < 20; index += 1) ids.push(await warren.dispatch(FailingJob, { index }));
    await deadLettered;

    for (const id of ids) expect(runs.get(id), `job ${id}`).toHaveLength(4);
    expect(retryDelays).toHaveLength(60);
    const distinctDelays = new Set(retryDelays).size;
    const used = await delayQueuesOf(queue);
    const allowed = new Set(retryDelays.map((delayMs) => amqp.delayQueueName(queue, amqp.delayStepMs(delayMs) as number)));
    expect(used.every((name) => allowed.has(name)), used.join(', ')).toBe(true);
    // 200..600 ms spans 13 ladder steps (212 … 655); without the ladder each distinct millisecond was a queue.
    expect(used.length).toBeLessThanOrEqual(13);
    expect(used.length).toBeLessThan(distinctDelays);
    expect(await warren.inspect('ladder')).toMatchObject({ ready: 0, deadLettered: 20 });

    const good = events(warren, 'job:succeeded', 1, (e) => e.job.name === 'ladder.echo');
    const goodId = await warren.dispatch(EchoJob, { good: true });
    await good;
    expect(runs.get(goodId)).toHaveLength(1);
  });

  it('refuses a delay over 7 days to the caller with a coded error and publishes nothing, then handles a good job (its 1 ms delay rides the 50 ms step)', async () => {
    const { warren, queue } = await startWarren();
    await expect(warren.dispatch(EchoJob, { late: true }, { delay: '169h' })).rejects.toMatchObject({ code: 'WARREN_ERR_JOB_INVALID' });
    // The driver refuses it too, for callers that bypass dispatch.
    const driver = amqp.amqpDriverDefinition.create({
      section: amqp.parseAmqpSection({ urls: [AMQP_URL] }),
      pipelines: [{ name: 'ladder', concurrency: 1, options: amqp.parseAmqpPipelineOptions({ queue }) }],
      logger: createSilentLogger(),
    });
    cleanups.push(() => driver.close({ timeoutMs: 2_000 }));
    await driver.start();
    const tooLong = { body: Buffer.from('{}'), properties: {
      messageId: randomUUID(), type: 'ladder.echo', timestampMs: Date.now(), contentType: 'application/json', contentEncoding: 'utf-8', headers: {},
    } };
    await expect(driver.publish('ladder', tooLong, { delayMs: amqp.DELAY_LADDER_TOP_MS + 1 })).rejects.toMatchObject({
      code: 'WARREN_ERR_AMQP_PUBLISH_DELAY_TOO_LONG',
    });
    expect(await delayQueuesOf(queue)).toEqual([]);

    const good = events(warren, 'job:succeeded', 1, (e) => e.job.name === 'ladder.echo');
    const goodId = await warren.dispatch(EchoJob, { good: true }, { delay: 1 });
    await good;
    expect([...runs.keys()]).toEqual([goodId]);
    expect(await warren.inspect('ladder')).toMatchObject({ ready: 0, deadLettered: 0 });
  });

  it('declares delay queues as quorum queues that dead-letter at least once; a classic one left by an older Warren is used as it is, with WARREN_WRN_106 once', async () => {
    const queue = uniqueQueueName('warren-ladder');
    const oldStep = amqp.delayStepMs(300) as number;
    // What Warren declared before quorum delay queues: a classic Q.delay.<step>, the same arguments but the type.
    await withRawChannel((channel) => channel.assertQueue(amqp.delayQueueName(queue, oldStep), { durable: true, arguments: amqp.delayQueueArguments(queue, oldStep, 'classic') }));
    const logs = new LogCapture('info');
    const { warren } = await startWarren(queue, logs.logger);
    const handled = events(warren, 'job:succeeded', 4, (e) => e.job.name === 'ladder.echo');
    for (const delay of [300, 300, 1_000, 1_000]) await warren.dispatch(EchoJob, { delay }, { delay });
    await handled;

    const delayQueues = (await listQueues()).filter((info) => info.name.startsWith(`${queue}.delay.`));
    const byName = Object.fromEntries(delayQueues.map((info) => [info.name, info.arguments]));
    expect(byName[amqp.delayQueueName(queue, amqp.delayStepMs(1_000) as number)]).toMatchObject({
      'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish', 'x-dead-letter-routing-key': queue,
    });
    expect(byName[amqp.delayQueueName(queue, oldStep)]).not.toHaveProperty('x-queue-type');
    const warnings = logs.matching('WARREN_WRN_106');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(amqp.delayQueueName(queue, oldStep));
  });
});
