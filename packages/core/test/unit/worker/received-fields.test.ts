import { describe, expect, it } from 'vitest';
import type { ReceivedProperties } from '../../../src/driver/wire-message.js';
import { readReceivedFields } from '../../../src/worker/received-fields.js';

const ISO = '2026-01-02T03:04:05.000Z';
const MS = Date.parse(ISO);
/** A `timestamp` a producer wrote in nanoseconds, read as seconds and turned into ms by the amqp driver. */
const NANOSECONDS_AS_MS = 1_767_323_045_000_000_000 * 1000;

function read(properties: Record<string, unknown>) {
  return readReceivedFields({ headers: {}, ...properties } as ReceivedProperties);
}

describe('readReceivedFields', () => {
  it('reads well-formed fields and reports nothing malformed', () => {
    const fields = read({
      messageId: 'm-1', type: 'a.job', timestampMs: MS, contentType: 'application/json', contentEncoding: 'utf-8', priority: 3,
      headers: { 'x-warren-attempt': 2, 'x-warren-enqueued-at': ISO, tenant: 'acme' },
    });
    expect(fields).toEqual({
      messageId: 'm-1', type: 'a.job', timestampMs: MS, contentType: 'application/json', contentEncoding: 'utf-8', priority: 3,
      attempt: 2, enqueuedAtMs: MS, headers: { 'x-warren-attempt': 2, 'x-warren-enqueued-at': ISO, tenant: 'acme' }, malformed: [],
    });
  });

  it('treats missing, null and empty fields as absent, not malformed', () => {
    const fields = read({ messageId: '', type: null, headers: { 'x-warren-attempt': null, 'x-warren-enqueued-at': '' } });
    expect(fields).toMatchObject({ messageId: undefined, type: undefined, attempt: undefined, enqueuedAtMs: undefined, malformed: [] });
  });

  it.each([
    ['x-warren-enqueued-at', { headers: { 'x-warren-enqueued-at': 1e300 } }, 'enqueuedAtMs'],
    ['x-warren-enqueued-at', { headers: { 'x-warren-enqueued-at': 'next tuesday' } }, 'enqueuedAtMs'],
    ['x-warren-enqueued-at', { headers: { 'x-warren-enqueued-at': '+275760-09-13T00:00:00.000Z' } }, 'enqueuedAtMs'],
    ['x-warren-enqueued-at', { headers: { 'x-warren-enqueued-at': -1 } }, 'enqueuedAtMs'],
    ['x-warren-enqueued-at', { headers: { 'x-warren-enqueued-at': { nested: true } } }, 'enqueuedAtMs'],
    ['timestamp', { timestampMs: NANOSECONDS_AS_MS }, 'timestampMs'],
    ['timestamp', { timestampMs: Number.NaN }, 'timestampMs'],
    ['timestamp', { timestampMs: '1700000000' }, 'timestampMs'],
    ['x-warren-attempt', { headers: { 'x-warren-attempt': 0 } }, 'attempt'],
    ['x-warren-attempt', { headers: { 'x-warren-attempt': -3 } }, 'attempt'],
    ['x-warren-attempt', { headers: { 'x-warren-attempt': 1.5 } }, 'attempt'],
    ['x-warren-attempt', { headers: { 'x-warren-attempt': 1e300 } }, 'attempt'],
    ['x-warren-attempt', { headers: { 'x-warren-attempt': '9'.repeat(30) } }, 'attempt'],
    ['x-warren-attempt', { headers: { 'x-warren-attempt': 'abc' } }, 'attempt'],
    ['x-warren-attempt', { headers: { 'x-warren-attempt': true } }, 'attempt'],
    ['priority', { priority: 256 }, 'priority'],
    ['priority', { priority: -1 }, 'priority'],
    ['priority', { priority: 2.5 }, 'priority'],
    ['message_id', { messageId: 42 }, 'messageId'],
    ['type', { type: { name: 'x' } }, 'type'],
    ['content_type', { contentType: ['a'] }, 'contentType'],
    ['content_encoding', { contentEncoding: 8 }, 'contentEncoding'],
  ] as const)('treats a malformed %s (%j) as absent and names it', (name, properties, field) => {
    const fields = read(properties);
    expect(fields[field]).toBeUndefined();
    expect(fields.malformed).toEqual([name]);
  });

  it('lists every malformed field once, in wire order', () => {
    const fields = read({ timestampMs: 1e300, priority: 999, headers: { 'x-warren-attempt': 'x', 'x-warren-enqueued-at': 'y' } });
    expect(fields.malformed).toEqual(['timestamp', 'priority', 'x-warren-attempt', 'x-warren-enqueued-at']);
  });

  it('accepts the last instant of year 9999 and refuses the next one', () => {
    expect(read({ timestampMs: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }).malformed).toEqual([]);
    expect(read({ timestampMs: Date.UTC(10000, 0, 1) }).malformed).toEqual(['timestamp']);
  });

  it('survives properties whose headers are not a table', () => {
    expect(readReceivedFields({ headers: 'nope' } as unknown as ReceivedProperties)).toMatchObject({ headers: {}, malformed: [] });
    expect(readReceivedFields(undefined)).toMatchObject({ headers: {}, attempt: undefined });
  });
});
