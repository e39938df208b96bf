/*
 * The zod schemas of the `amqp:` config section and of an AMQP pipeline's `options`, the single source
 * of their defaults and docs. Built on core's primitives (durationMs, integer), so `${VAR}` strings parse;
 * durations come out as `...Ms` fields. Parse helpers let tests build a config without knowing zod. No I/O.
 */
import os from 'node:os';
import { z } from 'zod';
import { byteSize, durationMs, flag, integer } from '@warren/core';
import { brokerUrlProblem } from './broker-url.js';
import type { AmqpTlsSettings } from './connection/tls-options.js';

/** A fraction in [0, 1]; a numeric string (from `${VAR}`) is accepted and converted. */
function fraction(): z.ZodType<number, number | string> {
  return z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value),
    z.number().min(0).max(1),
  ) as z.ZodType<number, number | string>;
}

/** A broker URL that parses as amqplib will parse it; otherwise a config error at `amqp.urls[i]` (password hidden) with the fix. */
function brokerUrl(): z.ZodType<string> {
  return z.string().superRefine((url, ctx) => {
    const problem = brokerUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, params: { warrenHint: problem.hint } });
  });
}

// Defaults are written as a user would write them in warren.yaml (`prefault` parses them), so the generated
// docs show `30s`, not 30000. Nested sections use prefault({}) so their own defaults apply when left out.
const redialSchema = z
  .strictObject({
    schedule: z.array(durationMs()).min(1).prefault(['100ms', '500ms', '1s', '1s', '2s', '2s', '5s', '15s', '25s'])
      .describe('Delays (durations) between redial attempts; the last one repeats. Starts fast (most outages are short restarts), then backs off.'),
    jitter: fraction().prefault(0.2).describe('Random spread applied to each redial delay, as a fraction (0.2 = ±20%).'),
    timeout: durationMs().prefault('0')
      .describe('Duration the driver may stay disconnected before it gives up and the worker exits non-zero; 0 = redial forever.'),
    alert_after: integer(1).prefault(10)
      .describe('Consecutive failed redials after which an error-level alert is logged (event amqp.redial.threshold), again at every multiple.'),
    probe_interval: durationMs().prefault('250ms')
      .describe('While reconnecting, how often a plain TCP connect (no AMQP) checks whether the broker port accepts connections again; when it does, the next redial is made at once instead of waiting out the schedule step (a broker back after 8s is not left until the 11.6s step). Probe-triggered redials are capped at one per second and five per reopening of the port, so a broker that stays down only sees refused TCP connects. 0 disables.'),
  })
  .transform((raw) => ({
    scheduleMs: raw.schedule, jitter: raw.jitter, timeoutMs: raw.timeout, alertAfter: raw.alert_after, probeIntervalMs: raw.probe_interval,
  }));

const breakerSchema = z
  .strictObject({
    failure_threshold: integer(1).prefault(50)
      .describe('Failed broker operations (connects, setups, nacked or timed-out publishes) within a rolling 10s window that open the circuit breaker.'),
    reset_timeout: durationMs().prefault('10s').describe('Duration the breaker stays open before it lets one trial operation through (half-open).'),
  })
  .transform((raw) => ({ failureThreshold: raw.failure_threshold, resetTimeoutMs: raw.reset_timeout }));

const outboxSchema = z
  .strictObject({
    max_messages: integer(0).prefault(10_000)
      .describe('Publishes buffered in memory while disconnected, blocked or while the breaker is open; beyond this, publishes fail fast (BrokerUnavailable). Also bounds the records pending in the durable outbox file (path).'),
    path: z.string().min(1).optional()
      .describe('Opt-in durable outbox: a directory (relative to the config file) where dispatches made while the broker is unreachable are appended, one record each, before dispatch resolves; they are replayed in order by the next process that opens the same path, and the file is compacted as the broker confirms them. Unset: the outbox lives in memory only and a crash during an outage loses it.'),
    fsync: z.enum(['every', 'interval', 'none']).default('interval')
      .describe('When durable outbox records reach the disk: `every` record before its dispatch resolves (survives a power loss), every fsync_interval (`interval`: a machine crash may lose the last interval; a process crash loses nothing), or `none` (the OS decides).'),
    fsync_interval: durationMs().prefault('100ms').describe('With fsync: interval, how often written durable outbox records are fsynced.'),
    max_bytes: byteSize().prefault('64MiB')
      .describe('Bytes of records pending in the durable outbox file at most; beyond this (or max_messages), dispatches fail fast (BrokerUnavailable).'),
  })
  .transform((raw) => ({
    maxMessages: raw.max_messages, path: raw.path, fsync: raw.fsync, fsyncIntervalMs: raw.fsync_interval, maxBytes: raw.max_bytes,
  }));

const pemFile = (what: string) => z.string().min(1).describe(what);

