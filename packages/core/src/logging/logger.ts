/*
 * The pino logger Warren creates: JSON by default, secrets in URLs redacted from every line.
 * Pretty printing on a TTY is the CLI's job (it owns pino-pretty); core only accepts a destination.
 */
import { createRequire } from 'node:module';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { redactSecrets } from '../util/redact.js';

export type { Logger } from 'pino';

// require(), not import: pino is CommonJS (see di/commonjs-tsyringe.ts for what an ESM import of it costs).
const { pino } = createRequire(import.meta.url)('pino') as typeof import('pino');

/** Options of `createLogger`. */
export interface CreateLoggerOptions {
  readonly level?: string;
  readonly name?: string;
  readonly destination?: DestinationStream;
}

/** A pino logger whose every line has URL credentials replaced by `***`. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const loggerOptions: LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name ?? 'warren',
    // Redact on the final string so that no field, message or error stack can leak a password.
    hooks: {
      streamWrite: (line) => redactSecrets(line),
    },
  };
  return options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
}

/** A logger that writes nothing, for tests and embedded use. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
