/*
 * The logger of `warren run`: core's redacting pino logger, pretty-printed through pino-pretty when
 * stdout is a terminal (unless log.pretty is false), plain JSON lines otherwise. Pretty lines are one
 * line per record (an error's stack still follows it) and colored only on a terminal without NO_COLOR.
 */
import { createLogger, type Logger } from '@warren/core';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';

export interface CliLoggerOptions {
  readonly level: string;
  /** log.pretty from the config: true/false forces it, undefined means "on a TTY". */
  readonly pretty: boolean | undefined;
  readonly isTty: boolean;
  /** The environment, for NO_COLOR (https://no-color.org); default none. */
  readonly env?: Record<string, string | undefined>;
  /** Where pretty lines go; stdout by default. */
  readonly output?: NodeJS.WritableStream;
}

/** Whether the run logger pretty-prints. */
export function shouldPrettyPrint(options: Pick<CliLoggerOptions, 'pretty' | 'isTty'>): boolean {
  return options.pretty ?? options.isTty;
}

/** Whether output may be colored: on a terminal, unless NO_COLOR is set to anything but the empty string. */
export function shouldColor(isTty: boolean, env: Record<string, string | undefined> = {}): boolean {
  return isTty && (env.NO_COLOR ?? '') === '';
}

export function createCliLogger(options: CliLoggerOptions): Logger {
  if (!shouldPrettyPrint(options)) return createLogger({ level: options.level });
  // sync: true so the last lines before exit are not lost in a worker thread. singleLine: the fields follow the
  // message on its line, so a start and stop reads as a handful of lines rather than dozens.
  // Loaded only here, and with require(): pino-pretty is CommonJS, and a worker logging JSON never needs it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return createLogger({ level: options.level, destination: pretty({
    colorize: shouldColor(options.isTty, options.env), singleLine: true, sync: true, translateTime: 'SYS:HH:MM:ss.l',
    destination: options.output ?? 1,
  }) });
}