const tlsSchema = z
  .strictObject({
    ca: z.union([pemFile('path'), z.array(pemFile('path')).min(1)]).optional()
      .describe('CA certificate file(s), PEM, that signed the broker\'s certificate (a path or a list; relative to the working directory). Default: Node\'s CA store.'),
    cert: pemFile('path').optional().describe('Client certificate file, PEM, for a broker that requires one (ssl_options.verify_peer with fail_if_no_peer_cert). Needs key.'),
    key: pemFile('path').optional().describe('Private key file, PEM, of cert. Needs cert.'),
    passphrase: z.string().optional().describe('Passphrase of an encrypted key; write it as ${VAR}. Never logged or printed.'),
    servername: z.string().min(1).optional().describe('Server name for SNI and the certificate host check; default: the URL host.'),
    reject_unauthorized: flag().prefault(true)
      .describe('Refuse a broker certificate that does not verify. Turn off only to diagnose; a man in the middle could then read everything.'),
  })
  .superRefine((raw, ctx) => {
    if ((raw.cert === undefined) !== (raw.key === undefined)) {
      const missing = raw.cert === undefined ? 'cert' : 'key';
      ctx.addIssue({
        code: 'custom', path: [missing], message: `amqp.tls.${missing === 'cert' ? 'key' : 'cert'} is set without amqp.tls.${missing}`,
        params: { warrenHint: 'A client certificate needs both files: set amqp.tls.cert and amqp.tls.key (PEM), or neither.' },
      });
    }
  })
  .transform((raw): AmqpTlsSettings => ({
    caFiles: raw.ca === undefined ? undefined : typeof raw.ca === 'string' ? [raw.ca] : raw.ca,
    certFile: raw.cert, keyFile: raw.key, passphrase: raw.passphrase, servername: raw.servername, rejectUnauthorized: raw.reject_unauthorized,
  }));

/** Schema of the top-level `amqp:` section. Keys and defaults in docs/config.md; durations come out as `...Ms`. */
export const amqpSectionSchema = z
  .strictObject({
    urls: z.array(brokerUrl()).min(1).prefault(['amqp://guest:guest@127.0.0.1:5672'])
      .describe('Broker URLs, tried in turn (several = cluster failover). Credentials are never logged; percent-encode reserved characters in them (# as %23, / as %2F, ? as %3F, @ as %40).'),
    heartbeat: durationMs().prefault('30s')
      .describe('AMQP heartbeat duration; a dead peer is noticed after about two of them (rounded to whole seconds, min 1s; 0 disables).'),
    redial: redialSchema.prefault({}).describe('How the driver redials after losing the broker.'),
    breaker: breakerSchema.prefault({}).describe('Circuit breaker around connecting and publishing.'),
    outbox: outboxSchema.prefault({}).describe('The bounded outbox of publishes that wait for the broker, in memory, and optionally in a file (path).'),
    publish_timeout: durationMs().prefault('10s').describe('Duration a sent publish may wait for the broker confirm before it is rejected (not counted while the broker blocks us).'),
    connect_timeout: durationMs().prefault('10s').describe('Duration one connection attempt (TCP + AMQP handshake) may take.'),
    watchdog_interval: durationMs().prefault('5s').describe('How often (duration) each consumed queue is checked to still have our consumer, and to deliver to it while messages wait (re-subscribed if not).'),
    max_payload: byteSize().prefault('16MiB')
      .describe('Largest message body (bytes, or 512KiB, 16MiB...). A larger dispatch is refused at once (WARREN_ERR_AMQP_PUBLISH_TOO_LARGE); a larger delivery is dead-lettered as too-large without being parsed. 16MiB is RabbitMQ 4\'s default max_message_size.'),
    consumer_timeout: durationMs().prefault('30m')
      .describe('RabbitMQ\'s consumer_timeout as the broker has it (rabbitmq.conf; 30m by default), which Warren cannot read over AMQP: set it here when you change it there. A delivery unacked that long makes the broker close the channel and redeliver it. warren run logs a job running past half of it as stuck (event job.stuck), and doctor warns about job timeouts above it. 0: the broker has it disabled (no stuck log).'),
    tls: tlsSchema.optional().describe('TLS for amqps:// URLs (also used by `warren doctor --connect`). Without it, amqps:// verifies the broker against Node\'s CA store.'),
    connection_name: z.string().min(1).optional().describe('Connection name shown in the RabbitMQ management UI; default warren@<hostname>:<pid>.'),
    publish_fast_path: flag().prefault(true)
      .describe('Encode publishes in the driver and write each event-loop turn of them as one chunk (about a third of the client CPU of amqplib\'s channel.publish). Set false when something wraps amqplib\'s Channel.publish, such as OpenTelemetry\'s amqplib instrumentation: it does not see fast-path publishes (Warren\'s own spans, docs/tracing.md, cover both paths). Turns itself off, with warning WARREN_WRN_102, when the installed amqplib is not the exact version @warren/amqp depends on.'),
  })
  .transform((raw) => ({
    urls: raw.urls,
    heartbeatMs: raw.heartbeat,
    redial: raw.redial,
    breaker: raw.breaker,
    outbox: raw.outbox,
    publishTimeoutMs: raw.publish_timeout,
    connectTimeoutMs: raw.connect_timeout,
    watchdogIntervalMs: raw.watchdog_interval,
    consumerTimeoutMs: raw.consumer_timeout,
    connectionName: raw.connection_name ?? `warren@${os.hostname()}:${process.pid}`,
    isPublishFastPath: raw.publish_fast_path,
    maxPayloadBytes: raw.max_payload,
    tls: raw.tls,
  }))
  .describe('RabbitMQ connection settings of the amqp driver.');

