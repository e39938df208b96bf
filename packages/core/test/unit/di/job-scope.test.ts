import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { container, inject, injectable, Lifecycle, scoped, singleton } from 'tsyringe';
import { JOB_CONTEXT, JobScope } from '../../../src/di/job-scope.js';
import { isWarrenError } from '../../../src/errors/warren-error.js';
import { Job } from '../../../src/job/job-decorator.js';
import type { JobContext } from '../../../src/job/job-types.js';
import { createSilentLogger } from '../../../src/logging/logger.js';
import { startWorker, waitFor, type WorkerHarness } from '../../fakes/worker-harness.js';

/** A per-job resource: one instance per attempt, disposed when the attempt ends. */
@scoped(Lifecycle.ContainerScoped)
class UnitOfWork {
  static readonly created: UnitOfWork[] = [];
  isDisposed = false;
  constructor() {
    UnitOfWork.created.push(this);
  }
  async dispose() {
    this.isDisposed = true;
  }
}

@injectable()
class Repository {
  constructor(readonly work: UnitOfWork) {}
}

@injectable()
class Mailer {
  readonly sent: string[] = [];
}

const seen: Array<{ work: UnitOfWork; repositoryWork: UnitOfWork; ctx: JobContext; wasDisposed: boolean }> = [];

@Job('di.scoped')
class ScopedJob {
  constructor(private readonly work: UnitOfWork, private readonly repository: Repository, @inject(JOB_CONTEXT) private readonly ctx: JobContext) {}
  handle() {
    seen.push({ work: this.work, repositoryWork: this.repository.work, ctx: this.ctx, wasDisposed: this.work.isDisposed });
  }
}

// Plain JavaScript style: no decorator metadata, constructor tokens from options.inject.
const plainSeen: Array<{ mailer: unknown; ctx: JobContext }> = [];
const PlainJsJob = Job('di.plain', { inject: [Mailer, JOB_CONTEXT] })(class PlainJsJob {
  mailer: unknown;
  ctx: JobContext;
  constructor(mailer: unknown, ctx: JobContext) {
    this.mailer = mailer;
    this.ctx = ctx;
  }
  handle() {
    plainSeen.push({ mailer: this.mailer, ctx: this.ctx });
  }
});

const fakeContext = { id: 'ctx-1' } as JobContext;

let harness: WorkerHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('per-job DI scope', () => {
  it('gives every job a fresh ContainerScoped instance, shared within the job and disposed after it', async () => {
    harness = await startWorker({ jobs: [ScopedJob] });
    await harness.dispatch('di.scoped', {}, 'first');
    await harness.dispatch('di.scoped', {}, 'second');
    await waitFor(() => harness!.eventsOf('job:succeeded').length === 2, 'both jobs');
    expect(seen.map((s) => s.ctx.id)).toEqual(['first', 'second']);
    expect(seen[0]!.work).not.toBe(seen[1]!.work);
    expect(seen[0]!.repositoryWork).toBe(seen[0]!.work);
    expect(seen.map((s) => s.wasDisposed)).toEqual([false, false]);
    await waitFor(() => seen.every((s) => s.work.isDisposed), 'disposal');
  });

  it('resolves a plain JavaScript job through options.inject, including the JobContext', async () => {
    harness = await startWorker({ jobs: [PlainJsJob] });
    await harness.dispatch('di.plain', {}, 'plain-1');
    await waitFor(() => plainSeen.length === 1, 'the plain job');
    expect(plainSeen[0]!.mailer).toBeInstanceOf(Mailer);
    expect(plainSeen[0]!.ctx.id).toBe('plain-1');
  });

  it('resolves from a child of the given base container and registers the context there', () => {
    const base = container.createChildContainer();
    base.register('greeting', { useValue: 'hello' });
    const scope = JobScope.open(fakeContext, base);
    expect(scope.container.resolve('greeting')).toBe('hello');
    expect(scope.container.resolve(JOB_CONTEXT)).toBe(fakeContext);
    expect(base.isRegistered(JOB_CONTEXT)).toBe(false);
  });

  it('wraps resolution failures as WARREN_ERR_DI_UNAVAILABLE with the cause', () => {
    const NeedsMissing = Job('di.missing', { inject: ['MissingService'] })(class NeedsMissing {
      constructor(readonly missing: unknown) {}
      handle() {}
    });
    const scope = JobScope.open(fakeContext);
    let error: unknown;
    try {
      scope.resolveHandler(NeedsMissing);
    } catch (caught) {
      error = caught;
    }
    expect(isWarrenError(error, 'WARREN_ERR_DI_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('NeedsMissing');
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('logs a failing dispose instead of throwing, once', async () => {
    const scope = JobScope.open(fakeContext);
    class Holder {
      dispose() {
        throw new Error('close failed');
      }
    }
    scope.container.resolve(Holder);
    const logged: unknown[] = [];
    const logger = createSilentLogger();
    logger.error = ((obj: unknown) => logged.push(obj)) as typeof logger.error;
    const disposal = scope.dispose(logger);
    expect(scope.dispose(logger)).toBe(disposal);
    await expect(disposal).resolves.toBeUndefined();
    expect(logged).toHaveLength(1);
  });
});

/** An app-wide resource (a connection pool): one instance for the process, never disposed by a job. */
@singleton()
class Pool {
  static readonly created: Pool[] = [];
  isDisposed = false;
  constructor() {
    Pool.created.push(this);
  }
  dispose() {
    this.isDisposed = true;
  }
}

const poolSeen: Array<{ pool: Pool; wasDisposed: boolean }> = [];

@Job('di.pooled')
class PooledJob {
  constructor(private readonly pool: Pool) {}
  handle() {
    poolSeen.push({ pool: this.pool, wasDisposed: this.pool.isDisposed });
  }
}

describe('per-job DI scope and app-wide singletons', () => {
  it('never disposes a singleton that a job resolved first (microsoft/tsyringe#237)', async () => {
    harness = await startWorker({ jobs: [PooledJob] });
    await harness.dispatch('di.pooled', {}, 'first');
    await waitFor(() => harness!.eventsOf('job:succeeded').length === 1, 'the first job');
    await harness.dispatch('di.pooled', {}, 'second');
    await waitFor(() => harness!.eventsOf('job:succeeded').length === 2, 'the second job');
    expect(Pool.created).toHaveLength(1);
    expect(poolSeen.map((s) => s.wasDisposed)).toEqual([false, false]);
    expect(Pool.created[0]!.isDisposed).toBe(false);
    expect(container.resolve(Pool)).toBe(Pool.created[0]);
  });

  it('disposes what the job created but not singletons registered by token in the base container', async () => {
    class Cache {
      isDisposed = false;
      dispose() {
        this.isDisposed = true;
      }
    }
    const base = container.createChildContainer();
    base.register('cache', { useClass: Cache }, { lifecycle: Lifecycle.Singleton });
    const scope = JobScope.open({ id: 'ctx-2' } as JobContext, base);
    const work = scope.container.resolve(UnitOfWork);
    const cache = scope.container.resolve<Cache>('cache');
    await scope.dispose(createSilentLogger());
    expect(work.isDisposed).toBe(true);
    expect(cache.isDisposed).toBe(false);
    expect(base.resolve('cache')).toBe(cache);
  });
});
