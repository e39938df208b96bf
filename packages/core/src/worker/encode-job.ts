/*
 * encodeJob: a payload plus its job → the WireMessage of docs/wire-format.md, ready for
 * `driver.publish`. This is what dispatch calls. First attempts go out in the light shape
 * (docs/wire-format.md): no `x-warren-attempt` (attempt 1 is the default), no `content_encoding`, and
 * no `x-warren-enqueued-at` when the generated UUIDv7 `message_id` carries the enqueue millisecond.
 * Does not validate the payload against the job's schema (see validate-payload.ts) and does not publish.
 */
import { randomUUID } from 'node:crypto';
import { CONTENT_TYPE_JSON, WARREN_HEADERS, type HeaderValue, type WireMessage, type WireProperties } from '../driver/wire-message.js';
import { WarrenError } from '../errors/warren-error.js';
import { canCarryInUuidV7, uuidV7 } from '../util/uuid-v7.js';

/** The parts of a job that shape its message (a JobDefinition fits). */
export interface EncodableJob {
  readonly name: string;
  /** Default priority when the dispatch gives none. */
  readonly priority?: number | undefined;
}

/** Per-dispatch parts of the message `encodeJob` builds. */
export interface EncodeJobOptions {
  /** Job id (`message_id`); default a fresh UUIDv7 carrying the enqueue time. */
  readonly id?: string | undefined;
  /** Overrides the job's default priority. */
  readonly priority?: number | undefined;
  /** User headers; Warren's own `x-warren-attempt` / `x-warren-enqueued-at` always win over them (or are removed). */
  readonly headers?: Readonly<Record<string, HeaderValue>> | undefined;
  /** W3C trace context to propagate, if any. */
  readonly traceparent?: string;
  /** The enqueue time in epoch ms; default now. */
  readonly nowMs?: number;
}

/** The last ISO string formatted, by its epoch ms: dispatches in the same second reuse its date part. */
let lastIsoMs = Number.NaN;
let lastIso = '';

/** `new Date(ms).toISOString()`, reusing the previous call's date part within the same second (~0.5 µs saved). */
export function isoStringOf(ms: number): string {
  if (ms !== lastIsoMs) {
    const isSameSecond = ms >= 0 && lastIsoMs >= 0 && Math.floor(ms / 1000) === Math.floor(lastIsoMs / 1000) && Number.isInteger(ms);
    // toISOString always ends in ".sssZ"; within one second only those digits change.
    lastIso = isSameSecond ? `${lastIso.slice(0, -4)}${String(ms % 1000).padStart(3, '0')}Z` : new Date(ms).toISOString();
    lastIsoMs = ms;
  }
  return lastIso;
}

/** Builds the message for attempt 1 of `job` with `payload` as its JSON body. Throws WARREN_ERR_JOB_PAYLOAD_INVALID. */
export function encodeJob(job: EncodableJob, payload: unknown, options: EncodeJobOptions = {}): WireMessage {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    throw new WarrenError('WARREN_ERR_JOB_PAYLOAD_INVALID', `the payload of job "${job.name}" cannot be serialized to JSON`, {
      cause: error,
      details: { job: job.name },
    });
  }
  const nowMs = options.nowMs ?? Date.now();
  const priority = options.priority ?? job.priority;
  const headers: Record<string, HeaderValue> = options.headers === undefined ? {} : withoutWarrenHeaders(options.headers);
  if (options.traceparent !== undefined) headers[WARREN_HEADERS.traceparent] = options.traceparent;
  let messageId = options.id;
  if (messageId === undefined && canCarryInUuidV7(nowMs)) {
    messageId = uuidV7(nowMs);
  } else {
    // A chosen id (or a time a v7 id cannot carry) says nothing about the enqueue time: the header keeps its millisecond.
    messageId ??= randomUUID();
    headers[WARREN_HEADERS.enqueuedAt] = isoStringOf(nowMs);
  }
  // JSON.stringify(undefined) is undefined; an absent payload travels as JSON null.
  const body = Buffer.from(json ?? 'null', 'utf8');
  // Two literal shapes instead of spreading a conditional object: same keys in the same order.
  const properties: WireProperties = priority === undefined
    ? { messageId, type: job.name, timestampMs: nowMs, contentType: CONTENT_TYPE_JSON, headers }
    : { messageId, type: job.name, timestampMs: nowMs, contentType: CONTENT_TYPE_JSON, priority, headers };
  return { body, properties };
}

/** A copy of user headers without the attempt and enqueued-at headers, which only Warren writes. */
function withoutWarrenHeaders(headers: Readonly<Record<string, HeaderValue>>): Record<string, HeaderValue> {
  const copy = { ...headers };
  if (WARREN_HEADERS.attempt in copy) delete copy[WARREN_HEADERS.attempt];
  if (WARREN_HEADERS.enqueuedAt in copy) delete copy[WARREN_HEADERS.enqueuedAt];
  return copy;
}
