/*
 * Options of WarrenModule.forRoot / forRootAsync and the injection tokens of the module. The
 * options are what Warren.fromConfig takes, minus the DI container (Nest's is used), plus which
 * pipelines this app consumes.
 */
import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { JOB_CONTEXT as CORE_JOB_CONTEXT, type WarrenOptions } from '@warren/core';

export interface WarrenModuleOptions {
  /** A warren.yaml path or a config object, as Warren.fromConfig takes them. */
  readonly config: string | object;
  /**
   * Which pipelines this app consumes once Nest has bootstrapped: `true` (default) the config's
   * `jobs.consume`, a list of pipeline names, or `false` for an app that only dispatches.
   */
  readonly consume?: boolean | readonly string[];
  /** Passed on to Warren.fromConfig (logger, env, loadModules, registries). Jobs are resolved from Nest's container. */
  readonly warren?: Omit<WarrenOptions, 'container'>;
}

export interface WarrenModuleAsyncOptions {
  /** Modules whose providers `useFactory` injects (e.g. a ConfigModule). */
  readonly imports?: ModuleMetadata['imports'];
  /** Tokens `useFactory` receives, in order. */
  readonly inject?: FactoryProvider['inject'];
  readonly useFactory: (...args: any[]) => WarrenModuleOptions | Promise<WarrenModuleOptions>;
}

/** The resolved WarrenModuleOptions. */
export const WARREN_MODULE_OPTIONS = Symbol.for('warren.nestjs.ModuleOptions');
/** The module's Warren instance: `@Inject(WARREN) warren: Warren` for events, dead letters and health. */
export const WARREN = Symbol.for('warren.nestjs.Warren');

/** The pipelines `options.consume` asks for, given the config's `jobs.consume`. */
export function consumedPipelines(options: Pick<WarrenModuleOptions, 'consume'>, configured: readonly string[]): string[] {
  if (options.consume === false) return [];
  if (options.consume === undefined || options.consume === true) return [...configured];
  return [...options.consume];
}

/**
 * The current job's JobContext, for `@Inject(JOB_CONTEXT) ctx: JobContext` in a job class or a
 * request-scoped provider. The same symbol as @warren/core's JOB_CONTEXT, typed for Nest's @Inject.
 */
export const JOB_CONTEXT = CORE_JOB_CONTEXT as symbol;
