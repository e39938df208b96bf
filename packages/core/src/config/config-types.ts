/*
 * The parsed configuration as the runtime sees it. The zod schema (config-schema.ts) is the single
 * source of truth and must produce exactly this shape; durations are already milliseconds here.
 * Driver sections (e.g. `amqp`) are typed by their drivers and stay `unknown` to core.
 */

export interface PipelineConfig {
  /** Registered driver name; default `memory`. */
  readonly driver: string;
  /** Jobs of this pipeline that run at once in one process; default 10. */
  readonly concurrency: number;
  /** Parsed by the driver's own options schema. */
  readonly options: unknown;
}

export interface JobsConfig {
  /** Globs of handler modules, relative to the config file's folder. */
  readonly modules: readonly string[];
  /** A module run first to register DI bindings, relative to the config file's folder. */
  readonly bootstrap: string | undefined;
  /** Pipelines this process consumes; default: every defined pipeline. */
  readonly consume: readonly string[];
  readonly shutdownTimeoutMs: number;
  readonly pipelines: Readonly<Record<string, PipelineConfig>>;
}

export interface WarrenConfig {
  readonly version: 1;
  readonly jobs: JobsConfig;
  readonly http: { readonly port: number; readonly host: string; readonly enabled: boolean };
  readonly log: { readonly level: string; readonly pretty: boolean | undefined };
  /** Top-level sections owned by drivers, keyed by driver name, parsed by each driver's section schema. */
  readonly drivers: Readonly<Record<string, unknown>>;
  /** The file the config was read from; undefined for an inline object. Paths resolve against its folder. */
  readonly file: string | undefined;
}
