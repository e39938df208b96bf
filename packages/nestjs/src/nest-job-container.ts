/*
 * The DI container Warren gets in a Nest app. Core opens a child container per attempt
 * (di/job-scope.ts): it registers the attempt's JobContext under JOB_CONTEXT, resolves the handler
 * class and disposes the child afterwards. This adapter does exactly those three things through
 * NestJobResolver, and nothing else of tsyringe's DependencyContainer.
 */
import { JOB_CONTEXT, WarrenError, type JobClass, type JobContext, type JobHandler, type WarrenOptions } from '@warren/core';
import type { NestJobResolver } from './nest-job-resolver.js';

type DependencyContainer = NonNullable<WarrenOptions['container']>;

/** A base container whose per-attempt children build handlers with `resolver`. */
export function nestJobContainer(resolver: NestJobResolver): DependencyContainer {
  const base = { createChildContainer: () => new NestAttemptContainer(resolver) };
  // Only createChildContainer is called on a base that is not a tsyringe container (core di/attempt-scope.ts).
  return base as unknown as DependencyContainer;
}

/** One attempt's scope: holds its JobContext and resolves its handler. */
class NestAttemptContainer {
  #context: JobContext | undefined;

  constructor(private readonly resolver: NestJobResolver) {}

  register(token: unknown, provider: { useValue?: unknown }): this {
    if (token !== JOB_CONTEXT) throw unsupported(`register(${String(token)})`);
    this.#context = provider.useValue as JobContext;
    return this;
  }

  /**
   * Nest builds instances asynchronously and core resolves synchronously, so the handler returned
   * here builds the real one on its first handle() call; a failure to build fails that attempt.
   */
  resolve<TPayload>(jobClass: JobClass<TPayload>): JobHandler<TPayload> {
    const context = this.#context;
    if (context === undefined) throw unsupported('resolve() before the JobContext was registered');
    return { handle: async (payload, ctx) => (await this.resolver.create(jobClass, context)).handle(payload, ctx) };
  }

  /** Request-scoped instances of the attempt go with its ContextId; Nest has no per-request disposal. */
  async dispose(): Promise<void> {}
}

function unsupported(call: string): WarrenError {
  return new WarrenError('WARREN_ERR_DI_UNAVAILABLE', `the Nest job container does not support ${call}`);
}
