/*
 * The wire format of docs/wire-format.md as types and header names: what core hands a driver to publish and
 * what a driver hands back on delivery. Drivers map these onto their transport (AMQP properties);
 * nothing here encodes or decodes payloads (see worker/ for that).
 */

/** Header names of the wire format. Stable: foreign producers and consumers rely on them. */
export const WARREN_HEADERS = {
  attempt: 'x-warren-attempt',
  enqueuedAt: 'x-warren-enqueued-at',
  traceparent: 'traceparent',
  error: 'x-warren-error',
  failedAt: 'x-warren-failed-at',
  deadReason: 'x-warren-dead-reason',
  /**
   * Set by a driver in place of headers it could not safely decode (e.g. nested thousands of levels deep), with why;
   * the worker dead-letters such a message as `undecodable`. Its body and other properties are intact.
   */
  headersDropped: 'x-warren-headers-dropped',
  /** On a job dispatched by a schedule: the schedule's job name. */
  schedule: 'x-warren-schedule',
  /** On a job dispatched by a schedule: the tick it was dispatched for, ISO 8601 (the job id is `<job>@<tick>`). */
  tick: 'x-warren-tick',
} as const;

/** Every `x-warren-dead-reason` Warren writes (docs/wire-format.md lists the same, with when each applies). */
export const DEAD_LETTER_REASONS = [
  'attempts-exhausted',
  'unrecoverable',
  'undecodable',
  'unknown-job',
  'invalid-payload',
  'timeout',
  // An unexpected exception in Warren's own handling of the delivery (WARREN_ERR_WORKER_INTERNAL).
  'internal-error',
  // The body is larger than the transport's limit (amqp.max_payload); it was not parsed.
  'too-large',
] as const;

/** Why a message was dead-lettered (`x-warren-dead-reason`). */
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** `content_type` of every Warren message body. */
export const CONTENT_TYPE_JSON = 'application/json';
/** The body's encoding, always; Warren no longer sends it on new messages (absent means utf-8), but reads and copies it. */
export const CONTENT_ENCODING_UTF8 = 'utf-8';

/** A header value as Warren writes it (transports map these onto their own types). */
export type HeaderValue = string | number | boolean | null | undefined;

/** AMQP-style message properties, transport-neutral. `timestamp` is epoch milliseconds here. */
export interface WireProperties {
  messageId: string;
  /** The job name. */
  type: string;
  timestampMs: number;
  contentType: string;
  /** Absent on the messages Warren writes (the body is always UTF-8); kept on copies of messages that had one. */
  contentEncoding?: string;
  priority?: number;
  headers: Record<string, HeaderValue>;
}

/** A message to publish: the exact body bytes plus properties. */
export interface WireMessage {
  readonly body: Buffer;
  readonly properties: WireProperties;
}

/** What a foreign producer may have left out: everything but the body (and usually `type`). */
export type ReceivedProperties = Partial<Omit<WireProperties, 'headers'>> & { headers: Record<string, unknown> };
