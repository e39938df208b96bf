/*
 * Options of the in-memory driver: the pipeline `options` schema (the config's single source of
 * defaults and docs) and the constructor options of MemoryDriver.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { DriverPipeline } from '../../driver/driver-definition.js';

/** `jobs.pipelines.<name>.options` for `driver: memory`. */
export const memoryPipelineOptionsSchema = z
  .object({
    queue: z
      .string()
      .min(1)
      .optional()
      .describe('Name of the in-process queue; default the pipeline name. Pipelines naming the same queue share it.'),
  })
  .strict()
  .describe('Options of an in-memory pipeline (no broker; messages live in this process only).');

/** Parsed `options` of a memory pipeline. */
export type MemoryPipelineOptions = z.infer<typeof memoryPipelineOptionsSchema>;

/** Constructor options of MemoryDriver. */
export interface MemoryDriverOptions {
  /**
   * The pipelines this driver carries. When given, any other pipeline name fails with
   * WARREN_ERR_DRIVER_NOT_FOUND_PIPELINE; when omitted, queues are created on first use.
   */
  readonly pipelines?: ReadonlyArray<DriverPipeline<MemoryPipelineOptions>>;
  readonly logger?: Logger;
}
