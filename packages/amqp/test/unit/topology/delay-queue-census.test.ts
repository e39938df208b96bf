import type { ChannelModel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { inspectQueues } from '../../../src/dead-letter-ops.js';
import { DELAY_LADDER_MS } from '../../../src/topology/delay-ladder.js';
import { DelayQueueCensus, delayOfQueue } from '../../../src/topology/delay-queue-census.js';

/** A broker holding these queues and counts; checking any other queue fails as RabbitMQ's 404 does. */
function brokerWith(queues: Record<string, number>): { model: ChannelModel; checks: string[] } {
  const checks: string[] = [];
  const channel = {
    on: () => channel,
    checkQueue: async (name: string) => {
      checks.push(name);
      if (!(name in queues)) throw Object.assign(new Error(`NOT_FOUND - no queue '${name}'`), { code: 404 });
      return { messageCount: queues[name], consumerCount: 0 };
    },
    close: async () => undefined,
  };
  return { model: { createChannel: async () => channel } as unknown as ChannelModel, checks };
}

describe('DelayQueueCensus', () => {
  it('checks every ladder step on a scan, and afterwards only what was declared here or found', () => {
    const census = new DelayQueueCensus();
    expect(census.candidates('q', [], true)).toHaveLength(DELAY_LADDER_MS.length);
    expect(census.candidates('q', ['q.delay.1000'], false)).toEqual(['q.delay.1000']);
    const ladder = census.candidates('q', [], true);
    census.record('q', ladder, [{ queue: 'q.delay.50' }]);
    expect(census.candidates('q', ['q.delay.1000'], false)).toEqual(['q.delay.1000', 'q.delay.50']);
    census.record('q', ['q.delay.1000'], []); // a quick check that did not include q.delay.50 keeps it
    expect(census.candidates('q', [], false)).toEqual(['q.delay.50']);
    census.record('q', ['q.delay.50'], []); // expired since
    expect(census.candidates('q', [], false)).toEqual([]);
  });

  it.each([
    ['q.delay.1100', 1100],
    ['q.delay.x', undefined],
    ['q.dlq', undefined],
    ['other.delay.50', undefined],
  ])('reads the delay of %s as %s', (name, delayMs) => {
    expect(delayOfQueue('q', name)).toBe(delayMs);
  });
});

describe('inspectQueues', () => {
  it('counts each delay queue that exists, shortest first, and sums them; missing ones are left out', async () => {
    const step = DELAY_LADDER_MS[20] as number;
    const { model, checks } = brokerWith({ q: 4, 'q.dlq': 2, [`q.delay.${step}`]: 3, 'q.delay.50': 1 });
    const stats = await inspectQueues(model, 'p', 'q', 'q.dlq', DELAY_LADDER_MS.map((ms) => `q.delay.${ms}`));
    expect(stats).toEqual({
      pipeline: 'p', ready: 4, unacked: undefined, consumers: 0, delayed: 4, deadLettered: 2,
      delayQueues: [{ queue: 'q.delay.50', delayMs: 50, messages: 1 }, { queue: `q.delay.${step}`, delayMs: step, messages: 3 }],
    });
    expect(checks).toHaveLength(2 + DELAY_LADDER_MS.length);
  });
});
