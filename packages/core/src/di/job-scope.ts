/*
 * JobScope: the per-attempt DI scope. Each attempt gets a child container of a base container, with
 * its JobContext registered under JOB_CONTEXT, resolves its handler there and disposes it at the end.
 * Disposes only what the attempt owns, never an ancestor's singleton. Does not run the handler or
 * decide outcomes (see worker/run-attempt.ts).
 */
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { container as rootContainer } from './commonjs-tsyringe.js';
import type { Logger } from 'pino';
import { WarrenError } from '../errors/warren-error.js';
import type { JobClass, JobContext, JobHandler } from '../job/job-types.js';

/**
 * Token of the current attempt's JobContext in the per-job container:
 * `constructor(@inject(JOB_CONTEXT) ctx: JobContext)`, or `inject: [JOB_CONTEXT]` in plain JavaScript.
 * A global symbol, so two installed copies of @warren/core agree on it.
 */
export const JOB_CONTEXT: InjectionToken<JobContext> = Symbol.for('warren.JobContext');

/**
 * The tsyringe 4.x internals disposal needs. A child container records every disposable it
 * constructs, including an ancestor's singleton it happened to resolve first, and `dispose()` would
 * dispose that singleton for the whole process (microsoft/tsyringe#237). The job-scope tests pin this.
 */
interface ContainerInternals {
  readonly parent?: ContainerInternals;
  readonly disposables?: Set<unknown>;
  readonly _registry?: { entries(): Iterable<[unknown, ReadonlyArray<{ readonly instance?: unknown }>]> };
}

/** Instances cached by registrations of `container`'s ancestors: they outlive any one job. */
function ancestorInstances(container: ContainerInternals): Set<unknown> {
  const held = new Set<unknown>();
  for (let ancestor = container.parent; ancestor; ancestor = ancestor.parent) {
    for (const [, registrations] of ancestor._registry?.entries() ?? []) {
      for (const registration of registrations) if (registration.instance !== undefined) held.add(registration.instance);
    }
  }
  return held;
}

/** One attempt's child container: resolves the handler there and disposes what the attempt created. */
export class JobScope {
  readonly container: DependencyContainer;
  #disposal: Promise<void> | undefined;

  private constructor(container: DependencyContainer) {
    this.container = container;
  }

  /**
   * Opens a child container of `base` (default: tsyringe's root container) for one attempt.
   * Throws WARREN_ERR_DI_UNAVAILABLE (cause kept) when `base` cannot make one, e.g. once disposed.
   */
  static open(context: JobContext, base: DependencyContainer = rootContainer): JobScope {
    try {
      const child = base.createChildContainer();
      child.register(JOB_CONTEXT, { useValue: context });
      return new JobScope(child);
    } catch (error) {
      throw new WarrenError('WARREN_ERR_DI_UNAVAILABLE', `cannot open the DI scope of job "${context.name}": ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        details: { id: context.id, job: context.name },
      });
    }
  }

  /** Resolves the handler in this scope; wraps any resolution failure as WARREN_ERR_DI_UNAVAILABLE. */
  resolveHandler<TPayload>(jobClass: JobClass<TPayload>): JobHandler<TPayload> {
    try {
      return this.container.resolve(jobClass);
    } catch (error) {
      throw JobScope.resolutionError(jobClass, error);
    }
  }

  /** The WARREN_ERR_DI_UNAVAILABLE for a handler that could not be resolved (cause kept). */
  static resolutionError(jobClass: JobClass, error: unknown): WarrenError {
    const reason = error instanceof Error ? error.message : String(error);
    return new WarrenError('WARREN_ERR_DI_UNAVAILABLE', `cannot resolve job handler ${jobClass.name || '(anonymous class)'}: ${reason}`, {
      cause: error,
      details: { className: jobClass.name },
    });
  }

  /**
   * Disposes every disposable the scope created (ContainerScoped and transient instances with
   * `dispose()`), but not singletons that an ancestor container holds. Never rejects: failures are
   * logged (to `logger`, or to what `logger()` returns, called only then), because the attempt's
   * outcome is already decided. Idempotent.
   */
  dispose(logger: Logger | (() => Logger)): Promise<void> {
    this.#disposal ??= (async () => {
      try {
        const internals = this.container as unknown as ContainerInternals;
        // Scanning the ancestors' registrations is only needed when there is something to dispose.
        if (internals.disposables instanceof Set && internals.disposables.size > 0) {
          for (const instance of ancestorInstances(internals)) internals.disposables.delete(instance);
        }
        await this.container.dispose();
      } catch (error) {
        (typeof logger === 'function' ? logger() : logger).error({ err: error }, 'disposing the job scope failed');
      }
    })();
    return this.#disposal;
  }
}
