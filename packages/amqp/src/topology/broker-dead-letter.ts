/*
 * Dead letters the broker itself put in Q.dlq (through Q's x-dead-letter-* arguments): a quorum queue's delivery limit,
 * a TTL or a length limit. RabbitMQ records each death in the `x-death` header, a list of tables, most recent first;
 * Warren's own dead-letter copies never carry such a list (they keep an earlier x-death as text), so a list means the
 * broker moved the message last. Such dead letters are shown as `broker:<x-death reason>`. Pure; reads, never publishes.
 */
import { WARREN_HEADERS, type WireMessage } from '@warren/core';

/** The most recent death RabbitMQ recorded for a message. */
export interface BrokerDeath {
  /** `delivery_limit`, `expired`, `maxlen` or `rejected`. */
  readonly reason: string;
  /** The queue the message was dead-lettered from. */
  readonly queue: string;
  /** How often it died this way from that queue. */
  readonly count: number;
  /** When, in epoch ms, if the broker said. */
  readonly atMs: number | undefined;
}

/** The prefix of `x-warren-dead-reason` for what the broker dead-lettered. */
export const BROKER_REASON_PREFIX = 'broker:';

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
}

/** AMQP timestamps are seconds; amqplib decodes them as `{ '!': 'timestamp', value }`. */
function timestampMs(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  const seconds = isTable(value) && value['!'] === 'timestamp' ? value.value : value;
  // Up to the end of year 9999, like every date Warren reads.
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 && seconds < 253_402_300_800 ? seconds * 1000 : undefined;
}

/** The latest death in `x-death` when it is the broker's list; undefined for anything else (absent, text, malformed). */
export function latestBrokerDeath(headers: Readonly<Record<string, unknown>> | undefined): BrokerDeath | undefined {
  const deaths = headers?.['x-death'];
  if (!Array.isArray(deaths) || !isTable(deaths[0])) return undefined;
  const latest = deaths[0];
  const reason = text(latest.reason);
  if (reason === undefined || reason === '') return undefined;
  const count = typeof latest.count === 'number' && Number.isFinite(latest.count) ? latest.count : 1;
  return { reason, queue: text(latest.queue) ?? '(unknown queue)', count, atMs: timestampMs(latest.time) };
}

/**
 * The dead letter as `warren dlq list` shows it: when the broker dead-lettered it, `x-warren-dead-reason` becomes
 * `broker:<reason>` and `x-warren-error` / `x-warren-failed-at` say from where and when. Anything else is returned as is.
 */
export function withBrokerDeadReason(message: WireMessage): WireMessage {
  const death = latestBrokerDeath(message.properties.headers);
  if (!death) return message;
  const headers = { ...message.properties.headers };
  headers[WARREN_HEADERS.deadReason] = `${BROKER_REASON_PREFIX}${death.reason}`;
  headers[WARREN_HEADERS.error] = `RabbitMQ dead-lettered it from "${death.queue}": ${death.reason} (x-death count ${death.count})`;
  if (death.atMs !== undefined) headers[WARREN_HEADERS.failedAt] = new Date(death.atMs).toISOString();
  return { body: message.body, properties: { ...message.properties, headers } };
}
