/*
 * The catalogue of core error codes: meaning, fix and retryability of each.
 * Codes are public API: add freely, never rename or reuse. docs/errors.md lists the same codes
 * (a test keeps them in sync). Driver areas (AMQP_*) live in the driver's own catalogue.
 */
import type { ErrorCodeSpec } from './warren-error.js';

/** Core error codes with meaning, fix and retryability; docs/errors.md lists the same. */
export const CORE_ERROR_CODES = {
  WARREN_ERR_CONFIG_INVALID: {
    meaning: 'The configuration does not match the schema (bad value, bad duration, wrong type).',
    hint: 'Run `warren doctor`: it names the file, the key path and the expected value.',
    retryable: false,
  },
  WARREN_ERR_CONFIG_UNKNOWN_KEY: {
    meaning: 'The configuration has a key that Warren (or the pipeline\'s driver) does not know.',
    hint: 'Remove the key or fix its spelling; `warren doctor` suggests the closest known key.',
    retryable: false,
  },
  WARREN_ERR_CONFIG_NOT_FOUND: {
    meaning: 'The configuration file does not exist or cannot be read.',
    hint: 'Pass the right path with `-c`, or create warren.yaml (see `warren new`).',
    retryable: false,
  },
  WARREN_ERR_CONFIG_ENV_MISSING: {
    meaning: 'The configuration uses ${VAR} and VAR is not set, with no default.',
    hint: 'Set the variable, or give a default with ${VAR:-default}.',
    retryable: false,
  },
  WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND: {
    meaning: 'jobs.consume, or a job\'s `pipeline`, names a pipeline that jobs.pipelines does not define.',
    hint: 'Define the pipeline under jobs.pipelines, or fix the name (`warren doctor` suggests the closest one).',
    retryable: false,
  },
  WARREN_ERR_CONFIG_MISMATCH: {
    meaning: 'Two config values contradict each other, e.g. a pipeline\'s options.prefetch is below its concurrency.',
    hint: 'Set options.prefetch to at least concurrency (equal is a good start).',
    retryable: false,
  },
  WARREN_ERR_JOB_DUPLICATE_NAME: {
    meaning: 'Two job classes claim the same job name.',
    hint: 'Give each @Job a unique name.',
    retryable: false,
  },
  WARREN_ERR_JOB_INVALID: {
    meaning: 'A @Job declaration is invalid (empty name, bad options, no handle method, a backoff over 7 days), or a dispatch delay is not a duration or is over 7 days.',
    hint: 'Check the @Job name and options against the handler API in the README.',
    retryable: false,
  },
  WARREN_ERR_JOB_NOT_FOUND: {
    meaning: 'No job is registered under that name or class.',
    hint: 'Check the job name, and that the module defining it is listed in jobs.modules.',
    retryable: false,
  },
  WARREN_ERR_JOB_TOO_LARGE: {
    meaning: 'A received message body is larger than the transport\'s limit (amqp.max_payload); it was dead-lettered with reason too-large without being parsed.',
    hint: 'Send smaller bodies (store large data elsewhere and pass a reference), or raise amqp.max_payload (and RabbitMQ\'s max_message_size) on every worker.',
    retryable: false,
  },
  WARREN_ERR_JOB_TIMEOUT: {
    meaning: 'A job ran longer than its timeout; its signal was aborted.',
    hint: 'Raise the job\'s timeout, or make the handler honour ctx.signal sooner.',
    retryable: true,
  },
  WARREN_ERR_JOB_UNRECOVERABLE: {
    meaning: 'A handler threw Unrecoverable: the job is dead-lettered without further retries.',
    hint: 'Inspect the dead letter (`warren dlq list`) and replay it once the cause is fixed.',
    retryable: false,
  },
  WARREN_ERR_JOB_TRANSIENT: {
    meaning: 'A handler threw Transient: something the job depends on is down. It is retried like any failure, and a consumption breaker (jobs.pipelines.<p>.breaker, @Job({ breaker })) counts it.',
    hint: 'Nothing to fix in the job; bring the dependency back. Configure a consumption breaker so an outage does not burn every job\'s attempts.',
    retryable: true,
  },
  WARREN_ERR_JOB_UNDECODABLE: {
    meaning: 'A received message body is not UTF-8 JSON (or uses an unsupported content encoding), or its headers could not be decoded safely (nested too deep); it was dead-lettered.',
    hint: 'Fix the producer: the body must be a UTF-8 JSON document and headers may nest at most 100 levels. Inspect it with `warren dlq list`.',
    retryable: false,
  },
  WARREN_ERR_JOB_PAYLOAD_INVALID: {
    meaning: 'A job payload failed its schema, or cannot be serialized to JSON.',
    hint: 'Send a payload that matches the job\'s schema option; received ones are in the dead-letter queue.',
    retryable: false,
  },
  WARREN_ERR_JOB_DISPATCH_PARTIAL: {
    meaning: 'dispatchMany published some of its jobs but not all; `details.published` and `details.failed` say which.',
    hint: 'Retry only the entries in details.failed (their causes are there); the published ones are already queued.',
    retryable: true,
  },
  WARREN_ERR_DI_UNAVAILABLE: {
    meaning: 'The handler or one of its dependencies could not be resolved from the container (an unregistered token, or a factory or constructor that threw). The attempt counts as failed and is retried with the job\'s backoff like a handler failure, since a factory can fail for a passing reason.',
    hint: 'Register the dependency in jobs.bootstrap, or mark it @injectable(); when the cause is a factory that threw, fix what it depends on.',
    retryable: true,
  },
  WARREN_ERR_DI_METADATA_MISSING: {
    meaning: 'A job class has constructor parameters but no decorator metadata (`design:paramtypes`), so tsyringe cannot tell what to inject; Warren.fromConfig refuses it before anything connects.',
    hint: 'Set "experimentalDecorators": true and "emitDecoratorMetadata": true in your tsconfig.json and rebuild; in plain JavaScript, list the constructor tokens with @Job\'s `inject` option.',
    retryable: false,
  },
  WARREN_ERR_WORKER_ILLEGAL_STATE: {
    meaning: 'A worker was asked to do something its state does not allow (e.g. stop before start).',
    hint: 'Call run() before stop(); do not reuse a stopped worker.',
    retryable: false,
  },
  WARREN_ERR_WORKER_TIMEOUT: {
    meaning: 'In-flight jobs did not finish within the shutdown timeout; they were aborted and requeued.',
    hint: 'Raise jobs.shutdown_timeout, or make handlers honour ctx.signal.',
    retryable: true,
  },
  WARREN_ERR_WORKER_DELIVERY_LOST: {
    meaning: 'The channel that delivered a job closed while the job waited or ran; the broker redelivers it. A waiting job is dropped, a running one sees ctx.signal abort with this error (reason `delivery-lost`) and its outcome is ignored.',
    hint: 'Nothing to fix; make handlers idempotent and honour ctx.signal, since the job runs again.',
    retryable: true,
  },
  WARREN_ERR_WORKER_INTERNAL: {
    meaning: 'An unexpected exception in Warren\'s own code: while handling a delivery (it was dead-lettered with reason internal-error, or requeued after a delay when even that copy was refused), or in a timer or event callback (logged; the component kept running).',
    hint: 'This is a bug in Warren or in what it was given; report it with the log line (its cause and stack). Replay the dead letter with `warren dlq replay` once fixed.',
    retryable: false,
  },
  WARREN_ERR_WORKER_CLOSED: {
    meaning: 'The Warren instance is closed; it cannot dispatch or run.',
    hint: 'Create a new instance with Warren.fromConfig().',
    retryable: false,
  },
  WARREN_ERR_WORKER_BREAKER_ILLEGAL_STATE: {
    meaning: 'A consumption breaker was asked for a state change its state machine does not allow.',
    hint: 'This is a bug in @warren/core; please report it with the log lines around it.',
    retryable: false,
  },
  WARREN_ERR_DRIVER_NOT_FOUND: {
    meaning: 'A pipeline names a driver that is not registered.',
    hint: 'Install and import the driver package (e.g. @warren/amqp), or use driver: memory.',
    retryable: false,
  },
  WARREN_ERR_DRIVER_DUPLICATE_NAME: {
    meaning: 'Two drivers were registered under the same name.',
    hint: 'Register each driver once.',
    retryable: false,
  },
  WARREN_ERR_DRIVER_UNAVAILABLE: {
    meaning: 'The broker is unreachable and the outbox is full (or disabled): the publish was refused.',
    hint: 'Check the broker; raise amqp.outbox.max_messages to buffer more during outages.',
    retryable: true,
  },
  WARREN_ERR_DRIVER_CLOSED: {
    meaning: 'The driver is closed.',
    hint: 'Create a new Warren instance.',
    retryable: false,
  },
  WARREN_ERR_DRIVER_ILLEGAL_STATE: {
    meaning: 'A driver was used in a state that does not allow the operation.',
    hint: 'Start the driver before publishing or consuming.',
    retryable: false,
  },
  WARREN_ERR_DRIVER_NOT_FOUND_PIPELINE: {
    meaning: 'A driver was asked about a pipeline it was not configured with.',
    hint: 'Define the pipeline under jobs.pipelines with this driver.',
    retryable: false,
  },
  WARREN_ERR_SCHEDULE_ILLEGAL_STATE: {
    meaning: 'A pipeline scheduler was asked to do something its state does not allow (e.g. start twice).',
    hint: 'This is a bug in Warren or in code driving the scheduler directly; report it with the log line.',
    retryable: false,
  },
  WARREN_ERR_CLI_INVALID: {
    meaning: 'A command was called with invalid arguments.',
    hint: 'Run the command with --help.',
    retryable: false,
  },
  WARREN_ERR_CLI_NOT_EMPTY: {
    meaning: '`warren new` was pointed at a directory that already has files.',
    hint: 'Choose a new or empty directory, or pass --force to write into it anyway.',
    retryable: false,
  },
  WARREN_ERR_CLI_INSTALL_FAILED: {
    meaning: '`warren new` wrote the project but the install in it (`npm install`, or the --pm package manager\'s) failed.',
    hint: 'Run the install in the new directory to see the error, or pass --no-install.',
    retryable: true,
  },
  WARREN_ERR_CLI_HTTP_UNAVAILABLE: {
    meaning: 'The health/metrics server could not listen on the configured host and port.',
    hint: 'Free the port, choose another with http.port (0 picks a free one), or set http.enabled: false.',
    retryable: true,
  },
  WARREN_ERR_CLI_HTTP_ILLEGAL_STATE: {
    meaning: 'The health/metrics server was asked to start twice, or after it closed.',
    hint: 'Create a new HealthServer for each start.',
    retryable: false,
  },
  WARREN_ERR_CLI_DASHBOARD_UNAVAILABLE: {
    meaning: 'The dashboard could not listen on the given host and port.',
    hint: 'Free the port or choose another with --port (0 picks a free one).',
    retryable: true,
  },
  WARREN_ERR_CLI_DASHBOARD_ILLEGAL_STATE: {
    meaning: 'The dashboard server was asked to start after it closed.',
    hint: 'Create a new DashboardServer for each start.',
    retryable: false,
  },
} as const satisfies Record<string, ErrorCodeSpec>;

/** Every code that core throws. */
export type CoreErrorCode = keyof typeof CORE_ERROR_CODES;

/** The codes a WarrenError from core can carry; drivers add their own (see @warren/amqp `AmqpErrorCode`). */
export type WarrenErrorCode = CoreErrorCode;
