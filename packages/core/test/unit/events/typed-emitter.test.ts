import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from '../../../src/events/typed-emitter.js';

type Events = { 'driver:state': { from: string; to: string } };

describe('TypedEmitter.once', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves with the next payload and removes its listener and timer', async () => {
    const events = new TypedEmitter<Events>();
    const next = events.once('driver:state', { timeoutMs: 1_000 });
    events.emit('driver:state', { from: 'connecting', to: 'ready' });
    await expect(next).resolves.toEqual({ from: 'connecting', to: 'ready' });
    expect(vi.getTimerCount()).toBe(0);
    expect(events.listenerCount('driver:state')).toBe(0);
  });

  it('rejects naming the event after timeoutMs, and leaves no listener behind', async () => {
    const events = new TypedEmitter<Events>();
    const next = events.once('driver:state', { timeoutMs: 1_000 });
    const outcome = expect(next).rejects.toThrow('timed out after 1000ms waiting for driver:state');
    await vi.advanceTimersByTimeAsync(1_000);
    await outcome;
    expect(events.listenerCount('driver:state')).toBe(0);
  });

  it('rejects with the abort reason when the signal aborts first', async () => {
    const events = new TypedEmitter<Events>();
    const controller = new AbortController();
    const next = events.once('driver:state', { signal: controller.signal, timeoutMs: 1_000 });
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(next).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });
});
