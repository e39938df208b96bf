/*
 * openAttemptScope: the DI scope of one attempt. Opens a JobScope (a tsyringe child container) unless
 * resolving the handler there provably means `new Handler()`: then it constructs the handler directly
 * and disposes it like the child container would, which saves the container's creation and disposal
 * (~8 µs per job). Does not run the handler (worker/run-attempt.ts does).
 */
import type {} from 'reflect-metadata';
import type { DependencyContainer } from 'tsyringe';
import { container as rootContainer } from './commonjs-tsyringe.js';
import type { Logger } from 'pino';
import { WarrenError } from '../errors/warren-error.js';
import type { JobClass, JobContext, JobHandler } from '../job/job-types.js';
import { JobScope } from './job-scope.js';

/** What an attempt needs of its scope: its handler, and disposal of what the scope created. */
export interface AttemptScope {
  resolveHandler<TPayload>(jobClass: JobClass<TPayload>): JobHandler<TPayload>;
  /** Never rejects; logs failures to `logger` (a function is called only then). Idempotent. */
  dispose(logger: Logger | (() => Logger)): Promise<void>;
}

/** The class of tsyringe's own containers, so that a custom DependencyContainer always gets a real child. */
const TSYRINGE_CONTAINER = rootContainer.constructor;
/** tsyringe's constructor-parameter metadata (reflection-helpers.ts `getParamInfo`). */
const INJECTION_TOKENS_KEY = 'injectionTokens';
const hasNoParams = new WeakMap<JobClass, boolean>();

/**
 * True when tsyringe (4.x) would resolve `jobClass` in a fresh child of `base` as plain `new jobClass()`:
 * no constructor parameters (so JOB_CONTEXT and ContainerScoped dependencies are unreachable), no
 * registration of the class in `base` or an ancestor, and `base` is a tsyringe container (a fresh
 * child runs no interceptors). Per-job registrations do not exist besides JOB_CONTEXT.
 */
function constructsDirectly(jobClass: JobClass, base: DependencyContainer): boolean {
  if (!(base instanceof TSYRINGE_CONTAINER)) return false;
  let isParamless = hasNoParams.get(jobClass);
  if (isParamless === undefined) {
    const paramTypes: unknown[] | undefined = Reflect.getMetadata('design:paramtypes', jobClass);
    const tokens: object | undefined = Reflect.getOwnMetadata(INJECTION_TOKENS_KEY, jobClass);
    isParamless = jobClass.length === 0 && (paramTypes?.length ?? 0) === 0 && Object.keys(tokens ?? {}).length === 0;
    hasNoParams.set(jobClass, isParamless);
  }
  if (!isParamless) return false;
  try {
    return !base.isRegistered(jobClass, true);
  } catch {
    return false; // a disposed base: JobScope.open reports it as WARREN_ERR_DI_UNAVAILABLE
  }
}

/** tsyringe's test for what a container disposes (types/disposable.ts). */
function isDisposable(value: unknown): value is { dispose(): unknown } {
  const dispose = (value as { dispose?: unknown }).dispose;
  return typeof dispose === 'function' && dispose.length === 0;
}

/** The scope of a paramless, unregistered handler: `new jobClass()`, disposed at the end if disposable. */
class DirectScope implements AttemptScope {
  #disposable: { dispose(): unknown } | undefined;
  #disposal: Promise<void> | undefined;

  resolveHandler<TPayload>(jobClass: JobClass<TPayload>): JobHandler<TPayload> {
    let handler: JobHandler<TPayload>;
    try {
      handler = new jobClass();
    } catch (error) {
      throw JobScope.resolutionError(jobClass, error);
    }
    if (isDisposable(handler)) this.#disposable = handler;
    return handler;
  }

  dispose(logger: Logger | (() => Logger)): Promise<void> {
    this.#disposal ??= this.#dispose(logger);
    return this.#disposal;
  }

  async #dispose(logger: Logger | (() => Logger)): Promise<void> {
    if (!this.#disposable) return;
    try {
      await this.#disposable.dispose();
    } catch (error) {
      (typeof logger === 'function' ? logger() : logger).error({ err: error }, 'disposing the job scope failed');
    }
  }
}

/** Opens the scope the attempt of `jobClass` resolves its handler in; see the file header. */
export function openAttemptScope(jobClass: JobClass, context: JobContext, base: DependencyContainer = rootContainer): AttemptScope {
  return constructsDirectly(jobClass, base) ? new DirectScope() : JobScope.open(context, base);
}
