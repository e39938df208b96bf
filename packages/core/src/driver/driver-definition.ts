/*
 * DriverDefinition: how a driver plugs into core. It brings the zod schemas of its config (pipeline
 * `options`, and optionally a top-level section named after the driver, like `amqp:`), its own
 * doctor checks and a factory. Core builds the whole config schema from the registered definitions.
 */
import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Diagnostic } from '../doctor/diagnostic.js';
import type { Driver } from './driver.js';

/** One pipeline as the driver sees it: its name, concurrency and parsed `options`. */
export interface DriverPipeline<TOptions> {
  readonly name: string;
  readonly concurrency: number;
  readonly options: TOptions;
}

/** What a driver factory receives: its pipelines, its parsed section and a logger. */
export interface DriverContext<TOptions, TSection> {
  /** The pipelines of the config that name this driver. */
  readonly pipelines: ReadonlyArray<DriverPipeline<TOptions>>;
  /** The parsed top-level section named after the driver (e.g. `amqp:`), or undefined when it has none. */
  readonly section: TSection;
  readonly logger: Logger;
  /** The config file (relative paths in the section resolve against its folder); undefined when config came from an object. */
  readonly file?: string | undefined;
}

/** What a driver-owned doctor check sees: the parsed config, and the longest job timeout per pipeline. */
export interface DriverDoctorInput<TOptions, TSection> {
  readonly pipelines: ReadonlyArray<DriverPipeline<TOptions> & { readonly maxJobTimeoutMs: number | undefined }>;
  readonly section: TSection;
  /** The config file, for messages; undefined when config came from an object. */
  readonly file: string | undefined;
}

/** A driver as core sees it: config schemas, optional doctor hook and factory (see the file header). */
export interface DriverDefinition<TOptions = unknown, TSection = unknown> {
  /** The `driver:` value in a pipeline, and the name of the driver's top-level config section. */
  readonly name: string;
  /**
   * True when messages live only inside the process that created the driver (the memory driver):
   * another process — `warren push`, `status`, `dlq` — cannot see them, so those commands refuse.
   */
  readonly isInProcess?: boolean;
  /** Schema of a pipeline's `options` for this driver; strict (unknown keys are errors). */
  readonly optionsSchema: z.ZodType<TOptions>;
  /** Schema of the top-level section named `name`, if the driver has one. */
  readonly sectionSchema?: z.ZodType<TSection>;
  /** Extra checks that only this driver can judge (e.g. a job timeout above the broker's consumer_timeout). */
  readonly doctor?: (input: DriverDoctorInput<TOptions, TSection>) => Diagnostic[];
  create(context: DriverContext<TOptions, TSection>): Driver;
}

/** Erases option types for storage in a registry. */
export type AnyDriverDefinition = DriverDefinition<any, any>;
