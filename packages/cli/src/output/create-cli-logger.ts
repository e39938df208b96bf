/*
 * The logger of `warren run`: core's redacting pino logger, pretty-printed through pino-pretty when
 * stdout is a terminal (unless log.pretty is false), plain JSON lines otherwise.
 */
import { createLogger, type Logger } from '@warren/core';
import pretty from 'pino-pretty';

export interface CliLoggerOptions {
  readonly level: string;
  /** log.pretty from the config: true/false forces it, undefined means "on a TTY". */
  readonly pretty: boolean | undefined;
  readonly isTty: boolean;
  /** Where pretty lines go; stdout by default. */
  readonly output?: NodeJS.WritableStream;
}

/** Whether the run logger pretty-prints. */
export function shouldPrettyPrint(options: Pick<CliLoggerOptions, 'pretty' | 'isTty'>): boolean {
  return options.pretty ?? options.isTty;
}

export function createCliLogger(options: CliLoggerOptions): Logger {
  if (!shouldPrettyPrint(options)) return createLogger({ level: options.level });
  // sync: true so the last lines before exit are not lost in a worker thread.
  return createLogger({ level: options.level, destination: pretty({
    colorize: options.isTty, sync: true, translateTime: 'SYS:HH:MM:ss.l', destination: options.output ?? 1,
  }) });
}
