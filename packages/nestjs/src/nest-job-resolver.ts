/*
 * NestJobResolver: makes the handler of one job attempt from Nest's container. Each attempt gets a
 * fresh instance of the @Job class, built in the module that lists it as a provider (so it sees
 * that module's providers), under its own ContextId whose REQUEST is the attempt's JobContext:
 * request-scoped providers (JOB_CONTEXT among them) are per job, singletons are shared — what a
 * tsyringe child container does in core. Does not run handlers or decide outcomes.
 */
import { Injectable } from '@nestjs/common';
import { ContextIdFactory, DiscoveryService, ModuleRef } from '@nestjs/core';
import { WarrenError, type JobClass, type JobContext, type JobHandler } from '@warren/core';

@Injectable()
export class NestJobResolver {
  #hosts: Map<unknown, ModuleRef> | undefined;

  constructor(private readonly moduleRef: ModuleRef, private readonly discovery: DiscoveryService) {}

  /** A fresh handler of `jobClass` for one attempt whose context is `context`. */
  async create<TPayload>(jobClass: JobClass<TPayload>, context: JobContext): Promise<JobHandler<TPayload>> {
    const host = this.#hostOf(jobClass);
    if (host === undefined) throw notAProvider(jobClass);
    const contextId = ContextIdFactory.create();
    this.moduleRef.registerRequestByContextId(context, contextId);
    try {
      return await host.create(jobClass, contextId);
    } catch (error) {
      throw new WarrenError('WARREN_ERR_DI_UNAVAILABLE', `cannot resolve job handler ${jobClass.name}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        hint: `Make every constructor parameter of ${jobClass.name} a provider its module can inject (its own providers, imported modules' exports, global modules).`,
        details: { className: jobClass.name },
      });
    }
  }

  /** Throws WARREN_ERR_DI_UNAVAILABLE naming the first of `jobClasses` that no Nest module provides. */
  assertProviders(jobClasses: Iterable<JobClass>): void {
    for (const jobClass of jobClasses) if (this.#hostOf(jobClass) === undefined) throw notAProvider(jobClass);
  }

  /** The ModuleRef of the module that lists `jobClass` as a provider (the first one found). */
  #hostOf(jobClass: JobClass): ModuleRef | undefined {
    this.#hosts ??= this.#findHosts();
    return this.#hosts.get(jobClass);
  }

  #findHosts(): Map<unknown, ModuleRef> {
    const hosts = new Map<unknown, ModuleRef>();
    for (const wrapper of this.discovery.getProviders()) {
      // Class providers only: a factory's metatype is the factory function, a value has none.
      const jobClass = wrapper.metatype;
      if (typeof jobClass !== 'function' || wrapper.isFactory || hosts.has(jobClass) || wrapper.host === undefined) continue;
      // Every Nest module provides its own ModuleRef, which builds classes with that module's providers.
      const hostRef = wrapper.host.getProviderByKey<ModuleRef>(ModuleRef)?.instance;
      if (hostRef) hosts.set(jobClass, hostRef);
    }
    return hosts;
  }
}

function notAProvider(jobClass: JobClass): WarrenError {
  return new WarrenError('WARREN_ERR_DI_UNAVAILABLE', `job class ${jobClass.name} is not a provider of any Nest module`, {
    hint: `Add ${jobClass.name} to the providers of the module whose providers it injects.`,
    details: { className: jobClass.name },
  });
}
