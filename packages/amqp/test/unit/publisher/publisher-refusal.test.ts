import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSilentLogger, type WireMessage } from '@warren/core';
import { BrokerBreaker } from '../../../src/breaker/broker-breaker.js';
import { Publisher } from '../../../src/publisher/publisher.js';
import { MAX_CHANNEL_ERRORS, judgeChannelError, payloadTooLarge } from '../../../src/publisher/publish-refusal.js';
import { createPublishEntry } from '../../../src/publisher/publish-entry.js';
import { TopologyDeclarer } from '../../../src/topology/topology-declarer.js';
import { FakeModel, type FakeChannel } from '../../fakes/fake-broker.js';

function message(id: string, sizeBytes = 10): WireMessage {
  return { body: Buffer.alloc(sizeBytes), properties: { messageId: id, type: 't', timestampMs: 0, contentType: 'application/json', contentEncoding: 'utf-8', headers: {} } };
}
const entry = (id: string, sizeBytes = 10, queue = 'q') => createPublishEntry(queue, message(id, sizeBytes), 0, () => undefined, () => undefined);
const channelError = (code: number, text: string) => Object.assign(new Error(`Channel closed by server: ${code} with message "${text}"`), { code });
const TOO_LARGE = channelError(406, 'PRECONDITION_FAILED - message size 2000 is larger than configured max size 1024');
const NO_WRITE = channelError(403, "ACCESS_REFUSED - access to exchange 'amq.default' in vhost '/' refused for user 'app'");

describe('judgeChannelError', () => {
  it.each([
    ['406 max_message_size: only the larger bodies', TOO_LARGE, [['a', 10], ['b', 2000], ['c', 10]], ['b'], 'WARREN_ERR_AMQP_PUBLISH_TOO_LARGE'],
    ['403 no write permission: every publish on the channel', NO_WRITE, [['a', 10], ['b', 10]], ['a', 'b'], 'WARREN_ERR_AMQP_PUBLISH_REJECTED'],
    ['another channel error: none the first time', channelError(541, 'INTERNAL_ERROR'), [['a', 10]], [], undefined],
  ] as const)('%s', (_title, error, sizes, refusedIds, code) => {
    const entries = sizes.map(([id, size]) => entry(id, size));
    const verdict = judgeChannelError(error, entries);
    expect(verdict.refused.map((r) => r.entry.message.properties.messageId)).toEqual(refusedIds);
    expect(verdict.resend.map((e) => e.message.properties.messageId)).toEqual(entries.map((e) => e.message.properties.messageId).filter((id) => !refusedIds.includes(id as never)));
    for (const { error: refusal } of verdict.refused) expect(refusal).toMatchObject({ code, details: { queue: 'q' } });
  });

  it(`refuses a publish caught in ${MAX_CHANNEL_ERRORS} channel errors whatever they said, so none reopens the channel forever`, () => {
    const poisoned = entry('p');
    const outcomes = Array.from({ length: MAX_CHANNEL_ERRORS }, () => judgeChannelError(channelError(541, 'INTERNAL_ERROR'), [poisoned]).refused.length);
    expect(outcomes).toEqual([0, 0, 1]);
  });
});

describe('payloadTooLarge (amqp.max_payload, checked on dispatch and retry copies)', () => {
  it.each([[1_024, undefined], [1_025, 'WARREN_ERR_AMQP_PUBLISH_TOO_LARGE']] as const)('a %i-byte body under a 1024-byte limit: %s', (size, code) => {
    expect(payloadTooLarge('q', message('m', size), 1_024)).toEqual(code === undefined ? undefined : expect.objectContaining({ code, details: expect.objectContaining({ sizeBytes: size, maxBytes: 1_024 }) }));
  });
});

describe('Publisher: publishes the broker refuses', () => {
  const cleanups: Array<() => unknown> = [];
  beforeEach(() => vi.useFakeTimers());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    vi.useRealTimers();
  });

  async function attached(declarer = new TopologyDeclarer()) {
    const breaker = new BrokerBreaker({ failureThreshold: 100, resetTimeoutMs: 1_000 });
    const publisher = new Publisher({
      publishTimeoutMs: 60_000, maxMessages: 100, isFastPath: true, breaker, declarer, logger: createSilentLogger(),
      redeclare: async () => undefined, isBrokerBlocked: () => false,
    });
    cleanups.push(() => publisher.close(0), () => breaker.shutdown());
    const broker = new FakeModel();
    declarer.attach(broker.session);
    await publisher.attach(broker.session);
    const outcomes: string[] = [];
    const publish = (id: string, sizeBytes = 10, delayMs = 0) => publisher.publish('q', message(id, sizeBytes), delayMs)
      .then(() => void outcomes.push(`${id}:ok`), (error: { code?: string }) => void outcomes.push(`${id}:${error.code ?? 'error'}`));
    const publishChannel = () => broker.channels.filter((channel) => !channel.isClosed && channel.published.length > 0).at(-1) as FakeChannel;
    return { publisher, broker, outcomes, publish, publishChannel };
  }

  it('rejects the publish a 406 max_message_size names and sends the ones around it again, in order', async () => {
    const h = await attached();
    const sent = [h.publish('a'), h.publish('b', 2000), h.publish('c')];
    await vi.advanceTimersByTimeAsync(0);
    h.publishChannel().closeChannel(406, 'PRECONDITION_FAILED - message size 2000 is larger than configured max size 1024');
    await vi.advanceTimersByTimeAsync(200); // the channel reopens on the retry schedule (100 ms ± 20 %)
    const reopened = h.publishChannel();
    expect(reopened.published.map((p) => p.messageId)).toEqual(['a', 'c']);
    reopened.confirmPublishes();
    await Promise.all(sent);
    expect(h.outcomes.sort()).toEqual(['a:ok', 'b:WARREN_ERR_AMQP_PUBLISH_TOO_LARGE', 'c:ok']);
  });

  it('rejects a delayed publish whose delay queue the broker refuses to declare, and sends what follows; no channel per retry', async () => {
    const declarer = new TopologyDeclarer();
    const h = await attached(declarer);
    vi.spyOn(declarer, 'ensureDelayQueue').mockRejectedValueOnce(Object.assign(new Error('ACCESS_REFUSED - configure access to queue q.delay.1000'), { code: 'WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE' }));
    const channelsBefore = h.broker.channels.length;
    const sent = [h.publish('delayed', 10, 1_000), h.publish('next')];
    await vi.advanceTimersByTimeAsync(1_000);
    h.publishChannel()?.confirmPublishes();
    await Promise.all(sent);
    expect(h.outcomes).toEqual(['delayed:WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE', 'next:ok']);
    expect(h.broker.channels.length - channelsBefore, 'channels opened meanwhile').toBeLessThanOrEqual(1);
  });
});
