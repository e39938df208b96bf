import 'reflect-metadata';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { container } from 'tsyringe';
import { isWarrenError } from '../../../src/errors/warren-error.js';
import { Job } from '../../../src/job/job-decorator.js';
import { JobRegistry } from '../../../src/job/job-registry.js';
import type { JobContext } from '../../../src/job/job-types.js';
import { createLogger, createSilentLogger } from '../../../src/logging/logger.js';
import type { DecodedJob } from '../../../src/worker/decode-delivery.js';
import { AttemptAbort } from '../../../src/worker/attempt-abort.js';
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
const job: DecodedJob = { id: 'a-1', name: definition.name, definition, payload: {}, attempt: 1, enqueuedAt: new Date(0), headers: {}, malformed: [] };

function attempt(timers: TimerSet, base = container, abort = new AttemptAbort()) {
  return runAttempt({ job, pipeline: 'p', container: base, logger: createSilentLogger(), timers, abort });
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

  it('gives ctx.logger as a pino child carrying the job fields, created only when accessed', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    const childSpy = vi.spyOn(logger, 'child');
    const run = () => runAttempt({ job, pipeline: 'p', container, logger, timers: new TimerSet(), abort: new AttemptAbort() });
    await expect(run()).resolves.toEqual({ kind: 'success' });
    expect(childSpy).not.toHaveBeenCalled();
    behaviour = (ctx) => {
      ctx.logger.info('hello');
      expect(ctx.logger).toBe(ctx.logger);
    };
    await expect(run()).resolves.toEqual({ kind: 'success' });
    expect(childSpy).toHaveBeenCalledTimes(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'hello', jobId: 'a-1', job: 'attempt.scripted', pipeline: 'p', attempt: 1 });
  });

  it('hands out an aborted signal when the handler first reads it after the timeout fired', async () => {
    vi.useFakeTimers();
    let release: () => void = () => {};
    behaviour = () => new Promise<void>((resolve) => (release = resolve));
    const abort = new AttemptAbort();
    const pending = attempt(new TimerSet(), container, abort);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(pending).resolves.toMatchObject({ kind: 'failure', isTimeout: true });
    expect(abort.signal.aborted).toBe(true);
    expect(isWarrenError(abort.signal.reason, 'WARREN_ERR_JOB_TIMEOUT')).toBe(true);
    release();
  });

  it('aborts the signal the handler took and ends the attempt when the worker aborts it (forced shutdown)', async () => {
    let signal: AbortSignal | undefined;
    behaviour = (ctx) => {
      signal = ctx.signal;
      return new Promise<void>(() => {});
    };
    const abort = new AttemptAbort();
    const pending = attempt(new TimerSet(), container, abort);
    await vi.waitFor(() => expect(signal).toBeDefined());
    const reason = new Error('forced shutdown');
    abort.abort(reason);
    await expect(pending).resolves.toEqual({ kind: 'failure', error: reason, isTimeout: false });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(reason);
  });
});
