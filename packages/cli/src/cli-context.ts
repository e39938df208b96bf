/*
 * What every command gets from the program: where to print, and a slot for its exit code.
 * Commands set `exitCode` for outcomes that are not errors (e.g. doctor found problems); thrown
 * errors are mapped to exit codes once, in run-cli.ts.
 */
import type { ExitCode } from './exit-codes.js';
import type { CliIo } from './output/cli-io.js';

export interface CliContext {
  readonly io: CliIo;
  exitCode: ExitCode;
  /** Ends the process now (a forced shutdown cannot wait for the command to return). */
  exit(code: ExitCode): void;
}
