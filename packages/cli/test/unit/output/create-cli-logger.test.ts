import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCliLogger, shouldColor, shouldPrettyPrint } from '../../../src/output/create-cli-logger.js';

function prettyOutput(write: (logger: ReturnType<typeof createCliLogger>) => void, isTty = false, env: Record<string, string> = {}): string {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  write(createCliLogger({ level: 'info', pretty: isTty ? undefined : true, isTty, env, output }));
  return chunks.join('');
}

describe('createCliLogger', () => {
  it('pretty-prints on a TTY unless log.pretty says otherwise', () => {
    expect(shouldPrettyPrint({ pretty: undefined, isTty: true })).toBe(true);
    expect(shouldPrettyPrint({ pretty: undefined, isTty: false })).toBe(false);
    expect(shouldPrettyPrint({ pretty: false, isTty: true })).toBe(false);
    expect(shouldPrettyPrint({ pretty: true, isTty: false })).toBe(true);
  });

  it('writes one readable line per record, not JSON, with the level, message and fields', () => {
    const text = prettyOutput((logger) => logger.info({ pipeline: 'emails', concurrency: 4 }, 'worker started'));
    expect(text.trimEnd().split('\n')).toEqual([expect.stringMatching(/INFO.*: worker started \{"pipeline":"emails","concurrency":4\}$/)]);
    expect(() => JSON.parse(text.trim())).toThrow();
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

  it.each([['1'], ['true']])('prints no colors on a terminal when NO_COLOR=%s', (value) => {
    const text = prettyOutput((logger) => logger.info('connected'), true, { NO_COLOR: value });
    expect(text).toMatch(/INFO.*connected/);
    expect(text).not.toContain('\u001b[');
  });

  it('colors on a terminal when NO_COLOR is empty (no-color.org: only a non-empty value counts)', () => {
    expect(shouldColor(true, { NO_COLOR: '' })).toBe(true);
    expect(shouldColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor(false, {})).toBe(false);
  });
});
