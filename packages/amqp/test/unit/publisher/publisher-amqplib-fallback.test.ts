/*
 * The fallback when amqplib is not the version Warren was proved against: the publisher's confirm channels have
 * every private field the fast path uses, but the installed version is faked to 2.9.9, so every publish must go
 * through ConfirmChannel.publish, and WARREN_WRN_102 is logged once for the process, naming the version.
 */
import { fakeSession } from '../../fakes/fake-session.js';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type WireMessage } from '@warren/core';
import { BrokerBreaker } from '../../../src/breaker/broker-breaker.js';
import { Publisher } from '../../../src/publisher/publisher.js';
import { TopologyDeclarer } from '../../../src/topology/topology-declarer.js';

vi.mock('../../../src/connection/amqplib-internals.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/connection/amqplib-internals.js')>();
  return { ...actual, amqplibInternals: new actual.AmqplibInternals({ installedVersion: () => '2.9.9' }) };
});

/** amqplib's Connection as the fast path reads it. */
class ShapedConnection {
  readonly frameMax = 131_072;
  sentSinceLastCheck = false;
  readonly channels: unknown[] = [];
  sendMessage(): void {}
}

/** A confirm channel with all of amqplib's internals the fast path uses; records what reaches it and how. */
class ShapedConfirmChannel extends EventEmitter {
  readonly ch = 1;
  readonly connection = new ShapedConnection();
  /** Publishes made through ConfirmChannel.publish. */
  readonly published: string[] = [];
  /** Chunks the fast path wrote to the channel's buffer itself. */
  readonly chunks: Buffer[] = [];
  constructor() {
    super();
    this.connection.channels[1] = { channel: this, buffer: { write: (chunk: Buffer) => this.chunks.push(chunk) > 0 } };
  }
  publish(_exchange: string, _routingKey: string, _body: Buffer, options: { messageId: string }): boolean {
    this.published.push(options.messageId);
    return true;
  }
  pushConfirmCallback(): void {}
  sendMessage(): void {}
  async close(): Promise<void> {
    this.emit('close');
  }
}

function message(id: string): WireMessage {
  return { body: Buffer.from(id), properties: { messageId: id, type: 't', timestampMs: 0, contentType: 'application/json', contentEncoding: 'utf-8', headers: {} } };
}

const cleanups: Array<() => unknown> = [];
const lines: Array<Record<string, unknown>> = [];

function publisher(): Publisher {
  const breaker = new BrokerBreaker({ failureThreshold: 100, resetTimeoutMs: 1_000 });
  const instance = new Publisher({
    publishTimeoutMs: 1_000, maxMessages: 100, isFastPath: true, breaker, declarer: new TopologyDeclarer(), redeclare: async () => undefined,
    logger: createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(JSON.parse(line)) } }), isBrokerBlocked: () => false,
  });
  cleanups.push(() => instance.close(0), () => breaker.shutdown());
  return instance;
}

/** Publishes `ids`, expects them to reach ConfirmChannel.publish and nothing else, and confirms them. */
async function publishAndConfirm(p: Publisher, channel: ShapedConfirmChannel, ids: string[]): Promise<void> {
  const pending = ids.map((id) => p.publish('q', message(id)));
  await vi.advanceTimersByTimeAsync(0);
  expect(channel.published.slice(-ids.length)).toEqual(ids);
  expect(channel.chunks).toEqual([]);
  channel.emit('ack', { deliveryTag: channel.published.length, multiple: true });
  await Promise.all(pending);
}

describe('Publisher on an amqplib that is not the proved version', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    vi.useRealTimers();
  });

  it('publishes through ConfirmChannel.publish on every channel, and warns once naming the version', async () => {
    const p = publisher();
    const first = new ShapedConfirmChannel();
    await p.attach(fakeSession({ createConfirmChannel: async () => first }, 'publish'));
    await publishAndConfirm(p, first, ['a', 'b', 'c']);

    const second = new ShapedConfirmChannel(); // a reconnect: a new channel, judged again, no second warning
    await p.attach(fakeSession({ createConfirmChannel: async () => second }, 'publish'));
    await publishAndConfirm(p, second, ['d']);

    const warnings = lines.filter((line) => line['code'] === 'WARREN_WRN_102');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 40, event: 'amqp.amqplib.internals', fastPath: false, guard: false, differences: ['amqplib 2.9.9 is installed, proved against 2.3.1'],
    });
    expect(warnings[0]?.['msg']).toBe(
      'amqplib is not as @warren/amqp was proved against (amqplib 2.9.9 is installed, proved against 2.3.1): publishing through ConfirmChannel.publish, no straggler-frame guard',
    );
  });
});
