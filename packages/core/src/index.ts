/*
 * Public API of @warren/core. Everything users and drivers may import is exported here, and only here.
 */
// First: the Reflect metadata polyfill must be in place before any decorator runs, ours or the app's.
import './di/commonjs-tsyringe.js';
import { CORE_ERROR_CODES } from './errors/codes.js';
import { registerErrorCodes } from './errors/warren-error.js';
import { driverRegistry as defaultDriverRegistry } from './driver/driver-registry.js';
import { memoryDriver as memoryDriverDefinition } from './drivers/memory/memory-driver-definition.js';

registerErrorCodes(CORE_ERROR_CODES);
// The embedded driver is always available as `driver: memory`.
defaultDriverRegistry.register(memoryDriverDefinition);

// errors
export { WarrenError, isWarrenError, registerErrorCodes, listErrorCodes } from './errors/warren-error.js';
export type { ErrorCodeSpec, WarrenErrorOptions } from './errors/warren-error.js';
export { CORE_ERROR_CODES } from './errors/codes.js';
export type { CoreErrorCode, WarrenErrorCode } from './errors/codes.js';
export { BrokerUnavailable } from './errors/broker-unavailable.js';
export { DeliveryLost } from './errors/delivery-lost.js';
export { Unrecoverable } from './errors/unrecoverable.js';
export { Transient } from './errors/transient.js';

// events
export { TypedEmitter } from './events/typed-emitter.js';
export type { EventMap, Listener } from './events/typed-emitter.js';
export type { WarrenEventMap, JobEventInfo, WorkerState } from './events/warren-events.js';

// drivers
export type {
  Driver, DriverState, DriverEventMap, Delivery, ConsumeOptions, Consumer, PublishOptions, PipelineStats, InspectOptions, DriverStatus, TopologyFinding,
} from './driver/driver.js';
export type {
  DriverDefinition, AnyDriverDefinition, DriverContext, DriverPipeline, DriverDoctorInput,
} from './driver/driver-definition.js';
export { DriverRegistry, driverRegistry } from './driver/driver-registry.js';
export { MemoryDriver } from './drivers/memory/memory-driver.js';
export { memoryDriver } from './drivers/memory/memory-driver-definition.js';
export { memoryPipelineOptionsSchema } from './drivers/memory/memory-driver-options.js';
export type { MemoryPipelineOptions, MemoryDriverOptions } from './drivers/memory/memory-driver-options.js';
export { MEMORY_DRIVER_TRANSITIONS } from './drivers/memory/memory-driver-state.js';
export type { MemoryDriverState } from './drivers/memory/memory-driver-state.js';
export { WARREN_HEADERS, CONTENT_TYPE_JSON, CONTENT_ENCODING_UTF8, DEAD_LETTER_REASONS } from './driver/wire-message.js';
export type { WireMessage, WireProperties, ReceivedProperties, DeadLetterReason, HeaderValue } from './driver/wire-message.js';

// tracing (OpenTelemetry, when @opentelemetry/api is installed)
export type { MessagingTarget } from './tracing/messaging-target.js';
export { SPAN_ATTRIBUTES, SPAN_EVENTS } from './tracing/span-attributes.js';
export type { ProcessOutcome } from './tracing/span-attributes.js';
export { TRACER_NAME } from './tracing/job-tracing.js';

// jobs
export type {
  JobHandler, JobContext, JobOptions, JobBreakerOptions, BackoffOptions, BackoffType, JobClass, PayloadOf, DispatchOptions,
} from './job/job-types.js';
export { Job } from './job/job-decorator.js';
export { getJobMetadata } from './job/job-metadata.js';
export type { JobMetadata } from './job/job-metadata.js';
export { JobRegistry, jobRegistry } from './job/job-registry.js';
export type { JobRef } from './job/job-registry.js';
export { JOB_DEFAULTS, MAX_DELAY_MS } from './job/job-definition.js';
export type { JobDefinition, JobInfo, ResolvedBackoff } from './job/job-definition.js';
export { normalizeJobOptions } from './job/normalize-job-options.js';
export { JOB_CONTEXT, JobScope } from './di/job-scope.js';

// schedules and rate limits
export type {
  CatchUp, ScheduleOptions, ScheduleSpec, RateLimitOptions, ResolvedRateLimit, ResolvedSchedule, ResolvedScheduleFields,
} from './schedule/schedule-types.js';
export type {
  SchedulerLease, SchedulerLeaseEventMap, SchedulerHolderInfo, ScheduleInspection, OpenSchedulerLeaseOptions,
} from './driver/scheduler-lease.js';
export type { ScheduleStatus } from './schedule/pipeline-scheduler.js';
export { SCHEDULER_TRANSITIONS } from './schedule/scheduler-state.js';
export type { SchedulerState } from './schedule/scheduler-state.js';
export { tickJobId } from './schedule/tick-id.js';
export { CronClock } from './schedule/cron-clock.js';
export { cronProblem, timezoneProblem } from './schedule/cron-check.js';
export { RateLimiter } from './worker/rate-limiter.js';

