/*
 * The copies the worker hands back to the driver: a retry copy (same body, id and enqueued-at, next
 * attempt) and a dead-letter copy (same body byte for byte, plus error, time and reason headers).
 * Properties are rebuilt from readReceivedFields, so a malformed one is dropped, never copied into a
 * publish that would fail; nothing here throws on what a producer sent. Pure; does not publish.
 */
import { randomUUID } from 'node:crypto';
import type { Delivery } from '../driver/driver.js';
import {
  CONTENT_TYPE_JSON, WARREN_HEADERS, type DeadLetterReason, type HeaderValue, type WireMessage, type WireProperties,
} from '../driver/wire-message.js';
import { WarrenError } from '../errors/warren-error.js';
import { redactSecrets } from '../util/redact.js';
import { enqueuedAtMsOf, readReceivedFields, type ReceivedFields } from './received-fields.js';
import { isWireDateMs, safeText, toHeaderValues } from './wire-headers.js';

/** Longest `x-warren-error` value; brokers and UIs choke on huge headers, and a stack adds little. */
export const MAX_ERROR_HEADER_LENGTH = 1024;

/** Identity a copy must keep (a DecodedJob or RejectedDelivery fits). */
export interface CopyIdentity {
  readonly id: string;
  readonly attempt: number;
  readonly enqueuedAt: Date;
}

type Received = Pick<Delivery, 'body' | 'properties'>;

/**
 * One line for `x-warren-error`: `Name: message` (`CODE: message` for a plain WarrenError), secrets redacted
 * before it is cut to at most MAX_ERROR_HEADER_LENGTH chars. Never throws.
 */
export function formatErrorHeader(error: unknown): string {
  let text: string;
  try {
    const name = error instanceof WarrenError && error.name === 'WarrenError' ? error.code : error instanceof Error ? error.name : undefined;
    text = name === undefined ? safeText(error) : `${name}: ${safeText(error instanceof Error ? error.message : error)}`;
  } catch {
    text = safeText(error);
  }
  const redacted = redactSecrets(text);
  return redacted.length <= MAX_ERROR_HEADER_LENGTH ? redacted : `${redacted.slice(0, MAX_ERROR_HEADER_LENGTH - 1)}…`;
}

/** Epoch ms of `date` when it is a valid wire date, else `fallbackMs` (a copy never throws on a bad date). */
function dateMsOr(date: Date, fallbackMs: number): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  return isWireDateMs(ms) ? ms : fallbackMs;
}

function copyProperties(fields: ReceivedFields, id: string, enqueuedAtMs: number, headers: Record<string, HeaderValue>): WireProperties {
  return {
    messageId: id,
    type: fields.type ?? '',
    timestampMs: fields.timestampMs ?? enqueuedAtMs,
    contentType: fields.contentType ?? CONTENT_TYPE_JSON,
    // Absent means utf-8; an encoding the message had is copied as it was.
    ...(fields.contentEncoding === undefined ? {} : { contentEncoding: fields.contentEncoding }),
    ...(fields.priority === undefined ? {} : { priority: fields.priority }),
    headers,
  };
}

/** The message for the next attempt: body, id and enqueued-at unchanged, `x-warren-attempt` + 1. */
export function createRetryCopy(received: Received, identity: CopyIdentity): WireMessage {
  const fields = readReceivedFields(received.properties);
  const headers = toHeaderValues(fields.headers);
  const enqueuedAtMs = dateMsOr(identity.enqueuedAt, Date.now());
  headers[WARREN_HEADERS.attempt] = identity.attempt + 1;
  headers[WARREN_HEADERS.enqueuedAt] = new Date(enqueuedAtMs).toISOString();
  return { body: Buffer.from(received.body), properties: copyProperties(fields, identity.id, enqueuedAtMs, headers) };
}

/** Why and when a message was dead-lettered, for its dead-letter headers. */
export interface DeadLetterInfo {
  readonly reason: DeadLetterReason;
  readonly error: unknown;
  readonly failedAtMs: number;
}

/** The dead-letter copy: the original body byte for byte plus `x-warren-error`, `-failed-at`, `-dead-reason`. */
export function createDeadLetterCopy(received: Received, identity: CopyIdentity | undefined, info: DeadLetterInfo): WireMessage {
  const fields = readReceivedFields(received.properties);
  const headers = toHeaderValues(fields.headers);
  const failedAtMs = isWireDateMs(info.failedAtMs) ? info.failedAtMs : Date.now();
  const id = identity?.id ?? fields.messageId ?? randomUUID();
  const enqueuedAtMs = identity ? dateMsOr(identity.enqueuedAt, failedAtMs) : enqueuedAtMsOf(fields) ?? failedAtMs;
  headers[WARREN_HEADERS.attempt] = identity?.attempt ?? fields.attempt ?? 1;
  headers[WARREN_HEADERS.enqueuedAt] = new Date(enqueuedAtMs).toISOString();
  headers[WARREN_HEADERS.error] = formatErrorHeader(info.error);
  headers[WARREN_HEADERS.failedAt] = new Date(failedAtMs).toISOString();
  headers[WARREN_HEADERS.deadReason] = info.reason;
  return { body: Buffer.from(received.body), properties: copyProperties(fields, id, enqueuedAtMs, headers) };
}
