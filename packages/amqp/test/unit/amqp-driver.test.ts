import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, createSilentLogger, type Delivery, type WireMessage } from '@warren/core';
import { parseAmqpPipelineOptions, parseAmqpSection } from '../../src/amqp-options.js';
import { AmqpDriver } from '../../src/amqp-driver.js';
import { FakeModel, type FakeChannel } from '../fakes/fake-broker.js';

const drivers: AmqpDriver[] = [];

/**
 * A driver on pipeline `emails`. Its consume connection's dials return the next queued FakeModel (a fresh one when
 * none is queued), recorded in `models`; its publish connection's, a fresh one each, recorded in `publishModels`.
 */
function harness(queued: FakeModel[] = []) {
  const models: FakeModel[] = [];
  const publishModels: FakeModel[] = [];
  const driver = new AmqpDriver({
    section: parseAmqpSection({ redial: { schedule: [100], jitter: 0 }, watchdog_interval: '1s', publish_timeout: '5s' }),
    pipelines: [{ name: 'emails', concurrency: 4, options: parseAmqpPipelineOptions({}) }],
    logger: createSilentLogger(),
  }, {
    dial: async (_url, { connectionName }) => {
      const isPublish = connectionName.endsWith('/publish');
      const model = isPublish ? new FakeModel() : (queued.shift() ?? new FakeModel());
      (isPublish ? publishModels : models).push(model);
      return model.asModel;
    },
    probeCheck: async () => false, // the broker port is never probed here: redials follow the schedule alone
  });
  drivers.push(driver);
  const deliveries: Delivery[] = [];
  const consume = () => driver.consume('emails', { prefetch: 4, onDelivery: (delivery) => deliveries.push(delivery) });
  /** The channel of `model` that holds our consumer. */
  const consumerChannel = (model: FakeModel | undefined) => model?.channels.find((channel) => !channel.isClosed && channel.consumers.size > 0);
  return { driver, models, publishModels, deliveries, consume, consumerChannel };
}

function message(id: string): WireMessage {
  return { body: Buffer.from('{}'), properties: { messageId: id, type: 't', timestampMs: 0, contentType: 'application/json', contentEncoding: 'utf-8', headers: {} } };
}