// worker runtime
export { PipelineWorker } from './worker/pipeline-worker.js';
export { DEFAULT_STOP_TIMEOUT_MS } from './worker/pipeline-worker-options.js';
export type { PipelineWorkerOptions, StopOptions } from './worker/pipeline-worker-options.js';
export { WORKER_TRANSITIONS, canTransition as canWorkerTransition } from './worker/worker-state.js';
export { encodeJob } from './worker/encode-job.js';
export type { EncodableJob, EncodeJobOptions } from './worker/encode-job.js';
export { decodeDelivery } from './worker/decode-delivery.js';
export type { DecodedJob, DecodeResult, RejectedDelivery } from './worker/decode-delivery.js';
export { createRetryCopy, createDeadLetterCopy, formatErrorHeader, MAX_ERROR_HEADER_LENGTH } from './worker/message-copies.js';
export type { CopyIdentity, DeadLetterInfo } from './worker/message-copies.js';
export { validatePayload } from './worker/validate-payload.js';
export type { PayloadValidation } from './worker/validate-payload.js';
export { backoffDelayMs } from './worker/backoff.js';
export type { RandomSource } from './worker/backoff.js';
export { decideOutcome } from './worker/retry-policy.js';
export type { Outcome, OutcomeInput, AttemptResult } from './worker/retry-policy.js';
export { TimerSet } from './worker/timer-set.js';
export { ConsumptionBreaker } from './breaker/consumption-breaker.js';
export type { BreakerTransition, ConsumptionBreakerOptions, TrialToken } from './breaker/consumption-breaker.js';
export { CONSUMPTION_BREAKER_TRANSITIONS, canBreakerTransition } from './breaker/breaker-state.js';
export type { ConsumptionBreakerState } from './breaker/breaker-state.js';
export { BREAKER_DEFAULTS } from './breaker/breaker-options.js';
export type { ResolvedBreakerOptions } from './breaker/breaker-options.js';
export { breakerFailureKind } from './breaker/failure-kind.js';
export type { BreakerFailureKind } from './breaker/failure-kind.js';
export type { TimerSetOptions } from './worker/timer-set.js';
export type { OwnedTimer } from './worker/timer-set.js';

// config and doctor
export type { WarrenConfig, JobsConfig, PipelineConfig } from './config/config-types.js';
export type { Diagnostic, DiagnosticSeverity } from './doctor/diagnostic.js';
export { buildConfigSchema, LOG_LEVELS, DEFAULT_DRIVER } from './config/config-schema.js';
export type { ConfigSchema } from './config/config-schema.js';
export { durationMs, byteSize, integer, flag } from './config/schema-primitives.js';
export type { WarrenSchemaMeta } from './config/schema-primitives.js';
export { interpolateEnv } from './config/env-interpolation.js';
export type { Env, InterpolationResult } from './config/env-interpolation.js';
export { loadConfig, assertConfig } from './config/config-loader.js';
export type { LoadConfigOptions, ConfigLoadResult } from './config/config-loader.js';
export { renderConfigDocs } from './config/config-docs.js';
export { runDoctor } from './doctor/run-doctor.js';
export type { DoctorInput } from './doctor/run-doctor.js';
export type { DoctorJobInfo } from './doctor/doctor-job-info.js';
export { hasErrors, formatDiagnostic, sortDiagnostics } from './doctor/format-diagnostic.js';
export { CORE_WARNING_CODES } from './doctor/warning-codes.js';
export type { CoreWarningCode } from './doctor/warning-codes.js';

// utilities
export { parseDurationMs, tryParseDurationMs, formatDurationMs } from './util/duration.js';
export { tryParseByteSize } from './util/byte-size.js';
export type { Duration, DurationUnit } from './util/duration.js';
export { redactSecrets, redactUrl } from './util/redact.js';
export { createLogger, createSilentLogger } from './logging/logger.js';
export type { Logger, CreateLoggerOptions } from './logging/logger.js';

// health and metrics server
export { HealthServer } from './http/health-server.js';
export type { HealthServerOptions, HealthServerState, HealthProbe, HealthServerAddress } from './http/health-server.js';
export { WarrenMetrics } from './metrics/warren-metrics.js';
export type { MetricsSource, MetricsHealth, WarrenMetricsOptions } from './metrics/warren-metrics.js';

// Warren
export { Warren } from './warren/warren.js';
export { prepareWarren } from './warren/prepare-warren.js';
export type { PreparedWarren, PrepareWarrenOptions } from './warren/prepare-warren.js';
export type { DispatchItem } from './warren/dispatch-job.js';
export type { WarrenOptions, RunOptions, CloseOptions } from './warren/warren-options.js';
export type { WarrenHealth, PipelineHealth } from './warren/warren-health.js';
export { WARREN_TRANSITIONS } from './warren/warren-state.js';
export type { WarrenState } from './warren/warren-state.js';
export { createReplayCopy } from './warren/replay-copy.js';
