/*
 * Property-based: whatever a producer puts in a message's properties and headers, the decoder and the
 * retry / dead-letter copy builders never throw, and what they produce is well formed (a valid date,
 * a positive attempt, properties a transport can publish, the body byte for byte).
 */
import 'reflect-metadata';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReceivedProperties } from '../../../src/driver/wire-message.js';
import { Job } from '../../../src/job/job-decorator.js';
import { JobRegistry } from '../../../src/job/job-registry.js';
import { decodeDeliveryNow, type DecodeResult } from '../../../src/worker/decode-delivery.js';
import { createDeadLetterCopy, createRetryCopy } from '../../../src/worker/message-copies.js';
import { readReceivedFields } from '../../../src/worker/received-fields.js';
import { parseAttemptHeader, parseDateHeaderMs, toHeaderValues } from '../../../src/worker/wire-headers.js';

const registry = new JobRegistry();
registry.add(Job('hostile.plain')(class Plain { handle() {} }));
const MAX_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const RUNS = { numRuns: 400 };

/** Values producers really send in the wrong place: out-of-range numbers, dates as text, tables, bytes. */
const nasty = fc.oneof(
  fc.constantFrom(1e300, -1e300, 8.64e15 + 1, 1_767_323_045_000_000_000_000, Number.NaN, Number.POSITIVE_INFINITY, -0, 0, -1, 1.5,
    Number.MAX_SAFE_INTEGER + 2, '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '9'.repeat(40), '', ' ', 'NaN', 'null'),
  fc.double(), fc.integer(), fc.bigInt(), fc.string(), fc.boolean(), fc.date({ noInvalidDate: false }),
  fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes)),
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }),
);
const maybe = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined });

const properties: fc.Arbitrary<ReceivedProperties> = fc.record({
  messageId: maybe(fc.oneof(fc.string(), nasty)),
  type: maybe(fc.oneof(fc.constant('hostile.plain'), nasty)),
  timestampMs: maybe(nasty),
  contentType: maybe(nasty),
  contentEncoding: maybe(fc.oneof(fc.constantFrom('utf-8', 'UTF8', 'gzip'), nasty)),
  priority: maybe(nasty),
  headers: fc.oneof(
    fc.record({ 'x-warren-attempt': maybe(nasty), 'x-warren-enqueued-at': maybe(nasty), 'x-warren-error': maybe(nasty) }),
    fc.dictionary(fc.string(), nasty, { maxKeys: 6 }),
    nasty,
  ),
}) as unknown as fc.Arbitrary<ReceivedProperties>;

const body = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
);

function decode(delivery: { body: Buffer; properties: ReceivedProperties }): DecodeResult {
  const result = decodeDeliveryNow(delivery, registry, Date.now());
  if (result instanceof Promise) throw new Error('no job here has an async schema');
  return result;
}

function expectPublishable(copy: ReturnType<typeof createRetryCopy>, original: Buffer): void {
  expect(copy.body.equals(original)).toBe(true);
  const { properties: p } = copy;
  expect(typeof p.messageId === 'string' && p.messageId !== '').toBe(true);
  for (const text of [p.type, p.contentType]) expect(typeof text).toBe('string');
  if (p.contentEncoding !== undefined) expect(typeof p.contentEncoding).toBe('string'); // absent means utf-8
  expect(Number.isFinite(p.timestampMs) && p.timestampMs >= 0 && p.timestampMs <= MAX_DATE_MS).toBe(true);
  if (p.priority !== undefined) expect(Number.isInteger(p.priority) && p.priority >= 0 && p.priority <= 255).toBe(true);
  for (const value of Object.values(p.headers)) expect(value === null || ['string', 'number', 'boolean'].includes(typeof value)).toBe(true);
  expect(Number.isSafeInteger(p.headers['x-warren-attempt'])).toBe(true);
  expect(parseDateHeaderMs(p.headers['x-warren-enqueued-at'])).toBeDefined();
}

describe('hostile input', () => {
  it('the header helpers never throw and stay in range', () => {
    fc.assert(fc.property(nasty, (value) => {
      const attempt = parseAttemptHeader(value);
      if (attempt !== undefined) expect(Number.isSafeInteger(attempt) && attempt >= 1).toBe(true);
      const ms = parseDateHeaderMs(value);
      if (ms !== undefined) expect(new Date(ms).toISOString()).toMatch(/^\d{4}-/);
      toHeaderValues({ value });
      toHeaderValues(value);
    }), RUNS);
  });

  it('the decoder never throws and always yields an id, a positive attempt and a valid date', () => {
    fc.assert(fc.property(body, properties, (content, props) => {
      const result = decode({ body: content, properties: props });
      const job = result.isDecoded ? result.job : result.rejected;
      expect(typeof job.id === 'string' && job.id !== '').toBe(true);
      expect(Number.isSafeInteger(job.attempt) && job.attempt >= 1).toBe(true);
      expect(job.enqueuedAt.toISOString()).toMatch(/^\d{4}-/);
      expect(job.malformed).toEqual(readReceivedFields(props).malformed);
    }), RUNS);
  });

  it('the retry and dead-letter copies never throw and are publishable, body byte for byte', () => {
    fc.assert(fc.property(body, properties, fc.boolean(), (content, props, withIdentity) => {
      const delivery = { body: content, properties: props };
      const result = decode(delivery);
      const identity = result.isDecoded ? result.job : result.rejected;
      expectPublishable(createRetryCopy(delivery, identity), content);
      const info = { reason: 'attempts-exhausted' as const, error: new RangeError('Invalid time value'), failedAtMs: Date.now() };
      expectPublishable(createDeadLetterCopy(delivery, withIdentity ? identity : undefined, info), content);
    }), RUNS);
  });

  it('the copy builders survive a broken identity and a broken failure time too', () => {
    fc.assert(fc.property(body, properties, nasty, (content, props, value) => {
      const delivery = { body: content, properties: props };
      const broken = { id: 'job-1', attempt: 1, enqueuedAt: new Date(Number.NaN) };
      expectPublishable(createRetryCopy(delivery, broken), content);
      expectPublishable(createDeadLetterCopy(delivery, broken, { reason: 'undecodable', error: value, failedAtMs: value as number }), content);
    }), RUNS);
  });
});
