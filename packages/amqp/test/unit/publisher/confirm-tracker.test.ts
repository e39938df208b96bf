import { describe, expect, it } from 'vitest';
import { ConfirmTracker } from '../../../src/publisher/confirm-tracker.js';
import type { PublishEntry } from '../../../src/publisher/publish-entry.js';

interface Outcome { id: string; result: 'ok' | string }

function entry(id: string, outcomes: Outcome[], deadlineMs = 1_000): PublishEntry {
  return {
    queue: 'q', message: { body: Buffer.from(id), properties: { messageId: id, type: 't', timestampMs: 0, contentType: '', contentEncoding: '', headers: {} } }, delayMs: 0, deadlineMs, isReturned: false, returnCount: 0, channelErrors: 0, nacks: 0, isSettled: false,
    resolve: () => outcomes.push({ id, result: 'ok' }),
    reject: (error) => outcomes.push({ id, result: (error as { code?: string }).code ?? 'error' }),
  };
}

function tracked(count: number, outcomes: Outcome[]): ConfirmTracker {
  const tracker = new ConfirmTracker();
  for (let i = 1; i <= count; i++) expect(tracker.add(entry(`m${i}`, outcomes, i * 100))).toBe(i);
  return tracker;
}

describe('ConfirmTracker', () => {
  it('resolves a single ack and leaves the others pending', () => {
    const outcomes: Outcome[] = [];
    const tracker = tracked(3, outcomes);
    tracker.confirm(2, false, false);
    expect(outcomes).toEqual([{ id: 'm2', result: 'ok' }]);
    expect(tracker.size).toBe(2);
  });

  it('resolves everything up to the tag on a multiple ack', () => {
    const outcomes: Outcome[] = [];
    const tracker = tracked(4, outcomes);
    tracker.confirm(3, true, false);
    expect(outcomes.map((o) => o.id)).toEqual(['m1', 'm2', 'm3']);
    expect(tracker.size).toBe(1);
  });

  it('rejects nacked publishes with WARREN_ERR_AMQP_PUBLISH_NACKED', () => {
    const outcomes: Outcome[] = [];
    const tracker = tracked(2, outcomes);
    tracker.confirm(2, true, true);
    expect(outcomes).toEqual([{ id: 'm1', result: 'WARREN_ERR_AMQP_PUBLISH_NACKED' }, { id: 'm2', result: 'WARREN_ERR_AMQP_PUBLISH_NACKED' }]);
  });

  it('rejects a returned (unroutable) publish when its ack arrives', () => {
    const outcomes: Outcome[] = [];
    const tracker = tracked(2, outcomes);
    tracker.markReturned('m2');
    tracker.confirm(2, true, false);
    expect(outcomes).toEqual([{ id: 'm1', result: 'ok' }, { id: 'm2', result: 'WARREN_ERR_AMQP_PUBLISH_UNROUTABLE' }]);
  });

  it('expires publishes past their deadline, oldest first, and ignores their late confirm', () => {
    const outcomes: Outcome[] = [];
    const tracker = tracked(3, outcomes);
    expect(tracker.expire(250, 100)).toBe(2);
    tracker.confirm(3, true, false);
    expect(outcomes).toEqual([
      { id: 'm1', result: 'WARREN_ERR_AMQP_PUBLISH_TIMEOUT' }, { id: 'm2', result: 'WARREN_ERR_AMQP_PUBLISH_TIMEOUT' }, { id: 'm3', result: 'ok' },
    ]);
  });

  it('hands back unconfirmed publishes in tag order when the channel dies, without settling them', () => {
    const outcomes: Outcome[] = [];
    const tracker = tracked(4, outcomes);
    tracker.confirm(2, false, false);
    expect(tracker.takeUnconfirmed().map((e) => e.message.properties.messageId)).toEqual(['m1', 'm3', 'm4']);
    expect(tracker.size).toBe(0);
    expect(outcomes).toEqual([{ id: 'm2', result: 'ok' }]);
  });

  it('ignores confirms for unknown tags', () => {
    const outcomes: Outcome[] = [];
    const tracker = tracked(1, outcomes);
    tracker.confirm(99, false, false);
    expect(outcomes).toEqual([]);
  });
});

describe('ConfirmTracker with a return handler', () => {
  it('lets the handler take over a returned publish instead of rejecting it', () => {
    const outcomes: Outcome[] = [];
    const taken: string[] = [];
    const tracker = new ConfirmTracker((returned) => (taken.push(String(returned.message.properties.messageId)), true));
    tracker.add(entry('m1', outcomes));
    tracker.markReturned('m1');
    tracker.confirm(1, false, false);
    expect(taken).toEqual(['m1']);
    expect(outcomes).toEqual([]);
  });
});

describe('ConfirmTracker by tag', () => {
  it.each([1, 2, 3, 4, 5])('matches a by-tag reference model through ring growth and wrap-around (seed %i)', (seed) => {
    let state = seed;
    const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const outcomes: Outcome[] = [];
    const tracker = new ConfirmTracker();
    const model = new Map<number, string>(); // tag -> id, insertion (= tag) order
    const expected: string[] = [];
    let sent = 0;
    let maxHeld = 0;
    for (let step = 0; step < 3000; step++) {
      const roll = random();
      // Add-heavy and confirm-heavy phases: the ring grows past its 64 slots, then drains and wraps around.
      if (roll < (step % 1000 < 500 ? 0.75 : 0.35) || model.size === 0) {
        sent++;
        expect(tracker.add(entry(`m${sent}`, outcomes))).toBe(sent);
        model.set(sent, `m${sent}`);
      } else {
        const tags = [...model.keys()];
        const tag = tags[Math.floor(random() * tags.length)]! + (random() < 0.1 ? 1 : 0); // sometimes an unknown tag
        const multiple = roll > 0.9 && step % 1000 >= 500;
        for (const [pending, id] of [...model]) {
          if (multiple ? pending <= tag : pending === tag) {
            model.delete(pending);
            expected.push(id);
          }
        }
        tracker.confirm(tag, multiple, false);
      }
      expect(tracker.size).toBe(model.size);
      maxHeld = Math.max(maxHeld, model.size);
    }
    expect(maxHeld).toBeGreaterThan(128);
    expect(outcomes.map((o) => o.id)).toEqual(expected);
    expect(tracker.takeUnconfirmed().map((e) => e.message.properties.messageId)).toEqual([...model.values()]);
    expect(tracker.size).toBe(0);
    expect(tracker.add(entry('after', outcomes))).toBe(sent + 1); // tags keep counting on the channel
  });
});
