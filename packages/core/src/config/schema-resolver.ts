/*
 * Finds the schema that governs a key path of a concrete config: core's keys, a driver's section,
 * or — under `jobs.pipelines.<name>.options` — the options schema of that pipeline's driver.
 * Used by the doctor to list known keys and describe expected values.
 */
import type { z } from 'zod';
import type { DriverRegistry } from '../driver/driver-registry.js';
import { buildConfigSchema, DEFAULT_DRIVER } from './config-schema.js';
import type { ConfigPath } from './config-path.js';
import { schemaAt } from './schema-walker.js';

/** The driver a raw (unvalidated) pipeline names, or the default driver. */
export function pipelineDriverName(raw: unknown, pipeline: PropertyKey): string {
  const driver = valueAt(raw, ['jobs', 'pipelines', pipeline, 'driver']);
  return typeof driver === 'string' && driver !== '' ? driver : DEFAULT_DRIVER;
}

/** True when `path` is `jobs.pipelines.<name>.options` or below it. */
export function isPipelineOptionsPath(path: ConfigPath): boolean {
  return path.length >= 4 && path[0] === 'jobs' && path[1] === 'pipelines' && path[3] === 'options';
}

/** The value at `path` in a raw object, or undefined. */
export function valueAt(raw: unknown, path: ConfigPath): unknown {
  let current = raw;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Resolves schemas by path against one registry and one raw config. */
export class SchemaResolver {
  readonly #root: z.core.$ZodType;

  constructor(
    readonly registry: DriverRegistry,
    readonly raw: unknown,
  ) {
    this.#root = buildConfigSchema(registry);
  }

  /** The schema at `path`, or undefined when no schema governs it (e.g. an unregistered driver's options). */
  at(path: ConfigPath): z.core.$ZodType | undefined {
    if (isPipelineOptionsPath(path)) {
      const driver = pipelineDriverName(this.raw, path[2] as PropertyKey);
      if (!this.registry.has(driver)) return undefined;
      return schemaAt(this.registry.get(driver).optionsSchema, path.slice(4));
    }
    return schemaAt(this.#root, path);
  }
}
