/*
 * CliIo: where a command writes and what it knows about its terminal. Commands print through it,
 * never through console, so unit tests can capture output and nothing bypasses redaction.
 */
import { redactSecrets } from '@warren/core';

export interface CliIo {
  /** Writes one line (redacted) to standard output. */
  out(line: string): void;
  /** Writes one line (redacted) to standard error. */
  err(line: string): void;
  /** True when standard output is a terminal (pretty logs, colours). */
  readonly isTty: boolean;
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${redactSecrets(line)}\n`),
    err: (line) => process.stderr.write(`${redactSecrets(line)}\n`),
    isTty: process.stdout.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
  };
}

/** An in-memory CliIo for tests: every line written is kept, already redacted. */
export function memoryIo(overrides: Partial<Pick<CliIo, 'isTty' | 'cwd' | 'env'>> = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => void stdout.push(redactSecrets(line)),
    err: (line) => void stderr.push(redactSecrets(line)),
    isTty: overrides.isTty ?? false,
    cwd: overrides.cwd ?? process.cwd(),
    env: overrides.env ?? {},
  };
}
