/*
 * Loads a project's handler code: `jobs.bootstrap` first (DI bindings), then every module matched by
 * `jobs.modules` ("serverless-style" discovery). Paths resolve against the config file's folder.
 * Importing a module is what registers its @Job classes; this file does not touch the registry.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WarrenError } from '../errors/warren-error.js';

export interface ModuleSources {
  readonly bootstrap: string | undefined;
  readonly modules: readonly string[];
  /** Folder that relative paths and globs resolve against. */
  readonly baseDir: string;
}

/** Imports bootstrap then the job modules (sorted, for a stable registration order); returns the files loaded. */
export async function loadJobModules(sources: ModuleSources): Promise<string[]> {
  const loaded: string[] = [];
  if (sources.bootstrap) {
    const file = isAbsolute(sources.bootstrap) ? sources.bootstrap : resolve(sources.baseDir, sources.bootstrap);
    if (!existsSync(file)) {
      throw new WarrenError('WARREN_ERR_CONFIG_NOT_FOUND', `jobs.bootstrap: ${file} does not exist`, {
        hint: 'Build the project first (the path usually points at compiled JavaScript), or fix jobs.bootstrap.',
        details: { path: 'jobs.bootstrap', file },
      });
    }
    await importFile(file, 'jobs.bootstrap');
    loaded.push(file);
  }
  if (sources.modules.length === 0) return loaded;
  // Imported here, not at the top: only a config with jobs.modules needs a glob engine.
  const { glob } = await import('tinyglobby');
  const files = (await glob([...sources.modules], { cwd: sources.baseDir, absolute: true, onlyFiles: true }))
    .filter((file) => /\.(c|m)?js$/.test(file))
    .sort();
  if (files.length === 0) {
    throw new WarrenError('WARREN_ERR_CONFIG_NOT_FOUND', `jobs.modules: no JavaScript file matches ${sources.modules.join(', ')} in ${sources.baseDir}`, {
      hint: 'Build the project first (modules point at compiled .js files), or fix the globs in jobs.modules.',
      details: { path: 'jobs.modules', patterns: sources.modules, baseDir: sources.baseDir },
    });
  }
  for (const file of files) {
    await importFile(file, 'jobs.modules');
    loaded.push(file);
  }
  return loaded;
}

async function importFile(file: string, configPath: string): Promise<void> {
  try {
    await import(pathToFileURL(file).href);
  } catch (error) {
    if (error instanceof WarrenError) throw error;
    throw new WarrenError('WARREN_ERR_JOB_INVALID', `${configPath}: loading ${file} failed: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
      hint: 'Fix the error in that module (run it with node to see the full stack).',
      details: { path: configPath, file },
    });
  }
}
