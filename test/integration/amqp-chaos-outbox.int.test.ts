/*
 * Chaos: what producers see during an outage — dispatches buffered in the bounded outbox and
 * delivered after recovery, a full outbox failing fast with BrokerUnavailable — and the two message
 * paths that go through extra queues: delayed publish (Q.delay.<ms>) and dead letters (Q.dlq).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listQueues } from '../support/broker-control.js';
import { ChaosFixture } from '../support/chaos-fixture.js';
import { chaosMessage } from '../support/chaos-message.js';
import { expectNothingLost } from '../support/expect-no-loss.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { withDeadline } from '../support/with-deadline.js';
import { BrokerUnavailable, WARREN_HEADERS } from '../support/warren-packages.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
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

    expect((await listQueues()).some((q) => q.name === `${f.queueOf(f.pipeline)}.delay.${DELAY_MS}`)).toBe(true);
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
