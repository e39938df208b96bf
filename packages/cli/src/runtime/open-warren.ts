/*
 * Opens a Warren for the short commands (push, status, dlq): bundled drivers registered, config from
 * `-c`, logs to stderr at warn so stdout stays the command's answer. `warren run` builds its own.
 */
import { Warren, createLogger } from '@warren/core';
import type { CliIo } from '../output/cli-io.js';
import { resolveConfigPath } from './config-path.js';
import { registerDriverPackages } from './register-driver-packages.js';

export interface OpenWarrenOptions {
  readonly config: string | undefined;
  /** Import jobs.bootstrap and jobs.modules (push needs them to know job pipelines). */
  readonly loadModules: boolean;
}

/** A Warren that has not started consuming; close it when done. */
export async function openWarren(io: CliIo, options: OpenWarrenOptions): Promise<Warren> {
  await registerDriverPackages();
  const logger = createLogger({ level: 'warn', destination: process.stderr });
  return Warren.fromConfig(resolveConfigPath(io.cwd, options.config), { logger, env: io.env, loadModules: options.loadModules });
}

/** Runs `use` with an open Warren and always closes it. */
export async function withWarren<T>(io: CliIo, options: OpenWarrenOptions, use: (warren: Warren) => Promise<T>): Promise<T> {
  const warren = await openWarren(io, options);
  try {
    return await use(warren);
  } finally {
    await warren.close({ timeoutMs: 10_000 });
  }
}
