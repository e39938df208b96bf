/*
 * WarrenModule: `WarrenModule.forRoot({ config })` or `forRootAsync({ useFactory, inject })` in the
 * app's root module. Global, so any module can inject WarrenService and JOB_CONTEXT. Creates the
 * Warren instance with Nest's container for job handlers; job classes themselves are listed as
 * providers of the modules whose providers they use.
 */
import { Module, Scope, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule, REQUEST } from '@nestjs/core';
import { Warren } from '@warren/core';
import { nestJobContainer } from './nest-job-container.js';
import { NestJobResolver } from './nest-job-resolver.js';
import { WarrenLifecycle } from './warren-lifecycle.js';
import { JOB_CONTEXT, WARREN, WARREN_MODULE_OPTIONS, type WarrenModuleAsyncOptions, type WarrenModuleOptions } from './warren-module-options.js';
import { WarrenService } from './warren-service.js';

const sharedProviders: Provider[] = [
  NestJobResolver,
  WarrenService,
  WarrenLifecycle,
  {
    provide: WARREN,
    inject: [WARREN_MODULE_OPTIONS, NestJobResolver],
    useFactory: (options: WarrenModuleOptions, resolver: NestJobResolver) =>
      Warren.fromConfig(options.config, { ...options.warren, container: nestJobContainer(resolver) }),
  },
  // The attempt's JobContext is the REQUEST of its ContextId (NestJobResolver registers it).
  { provide: JOB_CONTEXT, scope: Scope.REQUEST, inject: [REQUEST], useFactory: (context: unknown) => context },
];

const exported = [WarrenService, WARREN, JOB_CONTEXT];

/** Warren in a Nest app; see the file header. */
@Module({})
export class WarrenModule {
  /** Warren from a config path or object. */
  static forRoot(options: WarrenModuleOptions): DynamicModule {
    return {
      module: WarrenModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [{ provide: WARREN_MODULE_OPTIONS, useValue: options }, ...sharedProviders],
      exports: exported,
    };
  }

  /** Warren from options that other providers compute (e.g. the config object from a ConfigService). */
  static forRootAsync(options: WarrenModuleAsyncOptions): DynamicModule {
    return {
      module: WarrenModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [{ provide: WARREN_MODULE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory }, ...sharedProviders],
      exports: exported,
    };
  }
}
