/*
 * The fast publish encoder against amqplib's own: for every message on the fast path the bytes must be exactly
 * what amqplib 2.x would write for channel.publish('', queue, body, toPublishOptions(properties)); everything
 * else must be left to amqplib (size undefined).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HeaderValue, WireMessage, WireProperties } from '@warren/core';
import { encodePublishFrames, NEEDS_ROOM, NOT_ON_FAST_PATH, publishFramesRoom } from '../../../src/publisher/publish-frames.js';
import { toPublishOptions } from '../../../src/publisher/message-properties.js';

// amqplib's encoder modules are not in its `exports`; load them by file, as connection.js does.
const require = createRequire(import.meta.url);
const amqplibLib = join(dirname(require.resolve('amqplib')), 'lib');
const defs = require(join(amqplibLib, 'defs.js')) as {
  BasicPublish: number; BasicProperties: number;
  encodeMethod(id: number, channel: number, fields: object): Buffer;
  encodeProperties(id: number, channel: number, size: number, fields: object): Buffer;
};
const frame = require(join(amqplibLib, 'frame.js')) as { makeBodyFrame(channel: number, body: Buffer): Buffer };
const args = require(join(amqplibLib, 'api_args.js')) as { publish(exchange: string, routingKey: string, options: object): object };

const FRAME_MAX = 131_072;

function amqplibBytes(channel: number, queue: string, message: WireMessage): Buffer {
  const fieldsAndProperties = args.publish('', queue, toPublishOptions(message.properties));
  return Buffer.concat([
    defs.encodeMethod(defs.BasicPublish, channel, fieldsAndProperties),
    defs.encodeProperties(defs.BasicProperties, channel, message.body.length, fieldsAndProperties),
    ...(message.body.length > 0 ? [frame.makeBodyFrame(channel, message.body)] : []),
  ]);
}

function fastBytes(channel: number, queue: string, message: WireMessage, frameMax = FRAME_MAX): Buffer | undefined {
  // Encode after some unrelated bytes, as into a shared slab, and check nothing before the offset is touched.
  const target = Buffer.alloc(10 + publishFramesRoom(message.body.length, frameMax), 0xaa);
  const end = encodePublishFrames(target, 10, channel, queue, message, frameMax);
  if (end === NOT_ON_FAST_PATH) return undefined;
  expect(end).toBeGreaterThan(10);
  expect(target.subarray(0, 10).every((byte) => byte === 0xaa)).toBe(true);
  expect(target.subarray(end, end + 64).every((byte) => byte === 0xaa)).toBe(true);
  return target.subarray(10, end);
}

function wireMessage(overrides: Partial<WireProperties> = {}, body: Buffer = Buffer.from('{"orderId":42}')): WireMessage {
  return {
    body,
    properties: {
      messageId: '0b7f5a52-1d4c-4a8e-9a41-6c1f5b0f7e11',
      type: 'orders.ship',
      timestampMs: 1_795_618_326_146,
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      headers: { 'x-warren-attempt': 1, 'x-warren-enqueued-at': '2026-11-25T14:52:06.146Z' },
      ...overrides,
    },
  };
}

/** A first attempt as encodeJob writes it since issue #13: no content_encoding, no x-warren-* headers. */
function lightMessage(headers: Record<string, HeaderValue> = {}): WireMessage {
  const { body, properties } = wireMessage({ messageId: '019ad9c4-0b62-7a1c-9d3e-5f0a1b2c3d4e', headers });
  const { contentEncoding: _omitted, ...light } = properties;
  return { body, properties: light };
}

