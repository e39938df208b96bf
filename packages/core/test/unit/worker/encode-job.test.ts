import { describe, expect, it } from 'vitest';
import { isWarrenError } from '../../../src/errors/warren-error.js';
import { uuidV7Ms } from '../../../src/util/uuid-v7.js';
import { encodeJob, isoStringOf } from '../../../src/worker/encode-job.js';

const NOW_MS = Date.parse('2026-03-04T05:06:07.000Z');

describe('encodeJob (DESIGN.md wire format)', () => {
  it('writes a first attempt in the light shape: no content_encoding, no attempt header, the enqueue ms in a UUIDv7 id', () => {
    const message = encodeJob({ name: 'emails.welcome' }, { userId: 'ü-1' }, { nowMs: NOW_MS + 123 });
    expect(message.body.toString('utf8')).toBe('{"userId":"ü-1"}');
    expect(message.properties).toEqual({
      messageId: expect.any(String), type: 'emails.welcome', timestampMs: NOW_MS + 123, contentType: 'application/json', headers: {},
    });
    expect(uuidV7Ms(message.properties.messageId)).toBe(NOW_MS + 123);
  });

  it('keeps x-warren-enqueued-at (with its millisecond) when the id is chosen, since the id then carries no time', () => {
    const message = encodeJob({ name: 'emails.welcome' }, {}, { id: 'job-1', nowMs: NOW_MS + 7 });
    expect(message.properties).toEqual({
      messageId: 'job-1', type: 'emails.welcome', timestampMs: NOW_MS + 7, contentType: 'application/json',
      headers: { 'x-warren-enqueued-at': '2026-03-04T05:06:07.007Z' },
    });
  });

  it('keeps x-warren-enqueued-at when the time is one a UUIDv7 cannot carry (not a whole ms)', () => {
    const message = encodeJob({ name: 'n' }, {}, { nowMs: 12.5 });
    expect(uuidV7Ms(message.properties.messageId)).toBeUndefined();
    expect(message.properties.headers).toEqual({ 'x-warren-enqueued-at': new Date(12.5).toISOString() });
  });

  it.each([
    ['no priority anywhere', undefined, undefined, undefined],
    ['the job default', 3, undefined, 3],
    ['the dispatch overriding the default', 3, 9, 9],
    ['a dispatch priority of 0', 3, 0, 0],
  ] as const)('priority: %s', (_title, jobPriority, dispatchPriority, expected) => {
    const message = encodeJob({ name: 'p', priority: jobPriority }, {}, dispatchPriority === undefined ? {} : { priority: dispatchPriority });
    expect(message.properties.priority).toBe(expected);
  });

  it('gives each message a fresh UUID when no id is given', () => {
    const [a, b] = [encodeJob({ name: 'n' }, 1), encodeJob({ name: 'n' }, 1)];
    expect(a.properties.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.properties.messageId).not.toBe(b.properties.messageId);
  });

  it('keeps user headers and traceparent, but drops the attempt and enqueued-at headers a user set', () => {
    const headers = { tenant: 'acme', 'x-warren-attempt': 7, 'x-warren-enqueued-at': '1999-01-01T00:00:00.000Z' };
    const message = encodeJob({ name: 'n' }, {}, { headers, traceparent: '00-abc-def-01', nowMs: NOW_MS });
    expect(message.properties.headers).toEqual({ tenant: 'acme', traceparent: '00-abc-def-01' });
    expect(headers['x-warren-attempt']).toBe(7); // the caller's object is not touched
  });

  it('sends an undefined payload as JSON null', () => {
    expect(encodeJob({ name: 'n' }, undefined).body.toString('utf8')).toBe('null');
  });

  it('refuses a payload that JSON cannot carry with WARREN_ERR_JOB_PAYLOAD_INVALID, keeping the cause', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let caught: unknown;
    try {
      encodeJob({ name: 'n' }, cyclic);
    } catch (error) {
      caught = error;
    }
    expect(isWarrenError(caught, 'WARREN_ERR_JOB_PAYLOAD_INVALID')).toBe(true);
    expect((caught as Error).cause).toBeInstanceOf(TypeError);
  });
});

describe('isoStringOf', () => {
  it('formats like Date#toISOString across same-ms, same-second, next-second and far-apart calls', () => {
    const base = Date.parse('2031-12-31T23:59:58.998Z');
    const sequence = [base, base, base + 1, base + 2, base + 1_000, base + 1_001, base - 86_400_000, 0, 999, 1_000, 253_402_300_799_999, 253_402_300_800_000, 253_402_300_800_007, 12.5, 13];
    expect(sequence.map(isoStringOf)).toEqual(sequence.map((ms) => new Date(ms).toISOString()));
  });
});
