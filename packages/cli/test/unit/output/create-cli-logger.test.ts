import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCliLogger, shouldPrettyPrint } from '../../../src/output/create-cli-logger.js';

function prettyOutput(write: (logger: ReturnType<typeof createCliLogger>) => void, isTty = false): string {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  write(createCliLogger({ level: 'info', pretty: isTty ? undefined : true, isTty, output }));
  return chunks.join('');
}

describe('createCliLogger', () => {
  it('pretty-prints on a TTY unless log.pretty says otherwise', () => {
    expect(shouldPrettyPrint({ pretty: undefined, isTty: true })).toBe(true);
    expect(shouldPrettyPrint({ pretty: undefined, isTty: false })).toBe(false);
    expect(shouldPrettyPrint({ pretty: false, isTty: true })).toBe(false);
    expect(shouldPrettyPrint({ pretty: true, isTty: false })).toBe(true);
  });

  it('writes readable lines, not JSON, with the level, message and fields', () => {
    const text = prettyOutput((logger) => logger.info({ pipeline: 'emails' }, 'worker started'));
    expect(text).toMatch(/INFO.*worker started/);
    expect(text).toContain('pipeline: "emails"');
    expect(() => JSON.parse(text.trim().split('\n')[0] ?? '')).toThrow();
  });

  it('redacts URL passwords in pretty lines too (message, fields and error stacks)', () => {
    const text = prettyOutput((logger) => {
      logger.warn({ url: 'amqp://guest:s3cret@broker:5672' }, 'lost amqp://app:hunter2@broker:5672, redialing');
      logger.error({ err: new Error('cannot connect to amqp://app:hunter2@broker:5672') }, 'failed');
    });
    expect(text).toContain('lost amqp://app:***@broker:5672');
    expect(text).toContain('amqp://guest:***@broker:5672');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('hunter2');
  });

  it('on a terminal (no log.pretty) prints colored lines, still with passwords redacted', () => {
    const text = prettyOutput((logger) => logger.info('connected to amqp://app:hunter2@broker:5672'), true);
    expect(text).toContain('\u001b['); // ANSI colors
    expect(text).toContain('amqp://app:***@broker:5672');
    expect(text).not.toContain('hunter2');
  });
});
