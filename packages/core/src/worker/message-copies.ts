/*
 * The copies the worker hands back to the driver: a retry copy (same body, id and enqueued-at, next
 * attempt) and a dead-letter copy (same body byte for byte, plus error, time and reason headers).
 * Pure; does not publish.
 */
import { randomUUID } from 'node:crypto';
import type { Delivery } from '../driver/driver.js';
import {
  CONTENT_ENCODING_UTF8, CONTENT_TYPE_JSON, WARREN_HEADERS, type DeadLetterReason, type HeaderValue, type WireMessage, type WireProperties,
} from '../driver/wire-message.js';
import { redactSecrets } from '../util/redact.js';
import { toHeaderValues } from './wire-headers.js';

/** Longest `x-warren-error` value; brokers and UIs choke on huge headers, and a stack adds little. */
export const MAX_ERROR_HEADER_LENGTH = 1024;

/** Identity a copy must keep (a DecodedJob or RejectedDelivery fits). */
export interface CopyIdentity {
  readonly id: string;
  readonly attempt: number;
  readonly enqueuedAt: Date;
}

type Received = Pick<Delivery, 'body' | 'properties'>;

/** One line for `x-warren-error`: `Name: message`, secrets redacted, at most MAX_ERROR_HEADER_LENGTH chars. */
export function formatErrorHeader(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const redacted = redactSecrets(text);
  return redacted.length <= MAX_ERROR_HEADER_LENGTH ? redacted : `${redacted.slice(0, MAX_ERROR_HEADER_LENGTH - 1)}…`;
}

function copyProperties(received: Received, identity: CopyIdentity, headers: Record<string, HeaderValue>): WireProperties {
  const { properties } = received;
  return {
    messageId: identity.id,
    type: properties.type ?? '',
    timestampMs: properties.timestampMs ?? identity.enqueuedAt.getTime(),
    contentType: properties.contentType ?? CONTENT_TYPE_JSON,
    contentEncoding: properties.contentEncoding ?? CONTENT_ENCODING_UTF8,
    ...(properties.priority === undefined ? {} : { priority: properties.priority }),
    headers,
  };
}

/** The message for the next attempt: body, id and enqueued-at unchanged, `x-warren-attempt` + 1. */
export function createRetryCopy(received: Received, identity: CopyIdentity): WireMessage {
  const headers = toHeaderValues(received.properties.headers);
  headers[WARREN_HEADERS.attempt] = identity.attempt + 1;
  headers[WARREN_HEADERS.enqueuedAt] = identity.enqueuedAt.toISOString();
  return { body: Buffer.from(received.body), properties: copyProperties(received, identity, headers) };
}

/** Why and when a message was dead-lettered, for its dead-letter headers. */
export interface DeadLetterInfo {
  readonly reason: DeadLetterReason;
  readonly error: unknown;
  readonly failedAtMs: number;
}

/** The dead-letter copy: the original body byte for byte plus `x-warren-error`, `-failed-at`, `-dead-reason`. */
export function createDeadLetterCopy(received: Received, identity: CopyIdentity | undefined, info: DeadLetterInfo): WireMessage {
  const headers = toHeaderValues(received.properties.headers);
  const resolved: CopyIdentity = identity ?? {
    id: received.properties.messageId || randomUUID(),
    attempt: 1,
    enqueuedAt: new Date(received.properties.timestampMs ?? info.failedAtMs),
  };
  headers[WARREN_HEADERS.attempt] = resolved.attempt;
  headers[WARREN_HEADERS.enqueuedAt] = resolved.enqueuedAt.toISOString();
  headers[WARREN_HEADERS.error] = formatErrorHeader(info.error);
  headers[WARREN_HEADERS.failedAt] = new Date(info.failedAtMs).toISOString();
  headers[WARREN_HEADERS.deadReason] = info.reason;
  return { body: Buffer.from(received.body), properties: copyProperties(received, resolved, headers) };
}
