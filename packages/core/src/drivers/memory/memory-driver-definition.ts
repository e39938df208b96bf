/*
 * `memoryDriver`: the DriverDefinition that plugs the in-memory driver into config, doctor and
 * Warren under `driver: memory`. Registered in the default driverRegistry by the core barrel.
 */
import type { DriverDefinition } from '../../driver/driver-definition.js';
import { MemoryDriver } from './memory-driver.js';
import { memoryPipelineOptionsSchema, type MemoryPipelineOptions } from './memory-driver-options.js';

/** The `driver: memory` definition: options schema and factory of the in-process MemoryDriver. */
export const memoryDriver: DriverDefinition<MemoryPipelineOptions, undefined> = {
  name: 'memory',
  isInProcess: true,
  optionsSchema: memoryPipelineOptionsSchema,
  create: (context) => new MemoryDriver({ pipelines: context.pipelines, logger: context.logger }),
};
