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
  });

  it('rejects with a coded WARREN_ERR_EVENT_TIMEOUT naming the event after timeoutMs', async () => {
    const events = new TypedEmitter<Events>();
    const next = events.once('driver:state', { timeoutMs: 1_000 });
    const outcome = expect(next).rejects.toMatchObject({
      code: 'WARREN_ERR_EVENT_TIMEOUT',
      message: expect.stringContaining('driver:state'),
      details: { event: 'driver:state', timeoutMs: 1_000 },
    });
    await vi.advanceTimersByTimeAsync(1_000);
    await outcome;
    events.emit('driver:state', { from: 'ready', to: 'closed' }); // a late event reaches no stale listener
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
