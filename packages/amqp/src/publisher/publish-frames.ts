/*
 * Encodes one Warren publish — basic.publish method frame, content header frame, body frame — into a
 * caller's buffer, byte for byte what amqplib 2.x writes for the same publish (proved against amqplib's own
 * encoder in test/unit/publisher/publish-frames.test.ts). Why not amqplib's encoder: it is generic
 * (property tables walked per message, four buffers per publish); with the wire format's properties and
 * headers it costs the client about twice the CPU of a bare publish, CPU the broker on a small machine needs.
 * Shapes outside the fast path (header values other than strings, int32 integers, booleans and null;
 * short strings over 255 bytes; a body or header larger than one frame) return undefined: the caller
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

/** Bytes encodePublishFrames writes for this publish, or undefined when it is not on the fast path. */
export function publishFramesSize(routingKey: string, message: WireMessage, frameMax: number): number | undefined {
  const { properties } = message;
  const routingKeyBytes = Buffer.byteLength(routingKey);
  if (routingKeyBytes > SHORTSTR_MAX) return undefined;
  const headersBytes = tableSize(properties.headers);
  if (headersBytes === undefined) return undefined;
  const contentTypeBytes = Buffer.byteLength(properties.contentType);
  const hasContentEncoding = properties.contentEncoding !== undefined;
  const contentEncodingBytes = hasContentEncoding ? Buffer.byteLength(properties.contentEncoding as string) : 0;
  const messageIdBytes = Buffer.byteLength(properties.messageId);
  const typeBytes = Buffer.byteLength(properties.type);
  if (contentTypeBytes > SHORTSTR_MAX || contentEncodingBytes > SHORTSTR_MAX || messageIdBytes > SHORTSTR_MAX || typeBytes > SHORTSTR_MAX) {
    return undefined;
  }
  if (properties.priority !== undefined && !isOctet(properties.priority)) return undefined;
  if (!(properties.timestampMs >= 0 && properties.timestampMs < Number.MAX_SAFE_INTEGER)) return undefined;
  const headerPayload = 14 + (1 + contentTypeBytes) + (hasContentEncoding ? 1 + contentEncodingBytes : 0) + headersBytes + 1
    + (properties.priority === undefined ? 0 : 1) + (1 + messageIdBytes) + 8 + (1 + typeBytes);
  const bodyBytes = message.body.length;
  if (headerPayload + FRAME_OVERHEAD > frameMax || bodyBytes + FRAME_OVERHEAD > frameMax) return undefined;
  const methodPayload = 4 + 2 + 1 + (1 + routingKeyBytes) + 1;
  return methodPayload + FRAME_OVERHEAD + headerPayload + FRAME_OVERHEAD + (bodyBytes > 0 ? bodyBytes + FRAME_OVERHEAD : 0);
}

/**
 * Writes the frames of a persistent, mandatory publish of `message` to the default exchange with `routingKey`
 * on `channel` at `offset`; `target` must have the room publishFramesSize returned. Returns the offset after the last frame.
 */
export function encodePublishFrames(target: Buffer, offset: number, channel: number, routingKey: string, message: WireMessage): number {
  const { properties, body } = message;
  let at = offset;

  // Method frame: basic.publish(reserved, exchange '', routing key, mandatory).
  const methodStart = at;
  at = frameStart(target, at, FRAME_METHOD, channel);
  at = target.writeUInt16BE(CLASS_BASIC, at);
  at = target.writeUInt16BE(METHOD_BASIC_PUBLISH, at);
  at = target.writeUInt16BE(0, at);
  target[at++] = 0; // exchange: the default one
  at = shortString(target, at, routingKey);
  target[at++] = MANDATORY_BIT;
  at = frameEnd(target, methodStart, at);

  // Content header frame: class, weight, body size, flags, then the property values in flag order.
  const headerStart = at;
  at = frameStart(target, at, FRAME_HEADER, channel);
  at = target.writeUInt16BE(CLASS_BASIC, at);
  at = target.writeUInt16BE(0, at);
  at = target.writeUInt32BE(Math.floor(body.length / 0x1_0000_0000), at);
  at = target.writeUInt32BE(body.length >>> 0, at);
  const hasPriority = properties.priority !== undefined;
  const hasContentEncoding = properties.contentEncoding !== undefined;
  at = target.writeUInt16BE(FLAG_CONTENT_TYPE | (hasContentEncoding ? FLAG_CONTENT_ENCODING : 0) | FLAG_HEADERS | FLAG_DELIVERY_MODE
    | (hasPriority ? FLAG_PRIORITY : 0) | FLAG_MESSAGE_ID | FLAG_TIMESTAMP | FLAG_TYPE, at);
  at = shortString(target, at, properties.contentType);
  if (hasContentEncoding) at = shortString(target, at, properties.contentEncoding as string);
  at = table(target, at, properties.headers);
  target[at++] = DELIVERY_MODE_PERSISTENT;
  if (hasPriority) target[at++] = properties.priority as number;
  at = shortString(target, at, properties.messageId);
  // AMQP's timestamp is whole seconds since the epoch, as an unsigned 64-bit integer.
  const seconds = Math.floor(properties.timestampMs / 1000);
  at = target.writeUInt32BE(Math.floor(seconds / 0x1_0000_0000), at);
  at = target.writeUInt32BE(seconds >>> 0, at);
  at = shortString(target, at, properties.type);
  at = frameEnd(target, headerStart, at);

  // Body frame (amqplib sends none for an empty body).
  if (body.length > 0) {
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

function shortString(target: Buffer, at: number, value: string): number {
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

/** Encoded size of a headers table (4-byte length included), or undefined when a value is not on the fast path. */
function tableSize(headers: Record<string, HeaderValue>): number | undefined {
  let size = 4;
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue; // amqplib leaves undefined values out
    const keyBytes = Buffer.byteLength(key);
    if (keyBytes > SHORTSTR_MAX) return undefined;
    size += 1 + keyBytes + 1;
    if (typeof value === 'string') size += 4 + Buffer.byteLength(value);
    else if (typeof value === 'boolean') size += 1;
    else if (value === null) size += 0;
    else if (typeof value === 'number' && isInt32(value)) size += integerSize(value);
    else return undefined;
  }
  return size;
}

/** amqplib picks the smallest signed integer type that holds the value. */
function integerSize(value: number): number {
  if (value >= INT8_MIN && value <= INT8_MAX) return 1;
  if (value >= INT16_MIN && value <= INT16_MAX) return 2;
  return 4;
}

function table(target: Buffer, at: number, headers: Record<string, HeaderValue>): number {
  const start = at;
  at += 4;
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    at = shortString(target, at, key);
    if (typeof value === 'string') {
      const length = target.write(value, at + 5, 'utf8');
      target[at] = 0x53; // 'S': long string
      target.writeUInt32BE(length, at + 1);
      at += 5 + length;
    } else if (typeof value === 'boolean') {
      target[at++] = 0x74; // 't'
      target[at++] = value ? 1 : 0;
    } else if (value === null) {
      target[at++] = 0x56; // 'V': void
    } else {
      at = integer(target, at, value as number);
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
