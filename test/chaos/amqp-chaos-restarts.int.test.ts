/*
 * Chaos: the broker goes away under load and comes back — forced connection closes (320), app
 * restarts, a full node restart, and ten restarts in a row. Jobs flow the whole time; every
 * confirmed job must be handled at least once afterwards (duplicates are counted and printed).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChaosFixture } from '../support/chaos-fixture.js';
import {
  closeAllConnections, connectionsOf, restoreBroker, startApp, startNode, stopApp, stopNode,
  withBrokerRestored,
} from '../support/broker-control.js';
import { installBrokerSafetyNet } from '../support/broker-safety-net.js';
import { expectNothingLost } from '../support/expect-no-loss.js';

const fixtures: ChaosFixture[] = [];
async function fixture(label: string): Promise<ChaosFixture> {
  const created = await ChaosFixture.create({ label });
  fixtures.push(created);
  return created;
}

beforeAll(() => installBrokerSafetyNet());
afterEach(async () => {
  await restoreBroker();
  for (const f of fixtures.splice(0)) await f.dispose();
});
afterAll(() => restoreBroker());

/** Waits until `count` more jobs were handled than now: consumption is (again) moving. */
function moreHandled(f: ChaosFixture, count: number, timeoutMs = 20_000): Promise<void> {
  return f.ledger.waitUntilHandled(f.ledger.handledDistinct + count, { timeoutMs }).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${f.describe()}`, { cause: error });
  });
}

describe('amqp chaos: broker restarts', () => {
  it('resumes consuming after rabbitmqctl close_all_connections (320 CONNECTION_FORCED)', async () => {
    const f = await fixture('a-forced');
    await f.consume();
    await f.waitForState('ready', { timeoutMs: 10_000 });
    const producer = f.produce({ total: Infinity, intervalMs: 10 });
    await moreHandled(f, 50);

    const cutAtMs = Date.now();
    await closeAllConnections('chaos test (a): broker forced close');
    await f.waitForState('reconnecting', { timeoutMs: 10_000, after: cutAtMs });
    await f.waitForState('ready', { timeoutMs: 15_000, after: cutAtMs });
    // The incident: a driver that redialed once and never consumed again. Jobs sent now must arrive.
    await moreHandled(f, 100);
    producer.stop();

    await expectNothingLost(f, { expectedCount: producer.sent, timeoutMs: 20_000 });
    expect(f.consumers.every((c) => c.isConsuming)).toBe(true);
    expect(await connectionsOf(f.connectionName)).toHaveLength(2); // one publish, one consume: no connection leaked
  });

  it('resumes consuming and flushes its buffer after stop_app / start_app while dispatching', async () => {
    const f = await fixture('b-app');
    await f.consume();
    await f.waitForState('ready', { timeoutMs: 10_000 });
    const producer = f.produce({ total: Infinity, intervalMs: 10 });
    await moreHandled(f, 50);

    await withBrokerRestored(async () => {
      const cutAtMs = Date.now();
      await stopApp();
      await f.waitForState('reconnecting', { timeoutMs: 10_000, after: cutAtMs });
      // Keep dispatching into the outage: these wait in the outbox.
      const sentBefore = producer.sent;
      await f.ledger.waitUntil(() => producer.sent >= sentBefore + 30, { timeoutMs: 5_000, what: 'dispatches during the outage' });
      await startApp();
      await f.waitForState('ready', { timeoutMs: 20_000, after: cutAtMs });
    });
    await moreHandled(f, 100);
    producer.stop();

    await expectNothingLost(f, { expectedCount: producer.sent, timeoutMs: 20_000 });
    expect(f.consumers.every((c) => c.isConsuming)).toBe(true);
  });

  it('comes back after a full node stop and start (node down, not just the app)', async () => {
    const f = await fixture('c-node');
    await f.consume();
    await f.waitForState('ready', { timeoutMs: 10_000 });
    const producer = f.produce({ total: Infinity, intervalMs: 20 });
    await moreHandled(f, 50);

    await withBrokerRestored(async () => {
      const cutAtMs = Date.now();
      await stopNode();
      await f.waitForState('reconnecting', { timeoutMs: 10_000, after: cutAtMs });
      const sentBefore = producer.sent;
      await f.ledger.waitUntil(() => producer.sent >= sentBefore + 30, { timeoutMs: 5_000, what: 'dispatches while the node is down' });
      await startNode();
      await f.waitForState('ready', { timeoutMs: 30_000, after: cutAtMs });
    });
    await moreHandled(f, 100);
    producer.stop();

    await expectNothingLost(f, { expectedCount: producer.sent, timeoutMs: 20_000 });
    expect(f.consumers.every((c) => c.isConsuming)).toBe(true);
  });

  it('loses nothing through ten restarts in a row under load (close_all_connections and stop_app/start_app)', async () => {
    const f = await fixture('i-ten');
    await f.consume();
    await f.waitForState('ready', { timeoutMs: 10_000 });
    const producer = f.produce({ total: Infinity, intervalMs: 15 });
    await moreHandled(f, 30);

    await withBrokerRestored(async () => {
      for (let restart = 1; restart <= 10; restart++) {
        const cutAtMs = Date.now();
        if (restart % 2 === 1) {
          await closeAllConnections(`chaos test (i): restart ${restart}`);
        } else {
          await stopApp();
          await f.waitForState('reconnecting', { timeoutMs: 10_000, after: cutAtMs });
          await startApp();
        }
        await f.waitForState('ready', { timeoutMs: 20_000, after: cutAtMs });
        // Consumption must resume after every single restart, not just the last.
        await moreHandled(f, 20);
      }
    });
    producer.stop();

    const report = await expectNothingLost(f, { expectedCount: producer.sent, timeoutMs: 30_000 });
    expect(report.handledDistinct).toBe(producer.sent);
    expect(f.states.filter((s) => s.to === 'reconnecting').length).toBeGreaterThanOrEqual(10);
  });
});
