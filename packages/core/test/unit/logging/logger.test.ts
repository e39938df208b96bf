import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from '../../../src/index.js';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
}

describe('logger', () => {
  it('writes JSON lines with the level and message', () => {
    const { logger, lines } = capture();
    logger.info({ pipeline: 'emails' }, 'consuming');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, name: 'warren', pipeline: 'emails', msg: 'consuming' });
  });

  it.each([
    ['a message', (log: ReturnType<typeof capture>['logger']) => log.warn('dialing amqp://app:s3cr3t@rabbit:5672/prod')],
    ['a field', (log: ReturnType<typeof capture>['logger']) => log.info({ url: 'amqps://app:s3cr3t@rabbit/prod' }, 'dial')],
    ['an error and its stack', (log: ReturnType<typeof capture>['logger']) => log.error({ err: new Error('refused by amqp://app:s3cr3t@rabbit') }, 'failed')],
    ['a child logger binding', (log: ReturnType<typeof capture>['logger']) => log.child({ broker: 'amqp://app:s3cr3t@h' }).info('x')],
  ])('never prints a URL password from %s', (_where, write) => {
    const { logger, lines } = capture();
    write(logger);
    expect(lines.join('')).not.toContain('s3cr3t');
    expect(lines.join('')).toContain('app:***@');
  });

  it('keeps text without credentials unchanged', () => {
    expect(redactSecrets('amqp://rabbit:5672/prod and http://example.com/a@b')).toBe('amqp://rabbit:5672/prod and http://example.com/a@b');
  });
});
