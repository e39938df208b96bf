/*
 * decodeDelivery: a received message → a job ready to run, or the dead-letter reason why it cannot
 * run (undecodable, unknown-job, invalid-payload). Fills what foreign producers leave out, per
 * docs/wire-format.md; a Warren field of the wrong type or out of range counts as absent and is
 * listed in `malformed` (the worker warns). Never throws on what a producer sent. Does not settle the delivery.
 */
import { randomUUID } from 'node:crypto';
import type { Delivery } from '../driver/driver.js';
import type { DeadLetterReason } from '../driver/wire-message.js';
import { WarrenError } from '../errors/warren-error.js';
import type { JobDefinition } from '../job/job-definition.js';
import type { JobRegistry } from '../job/job-registry.js';
import { validatePayloadNow, type PayloadValidation } from './validate-payload.js';
import { enqueuedAtMsOf, readReceivedFields } from './received-fields.js';
import { WARREN_HEADERS } from '../driver/wire-message.js';

/** A delivery decoded into a runnable job. */
export interface DecodedJob {
  /** `message_id`, or a fresh UUID when the producer sent none (kept on retry copies). */
  readonly id: string;
  readonly name: string;
  readonly definition: JobDefinition;
  /** The parsed body, after the schema's transforms when the job has a schema. */
  readonly payload: unknown;
  /** 1-based; 1 when the header is missing or malformed. */
  readonly attempt: number;
  readonly enqueuedAt: Date;
  readonly headers: Readonly<Record<string, unknown>>;
  /** Wire names of Warren fields that were malformed and so treated as absent (usually empty). */
  readonly malformed: readonly string[];
}

/** What is known of a message that cannot run, for events and its dead-letter copy. */
export interface RejectedDelivery {
  readonly reason: DeadLetterReason;
  readonly error: WarrenError;
  readonly id: string;
  readonly name: string | undefined;
  readonly attempt: number;
  readonly enqueuedAt: Date;
  /** As in DecodedJob. */
  readonly malformed: readonly string[];
}

/** A decoded job, or the reason the message cannot run. */
export type DecodeResult = { readonly isDecoded: true; readonly job: DecodedJob } | { readonly isDecoded: false; readonly rejected: RejectedDelivery };

const UTF8_LABELS = new Set(['utf-8', 'utf8']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseBody(body: Buffer, encoding: string | undefined): { isParsed: true; value: unknown } | { isParsed: false; message: string } {
  if (encoding !== undefined && !UTF8_LABELS.has(encoding.toLowerCase())) {
    return { isParsed: false, message: `content encoding "${encoding}" is not supported (expected utf-8)` };
  }
  try {
    return { isParsed: true, value: JSON.parse(utf8.decode(body)) };
  } catch (error) {
    return { isParsed: false, message: `the body is not UTF-8 JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Decodes a delivery. `receivedAtMs` is the enqueue time used when neither `x-warren-enqueued-at`
 * nor the `timestamp` property is present (see enqueuedAtMsOf).
 */
export async function decodeDelivery(
  delivery: Pick<Delivery, 'body' | 'properties' | 'maxBodyBytes'>,
  registry: JobRegistry,
  receivedAtMs?: number,
): Promise<DecodeResult> {
  return decodeDeliveryNow(delivery, registry, receivedAtMs);
}

/** Like decodeDelivery, but synchronous unless the job's schema validates asynchronously (the worker's hot path). */
export function decodeDeliveryNow(
  delivery: Pick<Delivery, 'body' | 'properties' | 'maxBodyBytes'>,
  registry: JobRegistry,
  receivedAtMs?: number,
): DecodeResult | Promise<DecodeResult> {
  const fields = readReceivedFields(delivery.properties);
  const { headers, malformed } = fields;
  const id = fields.messageId ?? randomUUID();
  const name = fields.type;
  const attempt = fields.attempt ?? 1;
  const enqueuedAt = new Date(enqueuedAtMsOf(fields) ?? receivedAtMs ?? Date.now());
  if (delivery.maxBodyBytes !== undefined && delivery.body.length > delivery.maxBodyBytes) {
    const error = new WarrenError('WARREN_ERR_JOB_TOO_LARGE', `message ${id} has a ${delivery.body.length}-byte body, above the ${delivery.maxBodyBytes}-byte limit; it was not parsed`, {
      details: { id, job: name, sizeBytes: delivery.body.length, maxBytes: delivery.maxBodyBytes },
    });
    return { isDecoded: false, rejected: { reason: 'too-large', error, id, name, attempt, enqueuedAt, malformed } };
  }
  const droppedHeaders = headers[WARREN_HEADERS.headersDropped];
  const body: ReturnType<typeof parseBody> = typeof droppedHeaders === 'string'
    ? { isParsed: false, message: `its headers could not be decoded and were dropped: ${droppedHeaders}` }
    : parseBody(delivery.body, fields.contentEncoding);
  if (!body.isParsed) {
    const error = new WarrenError('WARREN_ERR_JOB_UNDECODABLE', `message ${id}: ${body.message}`, { details: { id, job: name } });
    return { isDecoded: false, rejected: { reason: 'undecodable', error, id, name, attempt, enqueuedAt, malformed } };
  }
  const definition = name === undefined ? undefined : registry.find(name);
  if (!definition) {
    const what = name === undefined ? 'has no `type` property (the job name)' : `names job "${name}", which is not registered`;
    const error = new WarrenError('WARREN_ERR_JOB_NOT_FOUND', `message ${id} ${what}`, { details: { id, job: name } });
    return { isDecoded: false, rejected: { reason: 'unknown-job', error, id, name, attempt, enqueuedAt, malformed } };
  }
  if (definition.schema === undefined) {
    return { isDecoded: true, job: { id, name: definition.name, definition, payload: body.value, attempt, enqueuedAt, headers, malformed } };
  }
  const decodedOf = (validation: PayloadValidation): DecodeResult => {
    if (!validation.isValid) {
      const error = new WarrenError('WARREN_ERR_JOB_PAYLOAD_INVALID', `payload of job "${definition.name}" (message ${id}) is invalid: ${validation.message}`, {
        details: { id, job: definition.name },
      });
      return { isDecoded: false, rejected: { reason: 'invalid-payload', error, id, name, attempt, enqueuedAt, malformed } };
    }
    return { isDecoded: true, job: { id, name: definition.name, definition, payload: validation.value, attempt, enqueuedAt, headers, malformed } };
  };
  const validation = validatePayloadNow(definition.schema, body.value);
  return validation instanceof Promise ? validation.then(decodedOf) : decodedOf(validation);
}
