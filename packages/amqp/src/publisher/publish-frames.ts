/*
 * Encodes one Warren publish — basic.publish method frame, content header frame, body frame — into a
 * caller's buffer, byte for byte what amqplib 2.x writes for the same publish (proved against amqplib's own
 * encoder in test/unit/publisher/publish-frames.test.ts). Why not amqplib's encoder: it is generic
 * (property tables walked per message, four buffers per publish); with the wire format's properties and
 * headers it costs the client about twice the CPU of a bare publish, CPU the broker on a small machine needs.
 * Shapes outside the fast path (header values other than strings, int32 integers, booleans and null;
 * short strings over 255 bytes; a body or header larger than one frame) return NOT_ON_FAST_PATH: the caller
 * then publishes through amqplib, which encodes (or rejects) them as before. Pure.
 */
import type { HeaderValue, WireMessage } from '@warren/core';

const FRAME_METHOD = 1;
const FRAME_HEADER = 2;
const FRAME_BODY = 3;
const FRAME_END = 0xce;
/** type (1) + channel (2) + size (4) before the payload, frame-end (1) after it. */
const FRAME_OVERHEAD = 8;
const CLASS_BASIC = 60;
const METHOD_BASIC_PUBLISH = 40;

// Property flags of the basic class, in the order their values follow the flags (AMQP 0-9-1 §4.2.6.1).
const FLAG_CONTENT_TYPE = 0x8000;
const FLAG_CONTENT_ENCODING = 0x4000;
const FLAG_HEADERS = 0x2000;
const FLAG_DELIVERY_MODE = 0x1000;
const FLAG_PRIORITY = 0x0800;
const FLAG_MESSAGE_ID = 0x0080;
const FLAG_TIMESTAMP = 0x0040;
const FLAG_TYPE = 0x0020;
const DELIVERY_MODE_PERSISTENT = 2;
const MANDATORY_BIT = 1;

const INT8_MIN = -0x80;
const INT8_MAX = 0x7f;
const INT16_MIN = -0x8000;
const INT16_MAX = 0x7fff;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const SHORTSTR_MAX = 255;

/** encodePublishFrames result: this publish is not on the fast path; amqplib must encode (or refuse) it. */
export const NOT_ON_FAST_PATH = -1;
/** encodePublishFrames result: `target` had too little room after `offset`; encode again with more (see publishFramesRoom). */
export const NEEDS_ROOM = -2;

/** basic.publish with the longest routing key: frame overhead, class, method, reserved, exchange, routing key, bits. */
const METHOD_FRAME_MAX = FRAME_OVERHEAD + 2 + 2 + 2 + 1 + (1 + SHORTSTR_MAX) + 1;
/**
 * Kept free after every string: the fixed-size parts of both frames that may still follow it (frame overheads, class,
 * weight, body size, flags, delivery mode, priority, timestamp, length bytes); a header entry checks its own 6 bytes.
 */
const FIXED_RESERVE = 64;

/** Free bytes with which NEEDS_ROOM cannot happen to a publish the fast path takes (one frame of properties, one of body). */
export function publishFramesRoom(bodyBytes: number, frameMax: number): number {
  return METHOD_FRAME_MAX + FIXED_RESERVE + frameMax + bodyBytes + FRAME_OVERHEAD;
}

/**
 * Writes the frames of a persistent, mandatory publish of `message` to the default exchange with `routingKey` on
 * `channel` into `target` at `offset`, in one walk over its strings and headers (no separate sizing pass). Returns the
 * offset after the last frame, or NOT_ON_FAST_PATH / NEEDS_ROOM (bytes from `offset` on are then garbage).
 */
