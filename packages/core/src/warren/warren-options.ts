/*
 * Options of Warren.fromConfig and of run(). Everything has a process-wide default, so the
 * common case is `Warren.fromConfig('warren.yaml')`.
 */
import type { Logger } from 'pino';
import type { DependencyContainer } from 'tsyringe';
import type { Env } from '../config/env-interpolation.js';
import type { DriverRegistry } from '../driver/driver-registry.js';
import type { JobRegistry } from '../job/job-registry.js';
import { parseDurationMs, type Duration } from '../util/duration.js';

export interface WarrenOptions {
  /** Where jobs are looked up; default the process-wide registry that @Job fills. */
  readonly registry?: JobRegistry;
  /** Drivers whose schemas and factories apply; default the process-wide registry. */
  readonly drivers?: DriverRegistry;
  /** Base DI container; each job attempt gets a child of it. Default tsyringe's root container. */
  readonly container?: DependencyContainer;
  /** Default: a pino logger at `log.level`. */
  readonly logger?: Logger;
  /** Variables for `${VAR}` in the config; default process.env. */
  readonly env?: Env;
  /** Import `jobs.bootstrap` and `jobs.modules`; default true. */
  readonly loadModules?: boolean;
  /**
   * OpenTelemetry spans for dispatches and attempts when `@opentelemetry/api` is installed (an optional peer); default
   * true. False: the package is not even looked for.
   */
  readonly tracing?: boolean;
}

export interface RunOptions {
  /** Pipelines to consume; default `jobs.consume`. */
  readonly pipelines?: readonly string[];
  /** Take part in electing the scheduler of each pipeline with schedules; default true. */
  readonly schedules?: boolean;
}

export interface CloseOptions {
  /** Bound for draining in-flight jobs and for flushing outboxes; default `jobs.shutdown_timeout`. */
  readonly timeoutMs?: number;
  /** The same bound as a duration (`'10s'`), as the config writes it; `timeoutMs` wins when both are given. */
  readonly timeout?: Duration;
}

/** The drain bound of `options` in milliseconds, or `fallbackMs`. */
export function drainTimeoutMs(options: CloseOptions, fallbackMs: number): number {
  if (options.timeoutMs !== undefined) return options.timeoutMs;
  return options.timeout === undefined ? fallbackMs : parseDurationMs(options.timeout);
}
