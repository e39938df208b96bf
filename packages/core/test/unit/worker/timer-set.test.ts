import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_STEP_MS, TimerSet } from '../../../src/worker/timer-set.js';

afterEach(() => {
  vi.useRealTimers();
});

const DAY_MS = 86_400_000;

describe('TimerSet', () => {
  it.each([
    ['0ms', 0],
    ['one second', 1_000],
    ['exactly the setTimeout ceiling', MAX_TIMER_STEP_MS],
    // Node fires a setTimeout above 2^31-1 ms after 1ms; a 30-day delayed job must not run at once.
    ['30 days (above the setTimeout ceiling)', 30 * DAY_MS],
    ['100 days', 100 * DAY_MS],
  ])('fires a timer of %s exactly when due, not before', async (_title, delayMs) => {
    vi.useFakeTimers();
    const timers = new TimerSet();
    const fired = vi.fn();
    timers.schedule(delayMs, fired);
    if (delayMs > 0) {
      await vi.advanceTimersByTimeAsync(delayMs - 1);
      expect(fired).not.toHaveBeenCalled();
      expect(timers.size).toBe(1);
    }
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(timers.size).toBe(0);
  });

  it('never fires an infinite delay, and cancelAll leaves no timer behind', async () => {
    vi.useFakeTimers();
    const timers = new TimerSet();
    const fired = vi.fn();
    timers.schedule(Number.POSITIVE_INFINITY, fired);
    await vi.advanceTimersByTimeAsync(3 * MAX_TIMER_STEP_MS);
    expect(fired).not.toHaveBeenCalled();
    timers.cancelAll();
    expect(timers.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cancels a long timer between its steps, and a second cancel is a no-op', async () => {
    vi.useFakeTimers();
    const timers = new TimerSet();
    const fired = vi.fn();
    const timer = timers.schedule(60 * DAY_MS, fired);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_STEP_MS + 1);
    timer.cancel();
    timer.cancel();
    await vi.advanceTimersByTimeAsync(60 * DAY_MS);
    expect(fired).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs every() on each interval until cancelled', async () => {
    vi.useFakeTimers();
    const timers = new TimerSet();
    const fired = vi.fn();
    const interval = timers.every(100, fired);
    await vi.advanceTimersByTimeAsync(350);
    expect(fired).toHaveBeenCalledTimes(3);
    interval.cancel();
    await vi.advanceTimersByTimeAsync(500);
    expect(fired).toHaveBeenCalledTimes(3);
    expect(timers.size).toBe(0);
  });

  it('close() cancels everything and refuses new timers, while cancelAll() keeps the set usable', async () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const reusable = new TimerSet();
    reusable.schedule(10, fired);
    reusable.cancelAll();
    reusable.schedule(10, fired);
    const closed = new TimerSet();
    closed.every(10, fired);
    closed.close();
    closed.schedule(10, fired);
    closed.every(10, fired);
    await vi.advanceTimersByTimeAsync(15);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(closed.size).toBe(0);
  });

  it('reports a callback that throws and keeps running (schedule and every)', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const timers = new TimerSet({ onError: (error) => errors.push(error) });
    let ticks = 0;
    timers.every(100, () => {
      ticks += 1;
      throw new TypeError('Invalid URL');
    });
    timers.schedule(50, () => {
      throw new RangeError('Invalid time value');
    });
    const after = vi.fn();
    timers.schedule(400, after);
    await vi.advanceTimersByTimeAsync(450);
    expect(ticks).toBe(4);
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors.map((error) => (error as Error).name)).toEqual(['RangeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError']);
    timers.close();
  });

  it('by default turns a throwing callback into a redacted process warning with a code', async () => {
    vi.useFakeTimers();
    const warnings: Array<{ message: string; code: unknown }> = [];
    const onWarning = (warning: Error & { code?: unknown }) => warnings.push({ message: warning.message, code: warning.code });
    process.on('warning', onWarning);
    try {
      new TimerSet().schedule(10, () => {
        throw new Error('cannot reach amqp://app:hunter2@mq');
      });
      await vi.advanceTimersByTimeAsync(10);
      vi.useRealTimers();
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([{ message: expect.stringContaining('amqp://app:***@mq'), code: 'WARREN_ERR_WORKER_INTERNAL' }]);
  });
});
