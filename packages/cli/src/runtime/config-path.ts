/*
 * Where a command finds warren.yaml: `-c <file>` relative to the working directory, default
 * ./warren.yaml. Reading and validating the file is core's loadConfig.
 */
import { resolve } from 'node:path';
import { Option } from '../commander-module.js';

export const DEFAULT_CONFIG_FILE = 'warren.yaml';

/** The shared `-c, --config <file>` option. */
export function configOption(): Option {
  return new Option('-c, --config <file>', 'the config file').default(DEFAULT_CONFIG_FILE);
}

/** The absolute path of the config file for `--config` (or the default). */
export function resolveConfigPath(cwd: string, config: string | undefined): string {
  return resolve(cwd, config ?? DEFAULT_CONFIG_FILE);
}