/** The parsed `amqp:` section; durations in milliseconds. */
export type AmqpSection = z.output<typeof amqpSectionSchema>;

/** Schema of an AMQP pipeline's `options`. Defaults that depend on the pipeline are resolved by `resolvePipelineOptions`. */
export const amqpPipelineOptionsSchema = z
  .strictObject({
    queue: z.string().min(1).max(200).optional().describe('Queue name; default: the pipeline name. Also names Q.dlq and Q.delay.<ms>.'),
    prefetch: integer(1, 65_535).optional().describe('Unacked deliveries the broker may hand this process; default: the pipeline concurrency.'),
    queue_type: z.enum(['classic', 'quorum']).default('classic')
      .describe('RabbitMQ queue type of Q and Q.dlq. Changing it on an existing queue is a mismatch (WARREN_ERR_AMQP_TOPOLOGY_MISMATCH).'),
    max_priority: integer(1, 255).optional().describe('Enables message priorities 0..max_priority on Q (classic queues only).'),
    delivery_limit: integer(0).optional()
      .describe('Quorum queues only: x-delivery-limit of Q, how often RabbitMQ may redeliver a message that was returned unacked (a crashed worker, consumer_timeout) before it dead-letters it to Q.dlq (broker:delivery_limit). Unset: the broker\'s default (none on RabbitMQ 3.x, 20 on 4.x).'),
    delay_queue_type: z.enum(['quorum', 'classic']).default('quorum')
      .describe('RabbitMQ queue type of the delay queues Q.delay.<ms> (retries and delayed dispatches). quorum: what expires in them moves back to Q at least once (at-least-once dead-lettering, RabbitMQ 3.10+), even while the broker shuts down. classic: lighter, but RabbitMQ dead-letters at most once, and drops what expires while it stops. A delay queue that exists with the other type is used as it is (warning WARREN_WRN_106).'),
  })
  .transform((raw) => ({
    queue: raw.queue, prefetch: raw.prefetch, queueType: raw.queue_type, maxPriority: raw.max_priority, deliveryLimit: raw.delivery_limit,
    delayQueueType: raw.delay_queue_type,
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
  /** x-delivery-limit of a quorum Q; undefined: the broker's default. */
  readonly deliveryLimit?: number | undefined;
  /** Queue type of Q.delay.<ms>; undefined: quorum. */
  readonly delayQueueType?: 'classic' | 'quorum' | undefined;
}

/** Applies the defaults that depend on the pipeline: queue = pipeline name, prefetch = concurrency. */
export function resolvePipelineOptions(pipeline: string, concurrency: number, options: AmqpPipelineOptions): ResolvedPipelineOptions {
  return {
    pipeline,
    queue: options.queue ?? pipeline,
    prefetch: options.prefetch ?? Math.max(1, concurrency),
    queueType: options.queueType,
    maxPriority: options.maxPriority,
    deliveryLimit: options.deliveryLimit,
    delayQueueType: options.delayQueueType,
  };
}

/** When the worker calls a running job stuck: half of consumer_timeout, so there is time to look before the broker acts. */
export function stuckJobAfterMs(section: Pick<AmqpSection, 'consumerTimeoutMs'>): number | undefined {
  return section.consumerTimeoutMs > 0 ? Math.floor(section.consumerTimeoutMs / 2) : undefined;
}

/** Parses a raw `amqp:` section (as written in warren.yaml; undefined = all defaults). Throws zod's error when invalid. */
export function parseAmqpSection(raw: unknown = {}): AmqpSection {
  return amqpSectionSchema.parse(raw ?? {});
}

/** Parses raw pipeline `options` (undefined = all defaults). Throws zod's error when invalid. */
export function parseAmqpPipelineOptions(raw: unknown = {}): AmqpPipelineOptions {
  return amqpPipelineOptionsSchema.parse(raw ?? {});
}
