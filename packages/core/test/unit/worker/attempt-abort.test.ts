import { describe, expect, it, vi } from 'vitest';
import { AttemptAbort } from '../../../src/worker/attempt-abort.js';

describe('AttemptAbort', () => {
  it('fires a signal handed out earlier, with the reason, and tells the callback once', () => {
    const abort = new AttemptAbort();
    const signal = abort.signal;
    const onAbort = vi.fn();
    const listener = vi.fn();
    abort.onAbort(onAbort);
    signal.addEventListener('abort', listener);
    const reason = new Error('timeout');
    abort.abort(reason);
    abort.abort(new Error('later'));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(onAbort.mock.calls).toEqual([[reason]]);
  });

  it('hands out an already aborted signal when first asked after the abort', () => {
    const abort = new AttemptAbort();
    const reason = new Error('shutdown');
    abort.abort(reason);
    expect(abort.isAborted).toBe(true);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe(reason);
  });

  it('calls a callback registered after the abort at once, and not one that was unregistered', () => {
    const abort = new AttemptAbort();
    const gone = vi.fn();
    abort.onAbort(gone);
    abort.onAbort(undefined);
    abort.abort('why');
    expect(gone).not.toHaveBeenCalled();
    const late = vi.fn();
    abort.onAbort(late);
    expect(late).toHaveBeenCalledWith('why');
  });

  it('uses the standard AbortError when aborted without a reason', () => {
    const abort = new AttemptAbort();
    abort.abort(undefined);
    expect((abort.reason as Error).name).toBe('AbortError');
    expect(abort.signal.reason).toBe(abort.reason);
  });
});
