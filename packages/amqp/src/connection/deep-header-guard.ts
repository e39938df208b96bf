/*
 * Keeps one message with absurd headers from closing the whole connection. amqplib decodes each frame as it takes it off
 * the socket, and decodes field tables recursively: headers nested a few thousand levels deep overflow its stack
 * (RangeError), which it treats as a socket error — every pipeline on the connection goes down, and again on each
 * redelivery. This guard looks at every content-header frame before amqplib decodes it (content-header-screen.ts) and,
 * when its headers are too deep, rewrites the frame in amqplib's buffer with the headers replaced by one marker header,
 * `x-warren-headers-dropped: <why>`. Body and other properties are untouched; the worker then dead-letters the message
 * as `undecodable`. Relies on amqplib 2.x connection internals (recvFrame, rest), like straggler-frame-guard.ts.
 */
import type { ChannelModel } from 'amqplib';
import { WARREN_HEADERS } from '@warren/core';
import { MAX_HEADER_DEPTH, contentHeaderProblem, withHeadersReplaced } from './content-header-screen.js';

const FRAME_HEADER = 2;
const FRAME_END = 0xce;
/** type (1) + channel (2) + size (4) before the payload. */
const FRAME_PREFIX_BYTES = 7;

interface AmqplibConnection {
  /** Bytes read from the socket and not yet taken as frames. */
  rest: Buffer;
  /** Takes the next frame off `rest` (reading the socket when it holds no whole frame) and decodes it, or returns false. */
  recvFrame: () => unknown;
}

export interface DeepHeaderGuardOptions {
  /** Nesting levels allowed; default MAX_HEADER_DEPTH. */
  readonly maxDepth?: number;
  /** Called for every frame whose headers were replaced, for a log line. */
  readonly onReplaced?: (event: { readonly channel: number; readonly problem: string }) => void;
}

/** Installs the guard on a freshly opened connection; returns false when amqplib's internals are not as expected. */
export function guardAgainstDeepHeaders(model: ChannelModel, options: DeepHeaderGuardOptions = {}): boolean {
  const connection = (model as unknown as { connection?: AmqplibConnection }).connection;
  if (typeof connection?.recvFrame !== 'function' || !Buffer.isBuffer(connection.rest)) return false;
  const { recvFrame } = connection;
  // amqplib's recvFrame calls this.recvFrame() again after reading more from the socket, so every frame is at the head
  // of `rest`, whole, in some call of this wrapper before it is decoded.
  connection.recvFrame = function guardedRecvFrame(this: AmqplibConnection) {
    screenNextFrame(this, options);
    return recvFrame.call(this);
  };
  return true;
}

/** Rewrites the frame at the head of `connection.rest` if it is a whole content header whose headers amqplib must not decode. */
export function screenNextFrame(connection: AmqplibConnection, options: DeepHeaderGuardOptions = {}): void {
  const rest = connection.rest;
  if (rest.length < FRAME_PREFIX_BYTES || rest[0] !== FRAME_HEADER) return;
  const size = rest.readUInt32BE(3);
  const total = FRAME_PREFIX_BYTES + size + 1;
  if (rest.length < total || rest[total - 1] !== FRAME_END) return; // not whole yet (or not a frame: amqplib says so)
  const payload = rest.subarray(FRAME_PREFIX_BYTES, FRAME_PREFIX_BYTES + size);
  const problem = contentHeaderProblem(payload, options.maxDepth ?? MAX_HEADER_DEPTH);
  if (problem === undefined) return;
  const channel = rest.readUInt16BE(1);
  const replaced = withHeadersReplaced(payload, { [WARREN_HEADERS.headersDropped]: problem });
  const prefix = Buffer.alloc(FRAME_PREFIX_BYTES);
  prefix.writeUInt8(FRAME_HEADER, 0);
  prefix.writeUInt16BE(channel, 1);
  prefix.writeUInt32BE(replaced.length, 3);
  connection.rest = Buffer.concat([prefix, replaced, Buffer.from([FRAME_END]), rest.subarray(total)]);
  options.onReplaced?.({ channel, problem });
}
