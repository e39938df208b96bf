import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Delivery } from '../../../src/driver/driver.js';
import { HeldDeliveries } from '../../../src/worker/held-deliveries.js';
import { InFlightDelivery } from '../../../src/worker/in-flight-delivery.js';
import { TimerSet } from '../../../src/worker/timer-set.js';

function entry(settlements: string[], id: string): InFlightDelivery {
  const delivery: Delivery = {
    body: Buffer.from('{}'), properties: { messageId: id, headers: {} }, redelivered: false,
    ack: () => settlements.push(`ack ${id}`), requeue: () => settlements.push(`requeue ${id}`),
  };
  return new InFlightDelivery(delivery);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('HeldDeliveries', () => {
  it('starts waiting deliveries oldest first and counts the running ones', () => {
    const held = new HeldDeliveries(new TimerSet());
    const settlements: string[] = [];
    const [a, b] = [entry(settlements, 'a'), entry(settlements, 'b')];
    held.add(a);
    held.add(b);
    expect(held.startNext()).toBe(a);
    expect([held.size, held.runningCount]).toEqual([2, 1]);
    expect(held.requeueWaiting()).toBe(1);
    expect(settlements).toEqual(['requeue b']);
    expect(held.startNext()).toBeUndefined();
  });

  it('resolves a drain wait true when the last running delivery finishes', async () => {
    vi.useFakeTimers();
    const timers = new TimerSet();
    const held = new HeldDeliveries(timers);
    const a = entry([], 'a');
    held.add(a);
    held.startNext();
    const waiting = held.waitForIdle(10_000);
    a.ack();
    held.finish(a);
    await expect(waiting).resolves.toBe(true);
    expect(timers.size).toBe(0);
  });

  it('resolves a drain wait false after its timeout, and abandonAll requeues and aborts what is left', async () => {
    vi.useFakeTimers();
    const held = new HeldDeliveries(new TimerSet());
    const settlements: string[] = [];
    const a = entry(settlements, 'a');
    held.add(a);
    held.startNext();
    const waiting = held.waitForIdle(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(waiting).resolves.toBe(false);
    expect(held.abandonAll(new Error('timeout'))).toBe(1);
    expect(settlements).toEqual(['requeue a']);
    expect(a.controller.signal.aborted).toBe(true);
    expect(held.size).toBe(0);
  });

  it('cutShort ends a wait in progress and bounds every later one to 0ms', async () => {
    vi.useFakeTimers();
    const held = new HeldDeliveries(new TimerSet());
    held.add(entry([], 'a'));
    held.startNext();
    const first = held.waitForIdle(60_000);
    held.cutShort();
    await expect(first).resolves.toBe(false);
    expect(held.drainBoundMs(60_000)).toBe(0);
    const second = held.waitForIdle(60_000);
    await vi.advanceTimersByTimeAsync(0);
    await expect(second).resolves.toBe(false);
  });
});