export function encodePublishFrames(target: Buffer, offset: number, channel: number, routingKey: string, message: WireMessage, frameMax: number): number {
  const { properties, body } = message;
  const { priority, timestampMs, contentEncoding } = properties;
  const bodyBytes = body.length;
  if (bodyBytes + FRAME_OVERHEAD > frameMax) return NOT_ON_FAST_PATH;
  if (priority !== undefined && !isOctet(priority)) return NOT_ON_FAST_PATH;
  if (!(timestampMs >= 0 && timestampMs < Number.MAX_SAFE_INTEGER)) return NOT_ON_FAST_PATH;
  // The body frame goes last; strings must end FIXED_RESERVE before it.
  const stringsEnd = target.length - (bodyBytes > 0 ? bodyBytes + FRAME_OVERHEAD : 0) - FIXED_RESERVE;
  if (offset + FIXED_RESERVE > stringsEnd) return NEEDS_ROOM;
  let at = offset;

  // Method frame: basic.publish(reserved, exchange '', routing key, mandatory).
  const methodStart = at;
  at = frameStart(target, at, FRAME_METHOD, channel);
  at = target.writeUInt16BE(CLASS_BASIC, at);
  at = target.writeUInt16BE(METHOD_BASIC_PUBLISH, at);
  at = target.writeUInt16BE(0, at);
  target[at++] = 0; // exchange: the default one
  at = shortString(target, at, routingKey, stringsEnd);
  if (at < 0) return at;
  target[at++] = MANDATORY_BIT;
  at = frameEnd(target, methodStart, at);

  // Content header frame: class, weight, body size, flags, then the property values in flag order.
  const headerStart = at;
  at = frameStart(target, at, FRAME_HEADER, channel);
  at = target.writeUInt16BE(CLASS_BASIC, at);
  at = target.writeUInt16BE(0, at);
  at = target.writeUInt32BE(Math.floor(bodyBytes / 0x1_0000_0000), at);
  at = target.writeUInt32BE(bodyBytes >>> 0, at);
  const hasPriority = priority !== undefined;
  const hasContentEncoding = contentEncoding !== undefined;
  at = target.writeUInt16BE(FLAG_CONTENT_TYPE | (hasContentEncoding ? FLAG_CONTENT_ENCODING : 0) | FLAG_HEADERS | FLAG_DELIVERY_MODE
    | (hasPriority ? FLAG_PRIORITY : 0) | FLAG_MESSAGE_ID | FLAG_TIMESTAMP | FLAG_TYPE, at);
  at = shortString(target, at, properties.contentType, stringsEnd);
  if (at >= 0 && hasContentEncoding) at = shortString(target, at, contentEncoding, stringsEnd);
  if (at >= 0) at = table(target, at, properties.headers, stringsEnd);
  if (at < 0) return at;
  target[at++] = DELIVERY_MODE_PERSISTENT;
  if (hasPriority) target[at++] = priority;
  at = shortString(target, at, properties.messageId, stringsEnd);
  if (at < 0) return at;
  // AMQP's timestamp is whole seconds since the epoch, as an unsigned 64-bit integer.
  const seconds = Math.floor(timestampMs / 1000);
  at = target.writeUInt32BE(Math.floor(seconds / 0x1_0000_0000), at);
  at = target.writeUInt32BE(seconds >>> 0, at);
  at = shortString(target, at, properties.type, stringsEnd);
  if (at < 0) return at;
  at = frameEnd(target, headerStart, at);
  if (at - headerStart > frameMax) return NOT_ON_FAST_PATH;

  // Body frame (amqplib sends none for an empty body).
  if (bodyBytes > 0) {
    const bodyStart = at;
    at = frameStart(target, at, FRAME_BODY, channel);
    at += body.copy(target, at);
    at = frameEnd(target, bodyStart, at);
  }
  return at;
}

function frameStart(target: Buffer, at: number, type: number, channel: number): number {
  target[at] = type;
  target.writeUInt16BE(channel, at + 1);
  return at + 7; // the payload size is written by frameEnd
}

function frameEnd(target: Buffer, start: number, at: number): number {
  target.writeUInt32BE(at - start - 7, start + 3);
  target[at] = FRAME_END;
  return at + 1;
}

/** UTF-8 takes at most 3 bytes per UTF-16 code unit: `length * 3` bounds a string's size without measuring it. */
const MAX_UTF8_PER_UNIT = 3;

function shortString(target: Buffer, at: number, value: string, end: number): number {
  const bound = value.length * MAX_UTF8_PER_UNIT;
  // Measured only when the bound alone cannot rule out a string over 255 bytes (rare: over 85 code units).
  if (bound > SHORTSTR_MAX && Buffer.byteLength(value) > SHORTSTR_MAX) return NOT_ON_FAST_PATH;
  if (at + 1 + Math.min(bound, SHORTSTR_MAX) > end) return NEEDS_ROOM;
  const length = target.write(value, at + 1, 'utf8');
  target[at] = length;
  return at + 1 + length;
}

function isOctet(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xff;
}

function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/** amqplib picks the smallest signed integer type that holds the value. */
function integerSize(value: number): number {
  if (value >= INT8_MIN && value <= INT8_MAX) return 1;
  if (value >= INT16_MIN && value <= INT16_MAX) return 2;
  return 4;
}

/** Header values it takes: strings, int32 integers, booleans, null; undefined is left out (as amqplib does). */
function table(target: Buffer, at: number, headers: Record<string, HeaderValue>, end: number): number {
  const start = at;
  at += 4;
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    at = shortString(target, at, key, end);
    if (at < 0) return at;
    if (at + 5 > end) return NEEDS_ROOM; // type byte + up to 4 bytes of value or string length
    if (typeof value === 'string') {
      if (at + 5 + value.length * MAX_UTF8_PER_UNIT > end && at + 5 + Buffer.byteLength(value) > end) return NEEDS_ROOM;
      const length = target.write(value, at + 5, 'utf8');
      target[at] = 0x53; // 'S': long string
      target.writeUInt32BE(length, at + 1);
      at += 5 + length;
    } else if (typeof value === 'boolean') {
      target[at++] = 0x74; // 't'
      target[at++] = value ? 1 : 0;
    } else if (value === null) {
      target[at++] = 0x56; // 'V': void
    } else if (typeof value === 'number' && isInt32(value)) {
      at = integer(target, at, value);
    } else {
      return NOT_ON_FAST_PATH;
    }
  }
  target.writeUInt32BE(at - start - 4, start);
  return at;
}

function integer(target: Buffer, at: number, value: number): number {
  const size = integerSize(value);
  if (size === 1) {
    target[at] = 0x62; // 'b'
    return target.writeInt8(value, at + 1);
  }
  if (size === 2) {
    target[at] = 0x73; // 's'
    return target.writeInt16BE(value, at + 1);
  }
  target[at] = 0x49; // 'I'
  return target.writeInt32BE(value, at + 1);
}
