/*
 * Warren's wire format (DESIGN.md "Wire format") written and read with plain amqplib, for the
 * "amqplib (same wire format)" baseline: the publish options Warren's amqp driver sends and the reads
 * Warren's decoder makes. Literal names on purpose: importing @warren/core would load the framework.
 */
import type { ConsumeMessage, Options } from 'amqplib';
import { randomUUID } from 'node:crypto';

/** The job name (`type`) the bench's no-op job is registered under. */
export const BENCH_JOB_TYPE = 'bench.noop';

/** What Warren's decoder takes from a delivery before it runs the handler. */
export interface SameWireDecoded {
  readonly id: string;
  readonly type: string;
  readonly attempt: number;
  readonly enqueuedAtMs: number;
  readonly payload: unknown;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Publish options field for field as encodeJob + toPublishOptions build a first attempt (no priority): the light
 * shape of issue #13 (no content_encoding, no x-warren-* headers; Warren's id is a UUIDv7 of the same length).
 */
export function sameWirePublishOptions(nowMs = Date.now()): Options.Publish {
  return {
    persistent: true,
    mandatory: true,
    messageId: randomUUID(),
    type: BENCH_JOB_TYPE,
    timestamp: Math.floor(nowMs / 1000),
    contentType: 'application/json',
    headers: {},
  };
}

/** The reads Warren's decoder makes (encoding check, id, type, attempt, enqueued-at, UTF-8 JSON body); throws when undecodable. */
export function decodeSameWire(message: ConsumeMessage): SameWireDecoded {
  const { properties } = message;
  const encoding = properties.contentEncoding as string | undefined;
  if (encoding !== undefined && encoding.toLowerCase() !== 'utf-8') throw new Error(`unsupported content encoding ${encoding}`);
  const headers = (properties.headers ?? {}) as Record<string, unknown>;
  const attempt = typeof headers['x-warren-attempt'] === 'number' ? headers['x-warren-attempt'] : 1;
  const enqueuedAt = typeof headers['x-warren-enqueued-at'] === 'string' ? Date.parse(headers['x-warren-enqueued-at']) : Number.NaN;
  return {
    id: typeof properties.messageId === 'string' ? properties.messageId : randomUUID(),
    type: typeof properties.type === 'string' ? properties.type : '',
    attempt,
    enqueuedAtMs: Number.isNaN(enqueuedAt) ? (properties.timestamp as number) * 1000 : enqueuedAt,
    payload: JSON.parse(utf8.decode(message.content)),
  };
}
