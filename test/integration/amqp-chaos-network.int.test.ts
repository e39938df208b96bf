/*
 * Chaos: the network between worker and broker fails, through our own TCP proxy — a dead peer
 * (blackhole, only heartbeats can tell), a broker unreachable when the worker starts, failover to
 * the next URL, and an outage longer than redial.timeout, which must surface as the fatal state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ChaosFixture, FAST_REDIAL } from '../support/chaos-fixture.js';
import { chaosMessage } from '../support/chaos-message.js';
import { expectNothingLost } from '../support/expect-no-loss.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { WarrenError } from '../support/warren-packages.js';

const HEARTBEAT_MS = 2_000;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxied(label: string, section: Record<string, unknown> = {}, options: { startRefusing?: boolean; start?: boolean } = {}) {
  const proxy = await TcpProxy.start({ startRefusing: options.startRefusing ?? false });
  cleanups.push(() => proxy.close());
  const f = await ChaosFixture.create({
    label,
    section: { urls: [proxy.amqpUrl()], heartbeat: HEARTBEAT_MS, ...section },
    start: options.start ?? true,
  });
  cleanups.push(() => f.dispose());
  return { proxy, f };
}

describe('amqp chaos: network', () => {
  it('notices a blackholed connection within about two heartbeats and recovers when traffic flows again', async () => {
    const { proxy, f } = await proxied('d-blackhole');
    await f.consume();
    await f.waitForState('ready', { timeoutMs: 10_000 });
    const producer = f.produce({ total: Infinity, intervalMs: 10 });
    await f.ledger.waitUntilHandled(50, { timeoutMs: 10_000 });

    const cutAtMs = Date.now();
    proxy.blackhole();
    // amqplib declares the peer dead after two silent heartbeat checks, i.e. 2-3 intervals after the
    // last byte; one more interval of slack keeps this deterministic on a loaded machine.
    await f.waitForState('reconnecting', { timeoutMs: 4 * HEARTBEAT_MS, after: cutAtMs });
    const noticedAfterMs = Date.now() - cutAtMs;
    console.info(`[chaos d-blackhole] dead peer noticed after ${noticedAfterMs}ms (heartbeat ${HEARTBEAT_MS}ms)`);

    // Redials through the blackhole hang until connect_timeout; jobs keep piling into the outbox.
    const sentBefore = producer.sent;
    await f.ledger.waitUntil(() => producer.sent >= sentBefore + 50, { timeoutMs: 5_000, what: 'dispatches during the blackhole' });
    const restoredAtMs = Date.now();
    await proxy.restore();
    await f.waitForState('ready', { timeoutMs: 15_000, after: restoredAtMs });
    const handledAtRestore = f.ledger.handledDistinct;
    await f.ledger.waitUntilHandled(handledAtRestore + 100, { timeoutMs: 15_000 });
    producer.stop();

    await expectNothingLost(f, { expectedCount: producer.sent, timeoutMs: 20_000 });
    expect(f.consumers.every((c) => c.isConsuming)).toBe(true);
  });

  it('waits for a broker that is unreachable at start and connects when it appears', async () => {
    const { proxy, f } = await proxied('e-unreachable', {}, { startRefusing: true });
    // start() resolved after the first (refused) attempt; the driver keeps trying in the background.
    expect(['connecting', 'reconnecting']).toContain(f.driver.status().state);
    await f.consume();
    const producer = f.produce({ total: 100, intervalMs: 5 });
    await f.waitForState('reconnecting', { timeoutMs: 5_000 });
    await producer.allStarted;
    expect(f.ledger.report().pending, 'publishes wait in the outbox, neither confirmed nor refused').toBe(100);

    const restoredAtMs = Date.now();
    await proxy.restore();
    await f.waitForState('ready', { timeoutMs: 15_000, after: restoredAtMs });
    const more = f.produce({ total: 100, intervalMs: 5 });
    await more.allStarted;

    await expectNothingLost(f, { expectedCount: 200, timeoutMs: 20_000 });
    expect(proxy.acceptedCount).toBeGreaterThanOrEqual(1);
    expect(f.consumers.every((c) => c.isConsuming)).toBe(true);
  });

  it('fails over to the next broker URL when the first one goes away, losing nothing', async () => {
    const first = await TcpProxy.start();
    const second = await TcpProxy.start();
    cleanups.push(() => first.close(), () => second.close());
    const g = await ChaosFixture.create({ label: 'm-failover', section: { urls: [first.amqpUrl(), second.amqpUrl()], heartbeat: HEARTBEAT_MS } });
    cleanups.push(() => g.dispose());
    await g.consume();
    await g.waitForState('ready', { timeoutMs: 10_000 });
    expect(first.openConnections, 'the first URL is tried first').toBeGreaterThanOrEqual(1);
    const producer = g.produce({ total: Infinity, intervalMs: 10 });
    await g.ledger.waitUntilHandled(50, { timeoutMs: 10_000 });

    const cutAtMs = Date.now();
    await first.refuse();
    first.dropAll();
    await g.waitForState('ready', { timeoutMs: 15_000, after: cutAtMs });
    await g.ledger.waitUntilHandled(g.ledger.handledDistinct + 100, { timeoutMs: 15_000 });
    producer.stop();

    await expectNothingLost(g, { expectedCount: producer.sent, timeoutMs: 20_000 });
    expect(second.openConnections, 'now connected through the second URL').toBeGreaterThanOrEqual(1);
  });

  it('reports a fatal condition (state failed, error event) when redial.timeout expires', async () => {
    const REDIAL_TIMEOUT_MS = 2_000;
    const { proxy, f } = await proxied('f-timeout', { redial: { ...FAST_REDIAL, timeout: REDIAL_TIMEOUT_MS } });
    await f.consume();
    await f.waitForState('ready', { timeoutMs: 10_000 });

    const cutAtMs = Date.now();
    await proxy.refuse();
    proxy.dropAll();
    await f.waitForState('reconnecting', { timeoutMs: 5_000, after: cutAtMs });
    await f.waitForState('failed', { timeoutMs: REDIAL_TIMEOUT_MS + 10_000, after: cutAtMs });

    expect(f.driver.status().state).toBe('failed');
    const failedAfterMs = (f.states.find((s) => s.to === 'failed')?.atMs ?? 0) - cutAtMs;
    expect(failedAfterMs, 'not before redial.timeout').toBeGreaterThanOrEqual(REDIAL_TIMEOUT_MS - 100);
    // Nobody awaits a background redial: the fatal condition is announced as an `error` event.
    expect(f.errors.length, f.describe()).toBeGreaterThanOrEqual(1);
    const fatal = f.errors.at(-1);
    expect(fatal).toBeInstanceOf(WarrenError);
    console.info(`[chaos f-timeout] fatal error code: ${(fatal as WarrenError).code}`);
    // A failed driver refuses work at once instead of buffering it forever.
    await expect(f.driver.publish(f.pipeline, chaosMessage({ late: true }))).rejects.toBeInstanceOf(WarrenError);
    // It stays failed when the broker comes back: a supervisor restarts the process, not the driver.
    await proxy.restore();
    expect(f.driver.status().state).toBe('failed');
  });
});
