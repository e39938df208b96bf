/*
 * Public API of @warren/cli: run the `warren` command programmatically, and its exit codes.
 */
export { runCli, createProgram } from './run-cli.js';
export { EXIT_CODES, exitCodeFor } from './exit-codes.js';
export type { ExitCode } from './exit-codes.js';
export type { CliIo } from './output/cli-io.js';
export { processIo, memoryIo } from './output/cli-io.js';