describe('encodePublishFrames', () => {
  const cases: Array<[string, string, WireMessage]> = [
    ['a first dispatch (the old shape)', 'orders', wireMessage()],
    ['a first dispatch (the light shape: no content_encoding, empty headers)', 'orders', lightMessage()],
    ['a light first dispatch with traceparent and priority', 'orders', ((light) => ({ body: light.body, properties: { ...light.properties, priority: 5 } }))(
      lightMessage({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
    )],
    ['a retry with priority and traceparent', 'orders', wireMessage({
      priority: 7, headers: { 'x-warren-attempt': 3, 'x-warren-enqueued-at': '2026-11-25T14:52:06.146Z', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    })],
    ['a dead-lettered copy with a long unicode error', 'orders.dlq', wireMessage({
      headers: {
        'x-warren-attempt': 5, 'x-warren-enqueued-at': '2026-11-25T14:52:06.146Z', 'x-warren-error': `Zahlung abgelehnt — ${'ü'.repeat(400)}`,
        'x-warren-failed-at': '2026-11-25T14:53:00.000Z', 'x-warren-dead-reason': 'attempts-exhausted',
      },
    })],
    ['every integer width, booleans, null and undefined', 'q', wireMessage({
      headers: { b: -128, b2: 127, s: 128, s2: -32_768, i: 40_000, i2: -2_147_483_648, i3: 2_147_483_647, yes: true, no: false, nothing: null, skipped: undefined },
    })],
    ['an empty body (no body frame)', 'q', wireMessage({}, Buffer.alloc(0))],
    ['empty strings (a replayed foreign message), no headers', 'q', wireMessage({ contentType: '', contentEncoding: '', messageId: '', type: '', headers: {} })],
    ['unicode names and a priority of 0 and 255', 'очередь', wireMessage({ type: 'заказ.отправить', priority: 255 })],
    ['priority 0', 'q', wireMessage({ priority: 0 })],
    ['a timestamp of 0', 'q', wireMessage({ timestampMs: 0 })],
    ['a timestamp past 2^32 seconds', 'q', wireMessage({ timestampMs: 5_000_000_000_000 })],
    ['a body of exactly frameMax - 8 bytes', 'q', wireMessage({}, Buffer.alloc(FRAME_MAX - 8, 0x41))],
    ['255-byte short strings', 'q'.repeat(255), wireMessage({ messageId: 'm'.repeat(255), type: 't'.repeat(255) })],
  ];

  for (const [name, queue, message] of cases) {
    it(`writes what amqplib writes: ${name}`, () => {
      for (const channel of [1, 2, 300, 65_535]) {
        expect(fastBytes(channel, queue, message)?.toString('hex')).toBe(amqplibBytes(channel, queue, message).toString('hex'));
      }
    });
  }

  it('writes what amqplib writes for 2000 generated header tables', () => {
    let seed = 20_261_125;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const values: Array<() => HeaderValue> = [
      () => Math.floor((random() - 0.5) * 2 ** (1 + Math.floor(random() * 32))),
      () => 'x'.repeat(Math.floor(random() * 300)) + (random() < 0.3 ? '€' : ''),
      () => random() < 0.5,
      () => null,
      () => undefined,
    ];
    for (let run = 0; run < 2_000; run++) {
      const headers: Record<string, HeaderValue> = {};
      const count = Math.floor(random() * 8);
      for (let i = 0; i < count; i++) headers[`h-${i}-${'k'.repeat(Math.floor(random() * 40))}`] = values[Math.floor(random() * values.length)]!();
      const built = wireMessage({ headers, ...(random() < 0.3 ? { priority: Math.floor(random() * 256) } : {}) },
        Buffer.alloc(Math.floor(random() * 3_000), 0x7b));
      const { contentEncoding: _omitted, ...withoutEncoding } = built.properties;
      const message = random() < 0.5 ? built : { body: built.body, properties: withoutEncoding };
      const channel = 1 + Math.floor(random() * 2_000);
      const fast = fastBytes(channel, 'pipeline-q', message);
      expect(fast, `run ${run}`).toBeDefined();
      expect(fast!.equals(amqplibBytes(channel, 'pipeline-q', message)), `run ${run}: ${JSON.stringify(headers)}`).toBe(true);
    }
  });

  it('leaves to amqplib what it does not encode itself', () => {
    const offPath: Array<[string, string, WireMessage, number?]> = [
      ['a fractional header (amqplib writes a double)', 'q', wireMessage({ headers: { ratio: 0.5 } })],
      ['an integer beyond int32 (amqplib writes int64)', 'q', wireMessage({ headers: { big: 2 ** 40 } })],
      ['NaN', 'q', wireMessage({ headers: { nan: Number.NaN } })],
      ['a header name over 255 bytes', 'q', wireMessage({ headers: { ['k'.repeat(256)]: 1 } })],
      ['a message id over 255 bytes', 'q', wireMessage({ messageId: 'm'.repeat(256) })],
      ['a job name over 255 bytes (in UTF-8)', 'q', wireMessage({ type: 'é'.repeat(128) })],
      ['a queue name over 255 bytes', 'q'.repeat(256), wireMessage()],
      ['a priority outside an octet', 'q', wireMessage({ priority: 256 })],
      ['a fractional priority', 'q', wireMessage({ priority: 1.5 })],
      ['a negative timestamp', 'q', wireMessage({ timestampMs: -1 })],
      ['a body larger than one frame', 'q', wireMessage({}, Buffer.alloc(FRAME_MAX - 7))],
      ['a header frame larger than one frame', 'q', wireMessage({ headers: { big: 'x'.repeat(5_000) } }), 4_096],
    ];
    for (const [name, queue, message, frameMax] of offPath) {
      const target = Buffer.alloc(publishFramesRoom(message.body.length, frameMax ?? FRAME_MAX));
      // NEEDS_ROOM with the room publishFramesRoom gives means larger than one frame: not on the fast path either.
      expect([NOT_ON_FAST_PATH, NEEDS_ROOM], name).toContain(encodePublishFrames(target, 0, 1, queue, message, frameMax ?? FRAME_MAX));
    }
  });

  it('asks for room instead of writing past the end of its target, at every offset near the end', () => {
    const message = lightMessage({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tenant: 'ü'.repeat(40) });
    const expected = amqplibBytes(5, 'orders', message);
    for (let room = 0; room < expected.length + 400; room++) {
      const target = Buffer.alloc(100 + room, 0xaa);
      const end = encodePublishFrames(target, 100, 5, 'orders', message, FRAME_MAX);
      if (end === NEEDS_ROOM) continue;
      expect(target.subarray(100, end).equals(expected), `room ${room}`).toBe(true);
    }
    // With the room publishFramesRoom promises it never asks for more.
    expect(encodePublishFrames(Buffer.alloc(publishFramesRoom(message.body.length, FRAME_MAX)), 0, 5, 'orders', message, FRAME_MAX)).toBeGreaterThan(0);
  });
});
