/*
 * Finds drivers that a config names but nobody registered, and imports their package
 * (`@warren/<name>`) from the user's project, so `Warren.fromConfig` works without an explicit
 * `import '@warren/amqp'`. Core still knows no driver: it only follows the package-name convention.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DriverRegistry } from '../driver/driver-registry.js';
import { WarrenError } from '../errors/warren-error.js';

/** Driver names a raw (unparsed) config refers to: pipeline `driver:` values. */
export function referencedDriverNames(raw: unknown): string[] {
  const pipelines = (raw as { jobs?: { pipelines?: unknown } } | undefined)?.jobs?.pipelines;
  if (typeof pipelines !== 'object' || pipelines === null) return [];
  const names = new Set<string>();
  for (const pipeline of Object.values(pipelines)) {
    const driver = (pipeline as { driver?: unknown } | null)?.driver;
    if (typeof driver === 'string' && /^[a-z][a-z0-9-]*$/.test(driver)) names.add(driver);
  }
  return [...names];
}

/**
 * Imports `@warren/<name>` for each unregistered driver, resolved from `fromDir` (the project).
 * A package that cannot be found is left alone: config validation then reports the unknown driver.
 */
export async function autoloadDrivers(names: readonly string[], registry: DriverRegistry, fromDir: string): Promise<void> {
  const require = createRequire(join(fromDir, 'package.json'));
  for (const name of names) {
    if (registry.has(name)) continue;
    let entry: string;
    try {
      entry = require.resolve(`@warren/${name}`);
    } catch {
      continue;
    }
    try {
      await import(pathToFileURL(entry).href);
    } catch (error) {
      throw new WarrenError('WARREN_ERR_DRIVER_NOT_FOUND', `driver "${name}": loading @warren/${name} from ${entry} failed: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
        hint: `Reinstall @warren/${name} (and build it, in a workspace), or import it yourself before Warren.fromConfig.`,
      });
    }
  }
}
