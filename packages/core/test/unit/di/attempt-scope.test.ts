import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { container, inject, injectable, Lifecycle, scoped } from 'tsyringe';
import { openAttemptScope } from '../../../src/di/attempt-scope.js';
import { JOB_CONTEXT, JobScope } from '../../../src/di/job-scope.js';
import { isWarrenError } from '../../../src/errors/warren-error.js';
import type { JobContext } from '../../../src/job/job-types.js';
import { createSilentLogger } from '../../../src/logging/logger.js';

const contextOf = (id: string) => ({ id, name: 'scope.test' }) as JobContext;

@scoped(Lifecycle.ContainerScoped)
class PerJob {
  isDisposed = false;
  dispose() {
    this.isDisposed = true;
  }
}

@injectable()
class NeedsPerJob {
  constructor(readonly perJob: PerJob, @inject(JOB_CONTEXT) readonly ctx: JobContext) {}
  handle() {}
}

@injectable()
class Paramless {
  isDisposed = false;
  handle() {}
  dispose() {
    this.isDisposed = true;
  }
}

@injectable()
class Throwing {
  constructor() {
    throw new Error('constructor broke');
  }
  handle() {}
}

describe('openAttemptScope', () => {
  it('gives a handler with dependencies a fresh ContainerScoped instance and its own context per attempt', async () => {
    const base = container.createChildContainer();
    const first = openAttemptScope(NeedsPerJob, contextOf('1'), base);
    const second = openAttemptScope(NeedsPerJob, contextOf('2'), base);
    const a = first.resolveHandler(NeedsPerJob) as NeedsPerJob;
    const b = second.resolveHandler(NeedsPerJob) as NeedsPerJob;
    expect(first).toBeInstanceOf(JobScope);
    expect(a.perJob).not.toBe(b.perJob);
    expect([a.ctx.id, b.ctx.id]).toEqual(['1', '2']);
    await first.dispose(createSilentLogger());
    expect([a.perJob.isDisposed, b.perJob.isDisposed]).toEqual([true, false]);
    await second.dispose(createSilentLogger());
  });

  it('constructs a paramless handler fresh per attempt and disposes it at the end', async () => {
    const scopes = [openAttemptScope(Paramless, contextOf('1')), openAttemptScope(Paramless, contextOf('2'))];
    const [a, b] = scopes.map((scope) => scope.resolveHandler(Paramless) as Paramless);
    expect(scopes[0]).not.toBeInstanceOf(JobScope);
    expect(a).toBeInstanceOf(Paramless);
    expect(a).not.toBe(b);
    await scopes[0]!.dispose(createSilentLogger());
    expect([a!.isDisposed, b!.isDisposed]).toEqual([true, false]);
    await scopes[1]!.dispose(createSilentLogger());
  });

  it('resolves a paramless handler through its registration when the base container has one', async () => {
    const base = container.createChildContainer();
    const registered = new Paramless();
    base.registerInstance(Paramless, registered);
    const scope = openAttemptScope(Paramless, contextOf('1'), base);
    expect(scope.resolveHandler(Paramless)).toBe(registered);
    await scope.dispose(createSilentLogger());
    expect(registered.isDisposed).toBe(false);
  });

  it('reports a throwing paramless constructor as WARREN_ERR_DI_UNAVAILABLE with the cause', () => {
    const scope = openAttemptScope(Throwing, contextOf('1'));
    let caught: unknown;
    try {
      scope.resolveHandler(Throwing);
    } catch (error) {
      caught = error;
    }
    expect(isWarrenError(caught, 'WARREN_ERR_DI_UNAVAILABLE')).toBe(true);
    expect((caught as Error).message).toContain('constructor broke');
  });

  it('fails to open on a disposed base container with WARREN_ERR_DI_UNAVAILABLE, paramless or not', async () => {
    const base = container.createChildContainer();
    await base.dispose();
    for (const jobClass of [Paramless, NeedsPerJob]) {
      expect(() => openAttemptScope(jobClass, contextOf('1'), base)).toThrow(expect.objectContaining({ code: 'WARREN_ERR_DI_UNAVAILABLE' }));
    }
  });

  it('logs a failing dispose through the logger function, called only then', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const logger = () => {
      calls += 1;
      return { error: (fields: unknown) => errors.push(fields) } as never;
    };
    class Failing {
      handle() {}
      dispose() {
        throw new Error('dispose broke');
      }
    }
    const ok = openAttemptScope(Paramless, contextOf('1'));
    ok.resolveHandler(Paramless);
    await ok.dispose(logger);
    expect(calls).toBe(0);
    const failing = openAttemptScope(Failing, contextOf('2'));
    failing.resolveHandler(Failing);
    await failing.dispose(logger);
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
