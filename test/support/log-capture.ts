/*
 * LogCapture: a pino logger (through core's createLogger, so secrets stay redacted) whose lines are
 * kept in memory, so a failing chaos test can print what the driver said. Nothing goes to stdout
 * unless WARREN_TEST_LOG=1.
 */
import { createLogger, type Logger } from './warren-packages.js';

export class LogCapture {
  readonly lines: string[] = [];
  readonly logger: Logger;

  constructor(level = 'debug') {
    const echo = process.env.WARREN_TEST_LOG === '1';
    this.logger = createLogger({
      level,
      name: 'chaos',
      destination: {
        write: (line: string) => {
          this.lines.push(line.trimEnd());
          if (echo) process.stdout.write(line);
        },
      },
    });
  }

  /** The last `count` lines, for failure messages and bug reports. */
  tail(count = 40): string {
    return this.lines.slice(-count).join('\n');
  }

  /** Lines whose JSON contains `text` (e.g. an event name or an error code). */
  matching(text: string): string[] {
    return this.lines.filter((line) => line.includes(text));
  }
}
