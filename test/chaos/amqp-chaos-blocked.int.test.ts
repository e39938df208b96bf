/*
 * Chaos: RabbitMQ raises a memory alarm and blocks publishing connections (connection.blocked).
 * Publishes must wait — not fail, not time out — and go out once the alarm lifts; nothing is lost.
 * The alarm is always lifted in `finally` (and by the exit safety net).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setMemoryHighWatermark, DEFAULT_MEMORY_HIGH_WATERMARK, withMemoryAlarm } from '../support/broker-control.js';
import { installBrokerSafetyNet } from '../support/broker-safety-net.js';
import { ChaosFixture } from '../support/chaos-fixture.js';
import { expectNothingLost } from '../support/expect-no-loss.js';

const cleanups: Array<() => Promise<unknown>> = [];
beforeAll(() => installBrokerSafetyNet());
afterEach(async () => {
  await setMemoryHighWatermark(DEFAULT_MEMORY_HIGH_WATERMARK);
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('amqp chaos: broker alarms', () => {
  it('holds publishes while the broker blocks the connection (memory alarm) and delivers them once it lifts', async () => {
    const f = await ChaosFixture.create({ label: 'l-blocked' });
    cleanups.push(() => f.dispose());
    await f.consume();
    await f.waitForState('ready', { timeoutMs: 10_000 });
    const producer = f.produce({ total: Infinity, intervalMs: 10 });
    await f.ledger.waitUntilHandled(30, { timeoutMs: 10_000 });

    let liftedAtMs = 0;
    // Taken before the alarm: the broker blocks us before rabbitmqctl even returns.
    const alarmAtMs = Date.now();
    await withMemoryAlarm(async () => {
      await f.waitForState('blocked', { timeoutMs: 10_000, after: alarmAtMs });
      const sentBefore = producer.sent;
      await f.ledger.waitUntil(() => producer.sent >= sentBefore + 50, { timeoutMs: 5_000, what: 'dispatches while blocked' });
      const report = f.ledger.report();
      expect(report.rejected, 'publishes are held while blocked, not refused').toEqual([]);
      expect(report.pending, 'publishes made while blocked wait for the broker').toBeGreaterThanOrEqual(50);
      liftedAtMs = Date.now(); // before the lift, for the same reason
    });
    await f.waitForState('ready', { timeoutMs: 15_000, after: liftedAtMs });
    await f.ledger.waitUntilHandled(f.ledger.handledDistinct + 50, { timeoutMs: 15_000 });
    producer.stop();

    await expectNothingLost(f, { expectedCount: producer.sent, timeoutMs: 20_000 });
    expect(f.states.some((s) => s.from === 'blocked' && s.to === 'ready'), 'unblocked without a reconnect').toBe(true);
  });
});
