import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { z } from 'zod';
import type { ReceivedProperties } from '../../../src/driver/wire-message.js';
import { Job } from '../../../src/job/job-decorator.js';
import { JobRegistry } from '../../../src/job/job-registry.js';
import { decodeDelivery, decodeDeliveryNow } from '../../../src/worker/decode-delivery.js';
import { encodeJob } from '../../../src/worker/encode-job.js';

const registry = new JobRegistry();
registry.add(Job('decode.plain')(class Plain { handle() {} }));
registry.add(Job('decode.zod', { schema: z.object({ userId: z.string(), n: z.coerce.number() }) })(class WithZod { handle() {} }));
const asyncSchema: StandardSchemaV1<unknown, unknown> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: async (value) => ((value as { ok?: boolean }).ok ? { value } : { issues: [{ message: 'ok must be true', path: ['ok'] }] }),
  },
};
registry.add(Job('decode.async', { schema: asyncSchema })(class WithAsync { handle() {} }));

const RECEIVED_AT = Date.parse('2030-01-01T00:00:00.000Z');

function received(body: string | Buffer, properties: Partial<ReceivedProperties> = {}) {
  return { body: Buffer.isBuffer(body) ? body : Buffer.from(body), properties: { headers: {}, ...properties } };
}

describe('decodeDelivery', () => {
  it('round-trips what encodeJob produced', async () => {
    const message = encodeJob({ name: 'decode.plain' }, { a: 1 }, { id: 'job-1', nowMs: Date.parse('2029-05-05T10:00:00.000Z') });
    const result = await decodeDelivery(message, registry, RECEIVED_AT);
    expect(result).toMatchObject({
      isDecoded: true,
      job: { id: 'job-1', name: 'decode.plain', payload: { a: 1 }, attempt: 1, enqueuedAt: new Date('2029-05-05T10:00:00.000Z') },
    });
  });

  it.each([
    ['a fresh UUID for a missing message id, attempt 1 and the receipt time', {}, { attempt: 1, enqueuedAt: new Date(RECEIVED_AT) }],
    ['the timestamp property when enqueued-at is missing', { timestampMs: 1_000 }, { attempt: 1, enqueuedAt: new Date(1_000) }],
    ['the attempt header as a string', { headers: { 'x-warren-attempt': '4' } }, { attempt: 4 }],
    ['attempt 1 for a malformed attempt header', { headers: { 'x-warren-attempt': 'zero' } }, { attempt: 1 }],
    ['the enqueued-at header over the timestamp', { timestampMs: 1_000, headers: { 'x-warren-enqueued-at': '2020-02-02T00:00:00.000Z' } }, { enqueuedAt: new Date('2020-02-02T00:00:00.000Z') }],
  ])('fills in for a foreign producer: %s', async (_title, properties, expected) => {
    const result = await decodeDelivery(received('{"x":1}', { type: 'decode.plain', ...properties }), registry, RECEIVED_AT);
    if (!result.isDecoded) throw new Error('expected a decoded job');
    expect(result.job).toMatchObject(expected);
    expect(result.job.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['a body that is not JSON', received('{nope', { type: 'decode.plain' }), 'undecodable', 'WARREN_ERR_JOB_UNDECODABLE'],
    ['a body that is not UTF-8', received(Buffer.from([0x22, 0xff, 0xfe, 0x22]), { type: 'decode.plain' }), 'undecodable', 'WARREN_ERR_JOB_UNDECODABLE'],
    ['a gzip content encoding', received('{}', { type: 'decode.plain', contentEncoding: 'gzip' }), 'undecodable', 'WARREN_ERR_JOB_UNDECODABLE'],
    ['headers a driver dropped as undecodable (x-warren-headers-dropped)', received('{"x":1}', {
      type: 'decode.plain', headers: { 'x-warren-headers-dropped': 'the headers table nests deeper than 100 levels' },
    }), 'undecodable', 'WARREN_ERR_JOB_UNDECODABLE'],
    ['no type', received('{}'), 'unknown-job', 'WARREN_ERR_JOB_NOT_FOUND'],
    ['an unregistered type', received('{}', { type: 'decode.nobody' }), 'unknown-job', 'WARREN_ERR_JOB_NOT_FOUND'],
    ['a payload failing a zod schema', received('{"n":1}', { type: 'decode.zod' }), 'invalid-payload', 'WARREN_ERR_JOB_PAYLOAD_INVALID'],
    ['a payload failing an async schema', received('{"ok":false}', { type: 'decode.async' }), 'invalid-payload', 'WARREN_ERR_JOB_PAYLOAD_INVALID'],
  ] as const)('rejects %s with its dead-letter reason', async (_title, delivery, reason, code) => {
    const result = await decodeDelivery(delivery, registry, RECEIVED_AT);
    if (result.isDecoded) throw new Error('expected a rejection');
    expect(result.rejected.reason).toBe(reason);
    expect(result.rejected.error.code).toBe(code);
  });

  it('says why headers were dropped, and ignores a marker that is not text', async () => {
    const dropped = await decodeDelivery(received('{}', { type: 'decode.plain', messageId: 'm-deep', headers: { 'x-warren-headers-dropped': 'nested too deep' } }), registry);
    if (dropped.isDecoded) throw new Error('expected a rejection');
    expect(dropped.rejected.error.message).toBe('message m-deep: its headers could not be decoded and were dropped: nested too deep');
    expect(dropped.rejected.name).toBe('decode.plain');
    expect((await decodeDelivery(received('{}', { type: 'decode.plain', headers: { 'x-warren-headers-dropped': 1 } }), registry)).isDecoded).toBe(true);
  });

  it('names the failing fields of an invalid payload', async () => {
    const result = await decodeDelivery(received('{"ok":false}', { type: 'decode.async', messageId: 'm1' }), registry);
    if (result.isDecoded) throw new Error('expected a rejection');
    expect(result.rejected.error.message).toContain('ok: ok must be true');
    expect(result.rejected.id).toBe('m1');
  });

  it('hands the handler the schema output (transforms applied)', async () => {
    const result = await decodeDelivery(received('{"userId":"u1","n":"42"}', { type: 'decode.zod' }), registry);
    if (!result.isDecoded) throw new Error('expected a decoded job');
    expect(result.job.payload).toEqual({ userId: 'u1', n: 42 });
  });
});

describe('decodeDeliveryNow', () => {
  it.each([
    ['without a schema', received('{"x":1}', { type: 'decode.plain', messageId: 'm-1' }), false, true],
    ['with a synchronous (zod) schema', received('{"userId":"u","n":"2"}', { type: 'decode.zod', messageId: 'm-2' }), false, true],
    ['with a synchronous schema that rejects', received('{"n":1}', { type: 'decode.zod', messageId: 'm-3' }), false, false],
    ['with an asynchronous schema', received('{"ok":true}', { type: 'decode.async', messageId: 'm-4' }), true, true],
    ['with an asynchronous schema that rejects', received('{"ok":false}', { type: 'decode.async', messageId: 'm-5' }), true, false],
  ] as const)('decodes %s, returning a promise only for an async schema', async (_title, delivery, isPromise, isDecoded) => {
    const result = decodeDeliveryNow(delivery, registry, RECEIVED_AT);
    expect(result instanceof Promise).toBe(isPromise);
    const settled = await result;
    expect(settled.isDecoded).toBe(isDecoded);
    expect(settled).toEqual(await decodeDelivery(delivery, registry, RECEIVED_AT));
  });
});
