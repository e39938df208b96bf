/*
 * How an error that ends a command is shown: one line `warren: <message> (<code>)`, a hint line,
 * and the stack only with --verbose. Every line is redacted; the exit code is exit-codes.ts's job.
 */
import { isWarrenError, redactSecrets } from '@warren/core';

export interface FormatErrorOptions {
  /** Add the stack and the cause chain. */
  readonly verbose: boolean;
}

/** The lines to print on stderr for `error`. */
export function formatError(error: unknown, options: FormatErrorOptions): string[] {
  const lines: string[] = [];
  if (isWarrenError(error)) {
    // The code goes on the first line, so a multi-line message (a list of config errors) still reads `warren: … (CODE)`.
    const [first, ...rest] = error.message.split('\n');
    lines.push(`warren: ${first} (${error.code})`, ...rest);
    if (error.hint) lines.push(`  hint: ${error.hint}`);
  } else if (isCommanderError(error)) {
    lines.push(`warren: ${error.message.replace(/^error: /, '')} (WARREN_ERR_CLI_INVALID)`);
    lines.push('  hint: Run the command with --help.');
  } else {
    lines.push(`warren: ${error instanceof Error ? error.message : String(error)}`);
    lines.push('  hint: This is unexpected; rerun with --verbose and report the stack if it looks like a bug.');
  }
  if (options.verbose) lines.push(...stackLines(error));
  return lines.map(redactSecrets);
}

function stackLines(error: unknown): string[] {
  const lines: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const stack = current.stack ?? `${current.name}: ${current.message}`;
    lines.push(...(depth === 0 ? stack : `caused by: ${stack}`).split('\n'));
  }
  return lines;
}

function isCommanderError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('commander.');
}
