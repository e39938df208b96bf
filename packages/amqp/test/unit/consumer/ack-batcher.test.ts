import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AckBatcher } from '../../../src/consumer/ack-batcher.js';
import { FakeChannel, FakeModel } from '../../fakes/fake-broker.js';

/** A live channel on which the broker delivered tags 1..count, and the batcher of that generation. */
function generation(count: number): { channel: FakeChannel; acks: AckBatcher } {
  const channel = new FakeChannel(new FakeModel());
  const acks = new AckBatcher(channel);
  for (let tag = 1; tag <= count; tag++) {
    channel.unacked.add(tag);
    acks.delivered(tag);
  }
  return { channel, acks };
}

/** The end of the event-loop turn (the batcher flushes on setImmediate). */
function endTurn(): void {
  vi.runOnlyPendingTimers();
}

/** Seeded PRNG (mulberry32) so a failing random case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('AckBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const orders: Array<{ name: string; delivered: number; steps: Array<number | 'turn'>; frames: string[] }> = [
    { name: 'in order', delivered: 3, steps: [1, 2, 3, 'turn'], frames: ['ack 3 multiple'] },
    { name: 'reverse order', delivered: 3, steps: [3, 2, 1, 'turn'], frames: ['ack 3 multiple'] },
    { name: 'straggler first: the others go singly this turn', delivered: 4, steps: [4, 2, 3, 'turn', 1, 'turn'], frames: ['ack 4', 'ack 2', 'ack 3', 'ack 1 multiple'] },
    { name: 'straggler settles next turn', delivered: 3, steps: [3, 2, 'turn', 1, 'turn'], frames: ['ack 3', 'ack 2', 'ack 1 multiple'] },
    { name: 'prefix plus singles beyond the gap', delivered: 6, steps: [2, 1, 5, 6, 'turn', 3, 'turn', 4, 'turn'], frames: ['ack 2 multiple', 'ack 5', 'ack 6', 'ack 3 multiple', 'ack 4 multiple'] },
    { name: 'one frame per turn when in order', delivered: 4, steps: [1, 2, 'turn', 3, 4, 'turn'], frames: ['ack 2 multiple', 'ack 4 multiple'] },
  ];
  it.each(orders)('completion order $name → $frames', ({ delivered, steps, frames }) => {
    const { channel, acks } = generation(delivered);
    for (const step of steps) {
      if (step === 'turn') endTurn();
      else acks.ack(step);
    }
    expect(channel.frames).toEqual(frames);
    expect(channel.protocolErrors).toEqual([]);
    expect(channel.unacked.size).toBe(0);
  });

  it('sends nothing before the turn ends, then one frame for the whole turn', () => {
    const { channel, acks } = generation(50);
    for (let tag = 1; tag <= 50; tag++) acks.ack(tag);
    expect(channel.frames).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    endTurn();
    expect(channel.frames).toEqual(['ack 50 multiple']);
  });

  it('a straggler does not hold back the acks (and so the prefetch window) of the deliveries after it', () => {
    const { channel, acks } = generation(5);
    for (const tag of [2, 3, 4, 5]) acks.ack(tag);
    endTurn();
    expect([...channel.unacked]).toEqual([1]);
    acks.ack(1);
    endTurn();
    expect(channel.frames).toEqual(['ack 2', 'ack 3', 'ack 4', 'ack 5', 'ack 1 multiple']);
    expect(channel.unacked.size).toBe(0);
  });

  it('requeue is sent at once, before the multiple ack that passes it, which then leaves it requeued', () => {
    const { channel, acks } = generation(4);
    acks.ack(1);
    acks.requeue(2);
    expect(channel.frames).toEqual(['nack 2 requeue']); // on the wire before the turn ends
    acks.ack(3);
    acks.ack(4);
    endTurn();
    expect(channel.frames).toEqual(['nack 2 requeue', 'ack 4 multiple']);
    expect(Object.fromEntries(channel.settledAs)).toEqual({ 1: 'ack', 2: 'requeue', 3: 'ack', 4: 'ack' });
    expect(channel.protocolErrors).toEqual([]);
  });

  it('never acks a tag the runtime did not ack: requeued top of the prefix, double acks, unknown tags', () => {
    const { channel, acks } = generation(3);
    acks.ack(1);
    acks.ack(2);
    acks.ack(2);
    acks.ack(9);
    acks.requeue(3);
    acks.ack(3);
    endTurn();
    expect(channel.frames).toEqual(['nack 3 requeue', 'ack 2 multiple']);
    expect(channel.protocolErrors).toEqual([]);
  });

  it('retire("discard") (channel died) drops pending acks and its flush; later settles send nothing', () => {
    const { channel, acks } = generation(3);
    acks.ack(1);
    acks.retire('discard');
    expect(vi.getTimerCount()).toBe(0);
    acks.ack(2);
    acks.requeue(3);
    endTurn();
    expect(channel.frames).toEqual([]);
    expect(acks.state).toBe('retired');
  });

  it('retire("flush") (we close a working channel) sends pending acks first, then nothing more', () => {
    const { channel, acks } = generation(3);
    acks.ack(2);
    acks.ack(1);
    acks.retire('flush');
    expect(channel.frames).toEqual(['ack 2 multiple']);
    acks.ack(3);
    endTurn();
    expect(channel.frames).toEqual(['ack 2 multiple']);
  });

  it('a channel that throws on send (closing) retires the batcher instead of throwing into the runtime', () => {
    const { channel, acks } = generation(2);
    acks.ack(1);
    channel.isClosed = true;
    expect(() => endTurn()).not.toThrow();
    expect(() => acks.requeue(2)).not.toThrow();
    expect(acks.state).toBe('retired');
  });

  it('random completion orders, requeues and turn ends: each delivery ends exactly as the runtime settled it', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const channel = new FakeChannel(new FakeModel());
      const acks = new AckBatcher(channel);
      const decided = new Map<number, 'ack' | 'requeue'>();
      const inFlight: number[] = [];
      let delivered = 0;
      while (delivered < 40 || inFlight.length > 0) {
        const roll = next();
        if (delivered < 40 && (roll < 0.4 || inFlight.length === 0)) {
          channel.unacked.add(++delivered);
          acks.delivered(delivered);
          inFlight.push(delivered);
        } else if (roll < 0.9) {
          const [tag] = inFlight.splice(Math.floor(next() * inFlight.length), 1) as [number];
          const verdict = next() < 0.2 ? 'requeue' : 'ack';
          decided.set(tag, verdict);
          if (verdict === 'ack') acks.ack(tag);
          else acks.requeue(tag);
        } else endTurn();
      }
      endTurn();
      expect({ seed, errors: channel.protocolErrors, unacked: [...channel.unacked] }).toEqual({ seed, errors: [], unacked: [] });
      expect({ seed, settled: new Map([...channel.settledAs].sort((a, b) => a[0] - b[0])) }).toEqual({ seed, settled: new Map([...decided].sort((a, b) => a[0] - b[0])) });
    }
  });
});
