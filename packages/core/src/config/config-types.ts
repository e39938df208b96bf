/*
 * The parsed configuration as the runtime sees it, derived from the zod schema (config-schema.ts),
 * which is the single source of truth. Durations are already milliseconds here. Driver sections
 * (e.g. `amqp`) are typed by their drivers and stay `unknown` to core.
 */
import type { z } from 'zod';
import type { buildConfigSchema, jobsSchema, pipelineSchema } from './config-schema.js';

/** One pipeline: its driver (default `memory`), concurrency (default 10) and driver-parsed `options`. */
export type PipelineConfig = Readonly<z.output<ReturnType<typeof pipelineSchema>>>;

/** The `jobs:` section: modules, bootstrap, consumed pipelines, `shutdownTimeoutMs`, pipelines. */
export type JobsConfig = Readonly<z.output<ReturnType<typeof jobsSchema>>>;

/**
 * The whole parsed config. `drivers` holds each driver's parsed top-level section by driver name;
 * `file` is the file it was read from (undefined for an inline object); paths resolve against its folder.
 */
export type WarrenConfig = Readonly<z.output<ReturnType<typeof buildConfigSchema>>>;
