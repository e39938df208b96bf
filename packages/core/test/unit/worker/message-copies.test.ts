import { describe, expect, it } from 'vitest';
import { isWarrenError } from '../../../src/errors/warren-error.js';
import { encodeJob } from '../../../src/worker/encode-job.js';
import { createDeadLetterCopy, createRetryCopy, formatErrorHeader } from '../../../src/worker/message-copies.js';

const NOW = Date.parse('2030-03-04T05:06:07.000Z');

describe('encodeJob', () => {
  it('writes every property of the light first-attempt shape, and no attempt header a user tried to set', () => {
    const message = encodeJob({ name: 'emails.welcome', priority: 3 }, { userId: 'u1' }, { nowMs: NOW, headers: { tenant: 'acme', 'x-warren-attempt': 99 } });
    expect(message.body.toString('utf8')).toBe('{"userId":"u1"}');
    expect(message.properties).toEqual({
      messageId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      type: 'emails.welcome',
      timestampMs: NOW,
      contentType: 'application/json',
      priority: 3,
      headers: { tenant: 'acme' },
    });
  });

  it('takes the id and priority of the dispatch over the job defaults', () => {
    const message = encodeJob({ name: 'a', priority: 3 }, undefined, { id: 'mine', priority: 7 });
    expect(message.properties).toMatchObject({ messageId: 'mine', priority: 7 });
    expect(message.body.toString()).toBe('null');
  });

  it('refuses a payload that JSON cannot carry', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    let error: unknown;
    try {
      encodeJob({ name: 'a' }, circular);
    } catch (caught) {
      error = caught;
    }
    expect(isWarrenError(error, 'WARREN_ERR_JOB_PAYLOAD_INVALID')).toBe(true);
  });
});

describe('retry and dead-letter copies', () => {
  const original = encodeJob({ name: 'emails.welcome' }, { userId: 'u1' }, { id: 'job-1', nowMs: NOW, headers: { tenant: 'acme' } });
  const identity = { id: 'job-1', attempt: 2, enqueuedAt: new Date(NOW) };

  it('keeps body, id and enqueued-at on a retry copy and increments the attempt', () => {
    const copy = createRetryCopy(original, identity);
    expect(copy.body.equals(original.body)).toBe(true);
    expect(copy.body).not.toBe(original.body);
    expect(copy.properties).toMatchObject({ messageId: 'job-1', type: 'emails.welcome', timestampMs: NOW });
    expect(copy.properties.headers).toEqual({ tenant: 'acme', 'x-warren-attempt': 3, 'x-warren-enqueued-at': '2030-03-04T05:06:07.000Z' });
  });

  it('keeps the body byte for byte on a dead-letter copy and adds the reason headers', () => {
    const odd = { body: Buffer.from([0xff, 0x00, 0x7b]), properties: { headers: { 'x-custom': Buffer.from('v') } } };
    const copy = createDeadLetterCopy(odd, undefined, { reason: 'undecodable', error: new Error('not JSON'), failedAtMs: NOW + 1_000 });
    expect(copy.body.equals(odd.body)).toBe(true);
    expect(copy.properties.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(copy.properties.headers).toMatchObject({
      'x-custom': 'v',
      'x-warren-attempt': 1,
      'x-warren-error': 'Error: not JSON',
      'x-warren-failed-at': '2030-03-04T05:06:08.000Z',
      'x-warren-dead-reason': 'undecodable',
    });
  });

  it('redacts secrets and truncates long errors to about 1 KB', () => {
    expect(formatErrorHeader(new Error('cannot reach amqp://app:hunter2@mq:5672'))).toBe('Error: cannot reach amqp://app:***@mq:5672');
    const long = formatErrorHeader(new Error('x'.repeat(5_000)));
    expect(long.length).toBe(1_024);
    expect(long.endsWith('…')).toBe(true);
  });
});
