/*
 * Chaos below the connection: the consumed queue deleted out of band (the broker cancels our
 * consumer) and a channel closed by the broker (406) — each must heal by itself: re-declare and
 * re-subscribe, or reopen the channel, without dropping the connection or the other pipelines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectionsOf, deleteQueue, listConnections, listQueues } from '../support/broker-control.js';
import { ChaosFixture } from '../support/chaos-fixture.js';
import { expectNothingLost } from '../support/expect-no-loss.js';
import { provokeConsumerChannelError } from '../support/amqp-test-driver.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fixture(label: string, extraPipelines: string[] = []): Promise<ChaosFixture> {
  const f = await ChaosFixture.create({ label, extraPipelines });
  cleanups.push(() => f.dispose());
  await f.waitForState('ready', { timeoutMs: 10_000 });
  return f;
}

/** The broker's view of the fixture's queues and connections, for failure messages. */
async function describeQueues(f: ChaosFixture): Promise<string> {
  const queues = (await listQueues()).filter((q) => q.name.startsWith(f.queuePrefix));
  const connections = await connectionsOf(f.connectionName);
  return `queues: ${queues.map((q) => `${q.name} ready=${q.messagesReady} unacked=${q.messagesUnacknowledged} consumers=${q.consumers}`).join('; ')}; `
    + `connections: ${connections.map((c) => `${c.connectionName} channels=${c.channels}`).join('; ')}`;
}

/** Polls rabbitmqctl until `queue` exists with at least one consumer (a wait, not an assertion). */
async function untilQueueConsumed(queue: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await listQueues()).find((q) => q.name === queue);
    if (found && found.consumers >= 1) return;
    if (Date.now() > deadline) throw new Error(`queue ${queue} was not re-declared and consumed within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('amqp chaos: topology and channels', () => {
  it('re-declares a queue deleted out of band while jobs flow, and resumes consuming from it', async () => {
    const f = await fixture('j-deleted');
    await f.consume();
    const producer = f.produce({ total: Infinity, intervalMs: 10 });
    await f.ledger.waitUntilHandled(50, { timeoutMs: 10_000 });

    const connectionsBefore = await connectionsOf(f.connectionName);
    await deleteQueue(f.queueOf(f.pipeline));
    // Jobs confirmed until now may have been waiting in the deleted queue: the operator destroyed them.
    const mayBeDestroyed = f.ledger.confirmedIds();
    // The broker cancels our consumer (basic.cancel); the driver must notice, re-declare and re-subscribe,
    // and publishes returned as unroutable meanwhile must be sent again, not confirmed into the void.
    await untilQueueConsumed(f.queueOf(f.pipeline), 15_000);
    await f.ledger.waitUntilHandled(f.ledger.handledDistinct + 100, { timeoutMs: 15_000 }).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}\n${await describeQueues(f)}\n${f.describe()}`, { cause: error });
    });
    producer.stop();
    await producer.settled();

    const confirmedAfter = () => [...f.ledger.confirmedIds()].filter((id) => !mayBeDestroyed.has(id));
    await f.ledger.waitUntil((l) => confirmedAfter().every((id) => l.timesHandled(id) > 0), {
      timeoutMs: 15_000, what: 'every job confirmed after the deletion handled',
    });
    const report = f.ledger.report();
    console.info(`${f.ledger.summary()} destroyed-with-the-queue=${report.lost.length}`);
    expect(report.rejected.map((r) => String(r.error)), 'publishes refused around the deletion').toEqual([]);
    expect(report.lost.filter((id) => !mayBeDestroyed.has(id)), 'jobs confirmed after the deletion but never handled').toEqual([]);
    expect(f.consumers.every((c) => c.isConsuming)).toBe(true);
    // Healing a cancelled consumer needs no new connection.
    const connectionsAfter = await connectionsOf(f.connectionName);
    expect(connectionsAfter.map((c) => c.pid)).toEqual(connectionsBefore.map((c) => c.pid));
    expect(connectionsAfter).toHaveLength(2); // publish and consume
  });

  it('recovers a consumer channel closed by the broker (406) without dropping the connection or the other pipeline', async () => {
    const f = await fixture('k-channel', ['other']);
    const handledBy = { main: 0, other: 0 };
    await f.consume('main', { onDelivery: () => (handledBy.main += 1) });
    await f.consume('other', { onDelivery: () => (handledBy.other += 1) });
    const mainProducer = f.produce({ total: Infinity, intervalMs: 10, pipeline: 'main' });
    const otherProducer = f.produce({ total: Infinity, intervalMs: 10, pipeline: 'other' });
    await f.ledger.waitUntil(() => handledBy.main >= 30 && handledBy.other >= 30, { timeoutMs: 10_000, what: 'both pipelines flowing' });

    const all = await listConnections();
    const connectionsBefore = await connectionsOf(f.connectionName);
    expect(connectionsBefore, `our connections are listed; listed: ${all.map((c) => c.connectionName).join(', ')}\n${f.describe()}`).toHaveLength(2);
    // Diagnostics: what amqplib says if the whole connection goes down (it should not).
    const connectionErrors: string[] = [];
    const model = (f.driver as unknown as { testHooks: { connection(): { on(e: 'error', l: (error: Error) => void): void } | undefined } }).testHooks.connection();
    model?.on('error', (error) => connectionErrors.push(String(error?.message ?? error)));
    const statesBefore = f.states.length;
    const otherAtError = handledBy.other;
    const mainAtError = handledBy.main;
    await provokeConsumerChannelError(f.driver, 'main');

    // The other pipeline keeps consuming while main's channel is being reopened...
    await f.ledger.waitUntil(() => handledBy.other >= otherAtError + 50, { timeoutMs: 10_000, what: 'the other pipeline to keep consuming' });
    // ...and main comes back on the same connection.
    await f.ledger.waitUntil(() => handledBy.main >= mainAtError + 50, { timeoutMs: 15_000, what: 'main to resume consuming' });
    mainProducer.stop();
    otherProducer.stop();

    await expectNothingLost(f, { expectedCount: mainProducer.sent + otherProducer.sent, timeoutMs: 20_000 });
    expect(f.states.slice(statesBefore).map((s) => s.to), `a channel error is not a connection loss; amqplib connection errors: ${connectionErrors.join(' | ') || 'none'}\n${f.describe()}`).not.toContain('reconnecting');
    const connectionsAfter = await connectionsOf(f.connectionName);
    expect(connectionsAfter.map((c) => c.pid), `the same connections are still open\n${f.describe()}`).toEqual(connectionsBefore.map((c) => c.pid));
  });
});
