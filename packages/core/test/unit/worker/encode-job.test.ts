import { describe, expect, it } from 'vitest';
import { isWarrenError } from '../../../src/errors/warren-error.js';
import { encodeJob, isoStringOf } from '../../../src/worker/encode-job.js';

const NOW_MS = Date.parse('2026-03-04T05:06:07.000Z');

describe('encodeJob (DESIGN.md wire format)', () => {
  it('writes the body as UTF-8 JSON with every required property and header', () => {
    const message = encodeJob({ name: 'emails.welcome' }, { userId: 'ü-1' }, { id: 'job-1', nowMs: NOW_MS });
    expect(message.body.toString('utf8')).toBe('{"userId":"ü-1"}');
    expect(message.properties).toEqual({
      messageId: 'job-1', type: 'emails.welcome', timestampMs: NOW_MS,
      contentType: 'application/json', contentEncoding: 'utf-8',
      headers: { 'x-warren-attempt': 1, 'x-warren-enqueued-at': '2026-03-04T05:06:07.000Z' },
    });
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

  it('keeps user headers and traceparent, but its own x-warren-* headers win', () => {
    const message = encodeJob({ name: 'n' }, {}, {
      headers: { tenant: 'acme', 'x-warren-attempt': 7 }, traceparent: '00-abc-def-01', nowMs: NOW_MS,
    });
    expect(message.properties.headers).toMatchObject({ tenant: 'acme', traceparent: '00-abc-def-01', 'x-warren-attempt': 1 });
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
