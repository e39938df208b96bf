import 'reflect-metadata';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { container } from 'tsyringe';
import { isWarrenError } from '../../../src/errors/warren-error.js';
import { Job } from '../../../src/job/job-decorator.js';
import { JobRegistry } from '../../../src/job/job-registry.js';
import type { JobContext } from '../../../src/job/job-types.js';
import { createSilentLogger } from '../../../src/logging/logger.js';
import type { DecodedJob } from '../../../src/worker/decode-delivery.js';
import { runAttempt } from '../../../src/worker/run-attempt.js';
import { TimerSet } from '../../../src/worker/timer-set.js';

let behaviour: (ctx: JobContext) => Promise<void> | void = () => {};

@Job('attempt.scripted', { timeout: '5s' })
class ScriptedJob {
  handle(_payload: unknown, ctx: JobContext) {
    return behaviour(ctx);
  }
}

const registry = new JobRegistry();
const definition = registry.add(ScriptedJob);
const job: DecodedJob = { id: 'a-1', name: definition.name, definition, payload: {}, attempt: 1, enqueuedAt: new Date(0), headers: {} };

function attempt(timers: TimerSet, base = container, controller = new AbortController()) {
  return runAttempt({ job, pipeline: 'p', container: base, logger: createSilentLogger(), timers, controller });
}

afterEach(() => {
  behaviour = () => {};
  vi.useRealTimers();
});

describe('runAttempt', () => {
  it('reports success and leaves no timer behind', async () => {
    const timers = new TimerSet();
    await expect(attempt(timers)).resolves.toEqual({ kind: 'success' });
    expect(timers.size).toBe(0);
  });

  it('reports a handler error as a failure that is not a timeout', async () => {
    behaviour = () => {
      throw new Error('boom');
    };
    const result = await attempt(new TimerSet());
    expect(result).toMatchObject({ kind: 'failure', isTimeout: false });
    expect((result as { error: Error }).error.message).toBe('boom');
  });

  it('aborts the signal and reports a timeout failure when the handler outlives its timeout', async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    behaviour = (ctx) => {
      signal = ctx.signal;
      return new Promise<void>(() => {});
    };
    const timers = new TimerSet();
    const pending = attempt(timers);
    await vi.advanceTimersByTimeAsync(5_000);
    const result = await pending;
    expect(result).toMatchObject({ kind: 'failure', isTimeout: true });
    expect(signal?.aborted).toBe(true);
    expect(timers.size).toBe(0);
  });

  it('turns a base container that can no longer open a scope into a DI failure, without a stray timer', async () => {
    const base = container.createChildContainer();
    await base.dispose();
    const timers = new TimerSet();
    const result = await attempt(timers, base);
    expect(result.kind).toBe('failure');
    expect(isWarrenError((result as { error: unknown }).error, 'WARREN_ERR_DI_UNAVAILABLE')).toBe(true);
    expect(timers.size).toBe(0);
  });
});
