/*
 * readReceivedFields: the Warren properties and headers of a received message, each either well typed
 * and in range or absent, plus the wire names of those that were present but malformed (for one warning).
 * What a producer sent is never trusted: this is the one place the decoder and the copy builders read it.
 * Pure; never throws. Does not fill defaults (decode-delivery.ts and message-copies.ts do).
 */
import { WARREN_HEADERS, type ReceivedProperties } from '../driver/wire-message.js';
import { uuidV7Ms } from '../util/uuid-v7.js';
import { isWireDateMs, parseAttemptHeader, parseDateHeaderMs } from './wire-headers.js';

/** The fields Warren reads from a received message, each valid or undefined. */
export interface ReceivedFields {
  readonly messageId: string | undefined;
  readonly type: string | undefined;
  readonly timestampMs: number | undefined;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  /** An integer 0..255 (AMQP's octet). */
  readonly priority: number | undefined;
  /** `x-warren-attempt`: a positive safe integer. */
  readonly attempt: number | undefined;
  /** `x-warren-enqueued-at` in epoch ms, within wire range. */
  readonly enqueuedAtMs: number | undefined;
  /** The headers object as received (an empty one when the transport gave something else). */
  readonly headers: Readonly<Record<string, unknown>>;
  /** Wire names of fields that were present but of the wrong type or out of range; they count as absent. */
  readonly malformed: readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);
const EMPTY_HEADERS: Readonly<Record<string, unknown>> = Object.freeze({});

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** A non-empty string, else undefined (an empty one counts as absent, not malformed). */
function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function priorityOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255 ? value : undefined;
}

type Raw = Record<string, unknown>;
type Fields = Omit<ReceivedFields, 'malformed'>;

/** Wire name, where the raw value is, and which parsed field it became. */
const CHECKED: ReadonlyArray<readonly [string, (raw: Raw, headers: Raw) => unknown, keyof Fields]> = [
  ['message_id', (raw) => raw['messageId'], 'messageId'],
  ['type', (raw) => raw['type'], 'type'],
  ['timestamp', (raw) => raw['timestampMs'], 'timestampMs'],
  ['content_type', (raw) => raw['contentType'], 'contentType'],
  ['content_encoding', (raw) => raw['contentEncoding'], 'contentEncoding'],
  ['priority', (raw) => raw['priority'], 'priority'],
  [WARREN_HEADERS.attempt, (_raw, headers) => headers[WARREN_HEADERS.attempt], 'attempt'],
  [WARREN_HEADERS.enqueuedAt, (_raw, headers) => headers[WARREN_HEADERS.enqueuedAt], 'enqueuedAtMs'],
];

type Checked = (typeof CHECKED)[number];

/** Present (not undefined, null or '') but not turned into its field: malformed. */
function isMalformed([, read, key]: Checked, raw: Raw, headers: Raw, fields: Fields): boolean {
  if (fields[key] !== undefined) return false;
  const value = read(raw, headers);
  return !isAbsent(value) && value !== '';
}

/** Reads and checks every Warren field of `properties` (which may hold anything a transport or a test put there). */
export function readReceivedFields(properties: ReceivedProperties | undefined): ReceivedFields {
  const raw = (typeof properties === 'object' && properties !== null ? properties : {}) as Raw;
  const headers = typeof raw['headers'] === 'object' && raw['headers'] !== null ? (raw['headers'] as Raw) : EMPTY_HEADERS;
  const timestampMs = raw['timestampMs'];
  const fields: { -readonly [K in keyof ReceivedFields]: ReceivedFields[K] } = {
    messageId: textOf(raw['messageId']),
    type: textOf(raw['type']),
    timestampMs: isWireDateMs(timestampMs) ? timestampMs : undefined,
    contentType: textOf(raw['contentType']),
    contentEncoding: textOf(raw['contentEncoding']),
    priority: priorityOf(raw['priority']),
    attempt: parseAttemptHeader(headers[WARREN_HEADERS.attempt]),
    enqueuedAtMs: parseDateHeaderMs(headers[WARREN_HEADERS.enqueuedAt]),
    headers,
    malformed: NONE,
  };
  // The common case (every field valid or absent) costs one check per field and no extra allocation (a loop, not
  // `some` with a closure made per message).
  for (const entry of CHECKED) {
    if (!isMalformed(entry, raw, headers, fields)) continue;
    fields.malformed = CHECKED.filter((checked) => isMalformed(checked, raw, headers, fields)).map(([name]) => name);
    break;
  }
  return fields;
}

/**
 * The first attempt's enqueue time in epoch ms: `x-warren-enqueued-at`; else, when `message_id` is a UUIDv7 whose
 * millisecond falls within the `timestamp` second (how Warren writes first attempts), that millisecond; else the
 * `timestamp`; else undefined (the caller falls back to the time of receipt).
 */
export function enqueuedAtMsOf(fields: ReceivedFields): number | undefined {
  if (fields.enqueuedAtMs !== undefined) return fields.enqueuedAtMs;
  const { timestampMs, messageId } = fields;
  if (timestampMs === undefined) return undefined;
  const idMs = messageId === undefined ? undefined : uuidV7Ms(messageId);
  return idMs !== undefined && Math.floor(idMs / 1000) === Math.floor(timestampMs / 1000) ? idMs : timestampMs;
}
