/*
 * Issue #13: first attempts go out in a light shape (no x-warren-attempt, no x-warren-enqueued-at, no
 * content_encoding; the enqueue millisecond in a UUIDv7 message_id). A message of the old shape, from an older
 * Warren or a foreign producer, must be read exactly as before, and both shapes must read the same.
 * Properties are given as the amqp driver hands them over: `timestamp` in whole seconds (here as ms).
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import type { ReceivedProperties } from '../../../src/driver/wire-message.js';
import { Job } from '../../../src/job/job-decorator.js';
import { JobRegistry } from '../../../src/job/job-registry.js';
import { uuidV7 } from '../../../src/util/uuid-v7.js';
import { decodeDeliveryNow, type DecodeResult } from '../../../src/worker/decode-delivery.js';
import { encodeJob } from '../../../src/worker/encode-job.js';
import { createDeadLetterCopy, createRetryCopy } from '../../../src/worker/message-copies.js';

const registry = new JobRegistry();
registry.add(Job('shapes.job')(class ShapesJob { handle() {} }));
const ENQUEUED_MS = Date.parse('2031-07-08T09:10:11.456Z');
const SECONDS_MS = Math.floor(ENQUEUED_MS / 1000) * 1000; // what an AMQP timestamp keeps
const RECEIVED_AT = ENQUEUED_MS + 60_000;
const BODY = Buffer.from('{"n":1}');

/** A delivery as the amqp driver builds it from what was published. */
function asDelivered(properties: ReceivedProperties): { body: Buffer; properties: ReceivedProperties } {
  return { body: BODY, properties: { ...properties, timestampMs: properties.timestampMs === undefined ? undefined : Math.floor(properties.timestampMs / 1000) * 1000 } };
}

function decoded(result: DecodeResult | Promise<DecodeResult>) {
  if (result instanceof Promise || !result.isDecoded) throw new Error('expected a decoded job');
  return result.job;
}

const id = uuidV7(ENQUEUED_MS);
const oldShape: ReceivedProperties = {
  messageId: id, type: 'shapes.job', timestampMs: SECONDS_MS, contentType: 'application/json', contentEncoding: 'utf-8',
  headers: { 'x-warren-attempt': 1, 'x-warren-enqueued-at': new Date(ENQUEUED_MS).toISOString(), tenant: 'acme' },
};
const newShape: ReceivedProperties = { messageId: id, type: 'shapes.job', timestampMs: SECONDS_MS, contentType: 'application/json', headers: { tenant: 'acme' } };

describe('old-shape and new-shape first attempts', () => {
  it('decode to the same job: id, attempt 1, the enqueue time to the millisecond, payload', () => {
    const fromOld = decoded(decodeDeliveryNow(asDelivered(oldShape), registry, RECEIVED_AT));
    const fromNew = decoded(decodeDeliveryNow(asDelivered(newShape), registry, RECEIVED_AT));
    for (const job of [fromOld, fromNew]) {
      expect(job).toMatchObject({ id, name: 'shapes.job', attempt: 1, payload: { n: 1 }, malformed: [] });
      expect(job.enqueuedAt.toISOString()).toBe('2031-07-08T09:10:11.456Z');
    }
  });

  it('what encodeJob writes now decodes with the dispatch millisecond after the trip through whole-second timestamps', () => {
    const message = encodeJob({ name: 'shapes.job' }, { n: 1 }, { nowMs: ENQUEUED_MS });
    expect(message.properties.headers).toEqual({});
    const job = decoded(decodeDeliveryNow(asDelivered(message.properties), registry, RECEIVED_AT));
    expect(job.enqueuedAt.getTime()).toBe(ENQUEUED_MS);
    expect(job.attempt).toBe(1);
  });

  it('give the same retry copy (attempt 2, same id and enqueued-at) and the same dead-letter headers', () => {
    const copies = [oldShape, newShape].map((properties) => {
      const delivery = asDelivered(properties);
      const job = decoded(decodeDeliveryNow(delivery, registry, RECEIVED_AT));
      const dead = createDeadLetterCopy(delivery, undefined, { reason: 'unknown-job', error: new Error('x'), failedAtMs: RECEIVED_AT });
      return { retry: createRetryCopy(delivery, job).properties, dead: dead.properties.headers };
    });
    for (const { retry, dead } of copies) {
      expect(retry.messageId).toBe(id);
      expect(retry.headers).toMatchObject({ 'x-warren-attempt': 2, 'x-warren-enqueued-at': '2031-07-08T09:10:11.456Z', tenant: 'acme' });
      expect(dead).toMatchObject({ 'x-warren-attempt': 1, 'x-warren-enqueued-at': '2031-07-08T09:10:11.456Z', 'x-warren-dead-reason': 'unknown-job' });
    }
    // The old shape's content_encoding is copied; the new shape gets none (absent means utf-8).
    expect(copies[0]?.retry.contentEncoding).toBe('utf-8');
    expect(copies[1]?.retry.contentEncoding).toBeUndefined();
  });

  it.each([
    ['a v4 UUID id: the timestamp second', { messageId: '0b7f5a52-1d4c-4a8e-9a41-6c1f5b0f7e11' }, SECONDS_MS],
    ['a v7 id from another second than the timestamp (a foreign id): the timestamp', { messageId: uuidV7(ENQUEUED_MS - 5_000) }, SECONDS_MS],
    ['a v7 id but no timestamp: the time of receipt', { messageId: id, timestampMs: undefined }, RECEIVED_AT],
    ['a malformed enqueued-at header: the v7 millisecond, and a warning', { headers: { 'x-warren-enqueued-at': 'soon' } }, ENQUEUED_MS],
  ] as const)('fall back as before for foreign producers: %s', (_title, overrides, expectedMs) => {
    const job = decoded(decodeDeliveryNow({ body: BODY, properties: { ...newShape, ...overrides } }, registry, RECEIVED_AT));
    expect(job.enqueuedAt.getTime()).toBe(expectedMs);
    expect(job.attempt).toBe(1);
  });
});
