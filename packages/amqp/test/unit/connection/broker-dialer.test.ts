import type { ChannelModel } from 'amqplib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@warren/core';
import { connect } from '../../../src/connection/amqplib-module.js';
import { dialBroker } from '../../../src/connection/broker-dialer.js';

vi.mock('../../../src/connection/amqplib-module.js', () => ({ connect: vi.fn() }));

/** amqplib 2.x's Connection as the straggler guard sees it: a frame on a free channel number fails the connection. */
class AmqplibLikeConnection {
  readonly channels: Array<object | null> = [{}];
  readonly bits = new Set<number>();
  readonly freeChannels = { get: (i: number) => this.bits.has(i), set: (i: number) => void this.bits.add(i), clear: (i: number) => void this.bits.delete(i) };
  readonly frameMax = 131_072;
  sentSinceLastCheck = false;
  accept = (frame: { channel: number }): void => {
    if (!this.channels[frame.channel]) throw new Error(`Frame on unknown channel ${frame.channel}`);
  };
  freshChannel(channel: object): number {
    this.bits.add(1);
    this.channels[1] = channel;
    return 1;
  }
  releaseChannel(number: number): void {
    this.bits.delete(number);
    this.channels[number] = null;
  }
  sendMessage(): void {}
}

/** The same connection from an amqplib whose channel bitset is not where the guard looks for it. */
class ReshapedConnection extends AmqplibLikeConnection {
  constructor() {
    super();
    Object.assign(this, { freeChannels: undefined });
  }
}

function dial(connection: AmqplibLikeConnection) {
  const lines: Array<Record<string, unknown>> = [];
  vi.mocked(connect).mockResolvedValueOnce({ connection } as unknown as ChannelModel);
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  const dialed = dialBroker('amqp://guest:guest@127.0.0.1:5672', { heartbeatMs: 2_000, connectTimeoutMs: 1_000, connectionName: 'dialer-test', logger });
  return { dialed, lines };
}

describe('dialBroker and the straggler guard', () => {
  afterEach(() => vi.mocked(connect).mockReset());

  it('installs the guard when amqplib is as proved, with one debug line per closed channel', async () => {
    const connection = new AmqplibLikeConnection();
    const { dialed, lines } = dial(connection);
    await dialed;
    const channel = connection.freshChannel({});
    connection.releaseChannel(channel); // the broker closed it (406)
    for (let i = 0; i < 3; i++) connection.accept({ channel }); // deliveries it had already handed to its writer
    expect(lines.filter((line) => line['event'] === 'amqp.straggler.dropped')).toMatchObject([{ level: 20, channel }]);
  });

  it('leaves the connection as amqplib made it when the shapes the guard needs differ', async () => {
    const connection = new ReshapedConnection();
    const { accept } = connection;
    const { dialed } = dial(connection);
    await dialed;
    expect(connection.accept).toBe(accept);
    const channel = connection.freshChannel({});
    connection.releaseChannel(channel);
    expect(() => connection.accept({ channel })).toThrow(`Frame on unknown channel ${channel}`);
  });
});
