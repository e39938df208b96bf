/*
 * The exit codes of the `warren` binary and the mapping from an error to one of them.
 * 0 ok, 1 runtime failure, 2 usage or config error (packages/cli/README.md, Exit codes); 130 for a forced shutdown.
 * Does not print anything: output/format-error.ts owns the wording.
 */
import { isWarrenError } from '@warren/core';

export const EXIT_CODES = {
  /** The command did what was asked. */
  ok: 0,
  /** Something failed at run time: broker unreachable, a driver failed, a job could not be pushed. */
  failure: 1,
  /** The command line or the configuration is wrong; nothing was attempted. */
  usage: 2,
  /** A second SIGINT/SIGTERM forced the worker down without draining (128 + SIGINT). */
  forced: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Codes that mean "fix your command line or config", so they exit 2 rather than 1. */
const USAGE_ERROR_CODES: ReadonlySet<string> = new Set([
  'WARREN_ERR_CONFIG_INVALID',
  'WARREN_ERR_CONFIG_UNKNOWN_KEY',
  'WARREN_ERR_CONFIG_NOT_FOUND',
  'WARREN_ERR_CONFIG_ENV_MISSING',
  'WARREN_ERR_JOB_DUPLICATE_NAME',
  'WARREN_ERR_JOB_INVALID',
  'WARREN_ERR_JOB_NOT_FOUND',
  // The app was compiled without the decorator flags: fixed in its tsconfig, not by a retry.
  'WARREN_ERR_DI_METADATA_MISSING',
  'WARREN_ERR_DRIVER_NOT_FOUND',
  'WARREN_ERR_DRIVER_NOT_FOUND_PIPELINE',
  'WARREN_ERR_CLI_INVALID',
  'WARREN_ERR_CLI_NOT_EMPTY',
]);

/** The exit code for an error that ended a command. Unknown (non-Warren) errors are runtime failures. */
export function exitCodeFor(error: unknown): ExitCode {
  if (isWarrenError(error) && USAGE_ERROR_CODES.has(error.code)) return EXIT_CODES.usage;
  if (isCommanderUsageError(error)) return EXIT_CODES.usage;
  return EXIT_CODES.failure;
}

/** Commander reports bad arguments as CommanderError with a `commander.*` code. */
function isCommanderUsageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('commander.');
}
