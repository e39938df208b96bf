/*
 * Chaos: what producers see during an outage — dispatches buffered in the bounded outbox and
 * delivered after recovery, a full outbox failing fast with BrokerUnavailable — and the two message
 * paths that go through extra queues: delayed publish (Q.delay.<ms>) and dead letters (Q.dlq).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listQueues, restoreBroker, startApp, stopApp, withBrokerRestored } from '../support/broker-control.js';
import { installBrokerSafetyNet } from '../support/broker-safety-net.js';
import { ChaosFixture } from '../support/chaos-fixture.js';
import { chaosMessage } from '../support/chaos-message.js';
import { expectNothingLost } from '../support/expect-no-loss.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { withDeadline } from '../support/with-deadline.js';
import { BrokerUnavailable, WARREN_HEADERS, WarrenError } from '../support/warren-packages.js';
import { delayQueueName, delayStepMs } from '../../packages/amqp/dist/index.js';

const cleanups: Array<() => Promise<unknown>> = [];
beforeAll(() => installBrokerSafetyNet());
afterEach(async () => {
  await restoreBroker();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxied(label: string, section: Record<string, unknown> = {}) {
  const proxy = await TcpProxy.start();
  cleanups.push(() => proxy.close());
  const f = await ChaosFixture.create({ label, section: { urls: [proxy.amqpUrl()], ...section } });
  cleanups.push(() => f.dispose());
  await f.waitForState('ready', { timeoutMs: 10_000 });
  return { proxy, f };
}

/** Cuts the network: no new connections, existing ones reset. */
async function cut(proxy: TcpProxy, f: ChaosFixture): Promise<void> {
  const cutAtMs = Date.now();
  await proxy.refuse();
  proxy.dropAll();
  await f.waitForState('reconnecting', { timeoutMs: 5_000, after: cutAtMs });
}

