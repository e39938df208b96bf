/*
 * The zod schemas of the `amqp:` config section and of an AMQP pipeline's `options`, the single source
 * of their defaults and docs. Durations accept ms numbers or "1s" strings and come out as `...Ms` fields.
 * Parse helpers let tests build a config without knowing zod. No I/O here.
 */
import os from 'node:os';
import { z } from 'zod';
import { tryParseDurationMs } from '@warren/core';

/** A duration (ms number or "500ms"/"1s"/"5m"/"1h" string) parsed to milliseconds. */
function duration(description: string) {
  return z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const ms = tryParseDurationMs(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${String(value)}" is not a duration: use milliseconds or a string like 500ms, 30s, 5m, 1h` });
        return z.NEVER;
      }
      return ms;
    })
    .describe(description);
}

const DEFAULT_SCHEDULE = ['100ms', '500ms', '1s', '1s', '2s', '2s', '5s', '15s', '25s'];

const redialSchema = z
  .object({
    schedule: z.array(duration('one redial delay')).min(1)
      .describe('Delays between redial attempts; the last one repeats. Starts fast (most outages are short restarts), then backs off.'),
    jitter: z.number().min(0).max(1).describe('Random spread applied to each delay, as a fraction (0.2 = ±20%).'),
    timeout: duration('How long the driver may stay disconnected before it gives up and the worker exits non-zero; 0 = redial forever.'),
    alert_after: z.number().int().min(1).describe('Consecutive failed redials after which an error-level alert is logged (event amqp.redial.threshold).'),
  })
  .strict()
  .partial()
  .transform((raw) => ({
    scheduleMs: raw.schedule ?? DEFAULT_SCHEDULE.map((step) => tryParseDurationMs(step) as number),
    jitter: raw.jitter ?? 0.2,
    timeoutMs: raw.timeout ?? 0,
    alertAfter: raw.alert_after ?? 10,
  }))
  .describe('How the driver redials after losing the broker.');

const breakerSchema = z
  .object({
    failure_threshold: z.number().int().min(1)
      .describe('Failed broker operations (connects, publishes) within a rolling 10s window that open the circuit breaker.'),
    reset_timeout: duration('How long the breaker stays open before it lets one trial operation through (half-open).'),
  })
  .strict()
  .partial()
  .transform((raw) => ({ failureThreshold: raw.failure_threshold ?? 50, resetTimeoutMs: raw.reset_timeout ?? 10_000 }))
  .describe('Circuit breaker around connecting and publishing.');

const outboxSchema = z
  .object({
    max_messages: z.number().int().min(0)
      .describe('Publishes buffered in memory while disconnected or while the breaker is open; beyond this, publishes fail fast.'),
  })
  .strict()
  .partial()
  .transform((raw) => ({ maxMessages: raw.max_messages ?? 10_000 }))
  .describe('The bounded in-memory outbox.');

/** Schema of the top-level `amqp:` section. */
export const amqpSectionSchema = z
  .object({
    urls: z.array(z.string().regex(/^amqps?:\/\//, 'must start with amqp:// or amqps://')).min(1)
      .describe('Broker URLs, tried in turn (several = cluster failover). Credentials are never logged.'),
    heartbeat: duration('AMQP heartbeat interval; a dead peer is detected after about two intervals (rounded to whole seconds, min 1s).'),
    redial: redialSchema.optional(),
    breaker: breakerSchema.optional(),
    outbox: outboxSchema.optional(),
    publish_timeout: duration('How long a publish may wait for the broker confirm once sent before it is rejected.'),
    connect_timeout: duration('How long one connection attempt (TCP + AMQP handshake) may take.'),
    watchdog_interval: duration('How often each consumed queue is checked to still have our consumer (re-subscribed if not).'),
    connection_name: z.string().min(1).describe('Connection name shown in the RabbitMQ management UI; default warren@<hostname>:<pid>.'),
  })
  .strict()
  .partial()
  .transform((raw) => ({
    urls: raw.urls ?? ['amqp://guest:guest@127.0.0.1:5672'],
    heartbeatMs: raw.heartbeat ?? 30_000,
    redial: raw.redial ?? redialSchema.parse({}),
    breaker: raw.breaker ?? breakerSchema.parse({}),
    outbox: raw.outbox ?? outboxSchema.parse({}),
    publishTimeoutMs: raw.publish_timeout ?? 10_000,
    connectTimeoutMs: raw.connect_timeout ?? 10_000,
    watchdogIntervalMs: raw.watchdog_interval ?? 5_000,
    connectionName: raw.connection_name ?? `warren@${os.hostname()}:${process.pid}`,
  }))
  .describe('RabbitMQ connection settings of the amqp driver.');

/** The parsed `amqp:` section; durations in milliseconds. */
export type AmqpSection = z.output<typeof amqpSectionSchema>;

/** Schema of an AMQP pipeline's `options`. Defaults that depend on the pipeline are resolved by `resolvePipelineOptions`. */
export const amqpPipelineOptionsSchema = z
  .object({
    queue: z.string().min(1).max(200).describe('Queue name; default: the pipeline name. Also names Q.dlq and Q.delay.<ms>.'),
    prefetch: z.number().int().min(1).max(65_535).describe('Unacked deliveries the broker may hand this process; default: the pipeline concurrency.'),
    queue_type: z.enum(['classic', 'quorum']).describe('RabbitMQ queue type of Q and Q.dlq; default classic. Changing it on an existing queue is a mismatch.'),
    max_priority: z.number().int().min(1).max(255).describe('Enables message priorities 0..max_priority on Q (classic queues only).'),
  })
  .strict()
  .partial()
  .transform((raw) => ({
    queue: raw.queue,
    prefetch: raw.prefetch,
    queueType: raw.queue_type ?? ('classic' as const),
    maxPriority: raw.max_priority,
  }))
  .describe('Options of a pipeline with driver: amqp.');

/** Parsed pipeline options, before pipeline defaults. */
export type AmqpPipelineOptions = z.output<typeof amqpPipelineOptionsSchema>;

/** A pipeline's options with every default resolved: what topology and consumers use. */
export interface ResolvedPipelineOptions {
  readonly pipeline: string;
  readonly queue: string;
  readonly prefetch: number;
  readonly queueType: 'classic' | 'quorum';
  readonly maxPriority: number | undefined;
}

/** Applies the defaults that depend on the pipeline: queue = pipeline name, prefetch = concurrency. */
export function resolvePipelineOptions(pipeline: string, concurrency: number, options: AmqpPipelineOptions): ResolvedPipelineOptions {
  return {
    pipeline,
    queue: options.queue ?? pipeline,
    prefetch: options.prefetch ?? Math.max(1, concurrency),
    queueType: options.queueType,
    maxPriority: options.maxPriority,
  };
}

/** Parses a raw `amqp:` section (as written in warren.yaml; undefined = all defaults). Throws zod's error when invalid. */
export function parseAmqpSection(raw: unknown = {}): AmqpSection {
  return amqpSectionSchema.parse(raw ?? {});
}

/** Parses raw pipeline `options` (undefined = all defaults). Throws zod's error when invalid. */
export function parseAmqpPipelineOptions(raw: unknown = {}): AmqpPipelineOptions {
  return amqpPipelineOptionsSchema.parse(raw ?? {});
}
