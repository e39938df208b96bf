/*
 * encodeJob: a payload plus its job → the WireMessage of DESIGN.md "Wire format", ready for
 * `driver.publish`. This is what dispatch calls. Does not validate the payload against the job's
 * schema (see validate-payload.ts) and does not publish.
 */
import { randomUUID } from 'node:crypto';
import {
  CONTENT_ENCODING_UTF8, CONTENT_TYPE_JSON, WARREN_HEADERS, type HeaderValue, type WireMessage,
} from '../driver/wire-message.js';
import { WarrenError } from '../errors/warren-error.js';

/** The parts of a job that shape its message (a JobDefinition fits). */
export interface EncodableJob {
  readonly name: string;
  /** Default priority when the dispatch gives none. */
  readonly priority?: number | undefined;
}

/** Per-dispatch parts of the message `encodeJob` builds. */
export interface EncodeJobOptions {
  /** Job id (`message_id`); default a fresh UUID. */
  readonly id?: string;
  /** Overrides the job's default priority. */
  readonly priority?: number;
  /** User headers; Warren's own `x-warren-*` headers always win over them. */
  readonly headers?: Readonly<Record<string, HeaderValue>>;
  /** W3C trace context to propagate, if any. */
  readonly traceparent?: string;
  /** The enqueue time in epoch ms; default now. */
  readonly nowMs?: number;
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
  const headers: Record<string, HeaderValue> = { ...options.headers };
  if (options.traceparent !== undefined) headers[WARREN_HEADERS.traceparent] = options.traceparent;
  headers[WARREN_HEADERS.attempt] = 1;
  headers[WARREN_HEADERS.enqueuedAt] = new Date(nowMs).toISOString();
  return {
    // JSON.stringify(undefined) is undefined; an absent payload travels as JSON null.
    body: Buffer.from(json ?? 'null', 'utf8'),
    properties: {
      messageId: options.id ?? randomUUID(),
      type: job.name,
      timestampMs: nowMs,
      contentType: CONTENT_TYPE_JSON,
      contentEncoding: CONTENT_ENCODING_UTF8,
      ...(priority === undefined ? {} : { priority }),
      headers,
    },
  };
}