describe('AmqpDriver (fake broker)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(async () => {
    for (const driver of drivers.splice(0)) await driver.close({ timeoutMs: 0 });
    vi.useRealTimers();
  });

  it('declares the topology before any basic.consume, on the first connection and after a reconnect', async () => {
    const h = harness();
    await h.consume();
    await h.driver.start();
    h.models[0]?.dropConnection(new Error('CONNECTION_FORCED'));
    await vi.advanceTimersByTimeAsync(100);
    expect(h.driver.status().state).toBe('ready');
    for (const model of h.models) {
      const consumer = h.consumerChannel(model) ?? model.channels.find((channel) => channel.consumed.length > 0);
      expect(consumer?.consumed).toEqual(['emails']);
      expect(model.declaredQueues.slice(0, 2)).toEqual(['emails', 'emails.dlq']);
    }
    expect(h.consumerChannel(h.models[1])).toBeDefined();
  });

  it('reopens the publish channel after a channel error without dropping the connection; publishes wait and are confirmed', async () => {
    const h = harness();
    await h.driver.start();
    const model = h.publishModels[0] as FakeModel;
    const first = h.driver.publish('emails', message('a'));
    const publishChannel = model.channels.find((channel) => channel.published.length > 0) as FakeChannel;
    model.refuseChannels(1);
    publishChannel.closeChannel(406);
    await Promise.resolve(); // a channel error is told from a connection loss on the next microtask
    expect(h.driver.status().gauges.publisher).toBe('reopening');
    const second = h.driver.publish('emails', message('b'));
    await vi.advanceTimersByTimeAsync(100 * 1.2 + 500 * 1.2); // the first reopen is refused, the second opens
    expect(h.driver.status().gauges).toMatchObject({ publisher: 'open', connectionState: 'ready', 'generation.publish': 1 });
    const reopened = model.channels.filter((channel) => !channel.isClosed && channel.published.length > 0).at(-1) as FakeChannel;
    expect(reopened.published.map((published) => published.messageId)).toEqual(['a', 'b']);
    reopened.confirmPublishes();
    await Promise.all([first, second]);
    expect(h.publishModels).toHaveLength(1);
  });

  it('subscribes a consumer created while setup was already subscribing the others', async () => {
    const gated = new FakeModel();
    let open!: () => void;
    gated.consumeGate = new Promise((resolve) => (open = resolve));
    const h = harness([gated]);
    const early = await h.consume();
    const starting = h.driver.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.driver.connections.consume.state).toBe('connected'); // setup is waiting for basic.consume-ok of `early`
    const late = await h.consume();
    open();
    await starting;
    await vi.advanceTimersByTimeAsync(0);
    expect([early.isConsuming, late.isConsuming]).toEqual([true, true]);
    expect(gated.consumerCountOf('emails')).toBe(2);
  });

  it('drops acks of deliveries from before a reconnect instead of sending them on the new connection', async () => {
    const h = harness();
    await h.driver.start();
    await h.consume();
    h.consumerChannel(h.models[0])?.deliver('a');
    h.models[0]?.dropConnection(new Error('heartbeat timeout'));
    await vi.advanceTimersByTimeAsync(100);
    const fresh = h.consumerChannel(h.models[1]) as FakeChannel;
    h.deliveries[0]?.ack();
    vi.advanceTimersByTime(0); // acks flush at the end of the turn (setImmediate)
    expect(fresh.acks).toEqual([]);
    fresh.deliver('b');
    h.deliveries[1]?.ack();
    vi.advanceTimersByTime(0);
    expect(fresh.acks).toEqual([1]);
  });

  it('close() sends the acks of jobs that finished after their worker cancelled the consumer (a drain), before the connection closes', async () => {
    const h = harness();
    await h.driver.start();
    const consumer = await h.consume();
    const channel = h.consumerChannel(h.models[0]) as FakeChannel;
    channel.deliver('a');
    await consumer.cancel(); // the worker stops consuming and drains its running job
    h.deliveries[0]?.ack(); // the job finished: its ack waits for the end of the turn (setImmediate)
    await h.driver.close({ timeoutMs: 0 }); // in the same turn: close must not leave it behind
    expect(channel.acks).toEqual([1]);
    expect(channel.isClosed).toBe(true);
  });

  it('close() is bounded when the broker stopped answering (dead peer)', async () => {
    const h = harness();
    await h.driver.start();
    await h.consume();
    const pending = h.driver.publish('emails', message('a')).catch((error: { code?: string }) => error.code);
    (h.models[0] as FakeModel).isPeerDead = true;
    (h.publishModels[0] as FakeModel).isPeerDead = true;
    let isClosed = false;
    const closing = h.driver.close({ timeoutMs: 2_000 }).then(() => (isClosed = true));
    await vi.advanceTimersByTimeAsync(2_000 + 3 * 1_000);
    expect(isClosed).toBe(true);
    await closing;
    expect(await pending).toBe('WARREN_ERR_AMQP_PUBLISH_CLOSED');
    expect(h.driver.status().state).toBe('closed');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('routes delayed publishes through the delay ladder and refuses a delay over 7 days without blocking the ones behind it', async () => {
    const h = harness();
    await h.driver.start();
    const model = h.publishModels[0] as FakeModel;
    const tooLong = h.driver.publish('emails', message('late'), { delayMs: 7 * 24 * 3_600_000 + 1 }).catch((error: { code?: string }) => error.code);
    const delayed = [h.driver.publish('emails', message('a'), { delayMs: 1_000 }), h.driver.publish('emails', message('b'), { delayMs: 1_003 })];
    await vi.advanceTimersByTimeAsync(0);
    expect(await tooLong).toBe('WARREN_ERR_AMQP_PUBLISH_DELAY_TOO_LONG');
    expect(model.declaredQueues.filter((queue) => queue.includes('.delay.'))).toEqual(['emails.delay.1053']); // one step for both
    const publishChannel = model.channels.find((channel) => channel.published.length > 0) as FakeChannel;
    expect(publishChannel.published).toEqual([
      { routingKey: 'emails.delay.1053', messageId: 'a' }, { routingKey: 'emails.delay.1053', messageId: 'b' },
    ]);
    publishChannel.confirmPublishes();
    await Promise.all(delayed);
  });

  it('close() twice returns the same promise', async () => {
    const h = harness();
    await h.driver.start();
    expect(h.driver.close()).toBe(h.driver.close());
  });

  it('skips a queue whose cluster node is down with one warning per connection, naming it, and consumes the other pipeline', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    const models: FakeModel[] = [];
    const driver = new AmqpDriver({
      section: parseAmqpSection({ redial: { schedule: [100], jitter: 0 } }),
      pipelines: ['emails', 'reports'].map((name) => ({ name, concurrency: 1, options: parseAmqpPipelineOptions({}) })),
      logger,
    }, {
      dial: async () => {
        const model = new FakeModel();
        model.queuesOnDownNode.add('emails');
        models.push(model);
        return model.asModel;
      },
      probeCheck: async () => false,
    });
    drivers.push(driver);
    await driver.consume('reports', { prefetch: 1, onDelivery: () => undefined });
    await driver.start();

    expect(driver.status().state).toBe('ready');
    const warnings = lines.filter((line) => line.event === 'amqp.topology.queue_node_down');
    expect(warnings.map((line) => `${String(line.connection)} ${String(line.queue)}`).sort()).toEqual(['consume emails', 'publish emails']);
    expect(warnings[0]?.msg).toMatch(/the (publish|consume) connection skipped it/);
    expect(models.flatMap((model) => model.channels).flatMap((channel) => channel.consumed)).toEqual(['reports']);
  });
});
