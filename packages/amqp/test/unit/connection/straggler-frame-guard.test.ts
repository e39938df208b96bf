import type { ChannelModel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { STRAGGLER_GRACE_MS, guardAgainstStragglerFrames } from '../../../src/connection/straggler-frame-guard.js';

/** The slice of amqplib's Connection the guard touches, behaving like amqplib 2.x. */
class FakeAmqplibConnection {
  channels: Array<{ name: string } | null> = [null];
  readonly bits = new Set<number>();
  readonly freeChannels = {
    get: (i: number) => this.bits.has(i),
    set: (i: number) => void this.bits.add(i),
    clear: (i: number) => void this.bits.delete(i),
  };
  readonly accepted: number[] = [];
  connectionErrors: string[] = [];

  accept(frame: { channel: number }) {
    if (this.channels[frame.channel]) this.accepted.push(frame.channel);
    else this.connectionErrors.push(`Frame on unknown channel ${frame.channel}`); // amqplib closes the connection here
  }

  freshChannel(channel: { name: string }) {
    let next = 1;
    while (this.bits.has(next)) next += 1;
    this.bits.add(next);
    this.channels[next] = channel;
    return next;
  }

  releaseChannel(number: number) {
    this.bits.delete(number);
    this.channels[number] = null;
  }
}

function guarded() {
  const connection = new FakeAmqplibConnection();
  let nowMs = 1_000;
  const dropped: Array<[channel: number, droppedSinceRelease: number]> = [];
  guardAgainstStragglerFrames({ connection } as unknown as ChannelModel, { nowMs: () => nowMs, onDropped: (c, n) => dropped.push([c, n]) });
  return { connection, dropped, advance: (ms: number) => (nowMs += ms) };
}

describe('straggler frame guard', () => {
  it('drops frames the broker still sends on a channel it just closed, instead of failing the connection', () => {
    const { connection, dropped } = guarded();
    const consumer = connection.freshChannel({ name: 'consumer' });
    connection.releaseChannel(consumer); // server channel.close handled
    connection.accept({ channel: consumer }); // a basic.deliver written before the close reached the writer
    connection.accept({ channel: consumer }); // and its content header
    expect(connection.connectionErrors).toEqual([]);
    expect(dropped).toEqual([[consumer, 1], [consumer, 2]]);
  });

  it('counts dropped frames per release of a number (for one debug line per closed channel), from 1 again after the next release', () => {
    const { connection, dropped, advance } = guarded();
    const first = connection.freshChannel({ name: 'a' });
    connection.releaseChannel(first);
    connection.accept({ channel: first });
    advance(STRAGGLER_GRACE_MS);
    const again = connection.freshChannel({ name: 'b' });
    expect(again).toBe(first);
    connection.releaseChannel(again);
    connection.accept({ channel: again });
    expect(dropped).toEqual([[first, 1], [first, 1]]);
  });

  it('does not hand a just-closed channel number to the next channel, then reuses it after the grace', () => {
    const { connection, advance } = guarded();
    const first = connection.freshChannel({ name: 'a' });
    connection.releaseChannel(first);
    const second = connection.freshChannel({ name: 'b' });
    expect(second).not.toBe(first);
    expect(connection.bits.has(first)).toBe(false); // only held while allocating
    connection.releaseChannel(second);
    advance(STRAGGLER_GRACE_MS);
    expect(connection.freshChannel({ name: 'c' })).toBe(first);
  });

  it('still treats frames on a channel that was never opened, or closed long ago, as amqplib does', () => {
    const { connection, advance } = guarded();
    connection.accept({ channel: 7 });
    const channel = connection.freshChannel({ name: 'a' });
    connection.releaseChannel(channel);
    advance(STRAGGLER_GRACE_MS + 1);
    connection.accept({ channel });
    expect(connection.connectionErrors).toEqual(['Frame on unknown channel 7', `Frame on unknown channel ${channel}`]);
  });

  it('passes frames for open channels and channel 0 through', () => {
    const { connection } = guarded();
    const channel = connection.freshChannel({ name: 'a' });
    connection.channels[0] = { name: 'control' };
    connection.accept({ channel });
    connection.accept({ channel: 0 });
    expect(connection.accepted).toEqual([channel, 0]);
  });
});