describe('amqp chaos: outbox, delays and dead letters', () => {
  it('buffers dispatches made during an outage and delivers them after recovery', async () => {
    const { proxy, f } = await proxied('g-outbox');
    await f.consume();
    await cut(proxy, f);

    const producer = f.produce({ total: 200, intervalMs: 2 });
    await producer.allStarted;
    expect(f.ledger.report().pending, 'outage publishes are held, not refused').toBe(200);
    expect(f.driver.status().gauges['outboxDepth'], f.describe()).toBeGreaterThan(0);

    const restoredAtMs = Date.now();
    await proxy.restore();
    await f.waitForState('ready', { timeoutMs: 15_000, after: restoredAtMs });
    await expectNothingLost(f, { expectedCount: 200, timeoutMs: 20_000 });
    expect(f.driver.status().gauges['outboxDepth']).toBe(0);
  });

  it('fails fast with BrokerUnavailable when the outbox is full, and still delivers what it buffered', async () => {
    const MAX = 5;
    const { proxy, f } = await proxied('g-full', { outbox: { max_messages: MAX } });
    await f.consume();
    await cut(proxy, f);

    const buffered = f.produce({ total: MAX, intervalMs: 1 });
    await buffered.allStarted;
    // One more than the outbox holds: refused while the broker is still unreachable, not after.
    let refusal: unknown;
    try {
      await withDeadline(f.driver.publish(f.pipeline, chaosMessage({ overflow: true })), 3_000, 'the overflow publish to be refused');
    } catch (error) {
      refusal = error;
    }
    expect(refusal, f.describe()).toBeInstanceOf(BrokerUnavailable);
    expect((refusal as BrokerUnavailable).code).toBe('WARREN_ERR_DRIVER_UNAVAILABLE');
    expect(proxy.state).toBe('refusing');

    const restoredAtMs = Date.now();
    await proxy.restore();
    await f.waitForState('ready', { timeoutMs: 15_000, after: restoredAtMs });
    await expectNothingLost(f, { expectedCount: MAX, timeoutMs: 20_000 });
  });

  it('settles every buffered publish when closed during an outage, within its close timeout', async () => {
    const { proxy, f } = await proxied('g-close');
    await cut(proxy, f);
    const producer = f.produce({ total: 20, intervalMs: 1 });
    await producer.allStarted;
    expect(f.ledger.report().pending).toBe(20);

    // The broker never comes back: close() must give up after its timeout, not hang on the outbox.
    await withDeadline(f.driver.close({ timeoutMs: 1_000 }).catch(() => undefined), 6_000, 'close() during the outage');
    await withDeadline(producer.settled(), 3_000, 'every buffered publish to settle after close()');
    const report = f.ledger.report();
    expect(report.pending, 'no dispatch is left hanging').toBe(0);
    expect(report.confirmed, 'nothing was confirmed without a broker').toBe(0);
    expect(report.rejected.every((r) => r.error instanceof WarrenError), report.rejected.map((r) => String(r.error)).join('; ')).toBe(true);
  });

  it('delivers a delayed message that waited in Q.delay.<ms> through an app restart', async () => {
    const f = await ChaosFixture.create({ label: 'h-delay-restart' });
    cleanups.push(() => f.dispose());
    await f.consume();
    await f.waitForState('ready', { timeoutMs: 10_000 });
    const delayed = chaosMessage({ delayed: true });
    f.ledger.dispatching(delayed.properties.messageId);
    await f.driver.publish(f.pipeline, delayed, { delayMs: 3_000 });
    f.ledger.confirmed(delayed.properties.messageId);

    await withBrokerRestored(async () => {
      const cutAtMs = Date.now();
      await stopApp();
      await f.waitForState('reconnecting', { timeoutMs: 10_000, after: cutAtMs });
      await startApp();
      await f.waitForState('ready', { timeoutMs: 20_000, after: cutAtMs });
    });
    await expectNothingLost(f, { expectedCount: 1, timeoutMs: 15_000 });
  });

  it('delivers a delayed publish no sooner than its delay, through Q.delay.<ms>', async () => {
    const f = await ChaosFixture.create({ label: 'h-delay' });
    cleanups.push(() => f.dispose());
    const DELAY_MS = 1_500;
    const TOLERANCE_MS = 100; // TTL expiry is checked by the broker; allow clock granularity, never early by more.
    const arrivals = new Map<string, number>();
    await f.consume(f.pipeline, { onDelivery: (d) => arrivals.set(d.properties.messageId ?? '', Date.now()) });
    await f.waitForState('ready', { timeoutMs: 10_000 });

    const delayed = chaosMessage({ delayed: true });
    const immediate = chaosMessage({ delayed: false });
    const sentAtMs = Date.now();
    f.ledger.dispatching(delayed.properties.messageId);
    await f.driver.publish(f.pipeline, delayed, { delayMs: DELAY_MS });
    f.ledger.confirmed(delayed.properties.messageId);
    f.ledger.dispatching(immediate.properties.messageId);
    await f.driver.publish(f.pipeline, immediate);
    f.ledger.confirmed(immediate.properties.messageId);

    const delayQueue = delayQueueName(f.queueOf(f.pipeline), delayStepMs(DELAY_MS) as number); // 1500 ms rides the 1540 ms ladder step
    expect((await listQueues()).some((q) => q.name === delayQueue)).toBe(true);
    await expectNothingLost(f, { expectedCount: 2, timeoutMs: DELAY_MS + 10_000 });
    const waitedMs = (arrivals.get(delayed.properties.messageId) ?? 0) - sentAtMs;
    console.info(`[chaos h-delay] delay ${DELAY_MS}ms delivered after ${waitedMs}ms`);
    expect(waitedMs).toBeGreaterThanOrEqual(DELAY_MS - TOLERANCE_MS);
    expect(arrivals.get(immediate.properties.messageId)).toBeLessThan(arrivals.get(delayed.properties.messageId) ?? 0);
  });

  it('stores dead letters in Q.dlq with their reason headers and the body byte for byte', async () => {
    const f = await ChaosFixture.create({ label: 'h-dlq' });
    cleanups.push(() => f.dispose());
    await f.waitForState('ready', { timeoutMs: 10_000 });
    const original = chaosMessage({ poison: 'é😀' });
    const dead = {
      body: original.body,
      properties: {
        ...original.properties,
        headers: {
          ...original.properties.headers,
          [WARREN_HEADERS.deadReason]: 'attempts-exhausted',
          [WARREN_HEADERS.error]: 'Error: boom',
          [WARREN_HEADERS.failedAt]: new Date().toISOString(),
          [WARREN_HEADERS.attempt]: 3,
        },
      },
    };
    await f.driver.deadLetter(f.pipeline, dead);

    const [peeked, ...rest] = await f.driver.peekDeadLetters(f.pipeline, 10);
    expect(rest).toHaveLength(0);
    expect(peeked?.body.equals(original.body)).toBe(true);
    expect(peeked?.properties.messageId).toBe(original.properties.messageId);
    expect(peeked?.properties.type).toBe(original.properties.type);
    expect(peeked?.properties.headers).toMatchObject({
      [WARREN_HEADERS.deadReason]: 'attempts-exhausted',
      [WARREN_HEADERS.error]: 'Error: boom',
      [WARREN_HEADERS.failedAt]: dead.properties.headers[WARREN_HEADERS.failedAt],
    });
    // Peeking leaves the dead letter in place.
    const dlq = (await listQueues()).find((q) => q.name === `${f.queueOf(f.pipeline)}.dlq`);
    expect(dlq?.messages).toBe(1);
  });
});
