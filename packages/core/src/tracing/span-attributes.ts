/*
 * Span and event attribute names of Warren's traces: OpenTelemetry's messaging semantic conventions where they have a
 * name (`messaging.*`, `error.type`), `warren.*` for what is Warren's own (job name, attempt, outcome). Stable: people
 * build dashboards and alerts on them (docs/tracing.md lists them). No logic beyond building attribute records.
 */
import type { MessagingTarget } from './messaging-target.js';
import type { OtelAttributes } from './otel-shapes.js';

export const SPAN_ATTRIBUTES = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  routingKey: 'messaging.rabbitmq.destination.routing_key',
  messageId: 'messaging.message.id',
  bodySize: 'messaging.message.body.size',
  errorType: 'error.type',
  pipeline: 'warren.pipeline',
  jobName: 'warren.job.name',
  attempt: 'warren.job.attempt',
  maxAttempts: 'warren.job.max_attempts',
  delayMs: 'warren.job.delay_ms',
  redelivered: 'warren.job.redelivered',
  outcome: 'warren.job.outcome',
  deadReason: 'warren.job.dead_reason',
  retryDelayMs: 'warren.job.retry_delay_ms',
} as const;

/** Span events of a consumer span. */
export const SPAN_EVENTS = {
  retry: 'warren.job.retry',
  deadLetter: 'warren.job.dead_letter',
  requeue: 'warren.job.requeue',
} as const;

/** How one attempt ended (`warren.job.outcome`). */
export type ProcessOutcome = 'succeeded' | 'retried' | 'dead-lettered' | 'requeued' | 'lost';

/** Attributes of a producer span. */
export function publishAttributes(target: MessagingTarget, pipeline: string, id: string, name: string, bodySize: number, delayMs: number): OtelAttributes {
  const attributes: OtelAttributes = {
    [SPAN_ATTRIBUTES.system]: target.system,
    [SPAN_ATTRIBUTES.operationType]: 'send',
    [SPAN_ATTRIBUTES.operationName]: 'publish',
    [SPAN_ATTRIBUTES.destination]: target.destination,
    [SPAN_ATTRIBUTES.messageId]: id,
    [SPAN_ATTRIBUTES.bodySize]: bodySize,
    [SPAN_ATTRIBUTES.pipeline]: pipeline,
    [SPAN_ATTRIBUTES.jobName]: name,
  };
  if (target.system === 'rabbitmq') attributes[SPAN_ATTRIBUTES.routingKey] = target.destination;
  if (delayMs > 0) attributes[SPAN_ATTRIBUTES.delayMs] = delayMs;
  return attributes;
}

/** What a consumer span is told about the attempt it covers. */
export interface ProcessInfo {
  readonly pipeline: string;
  readonly id: string;
  /** Undefined when the message names no job. */
  readonly name: string | undefined;
  readonly attempt: number;
  readonly maxAttempts: number | undefined;
  readonly bodySize: number;
  readonly redelivered: boolean;
}

/** Attributes of a consumer span. */
export function processAttributes(target: MessagingTarget, info: ProcessInfo): OtelAttributes {
  const attributes: OtelAttributes = {
    [SPAN_ATTRIBUTES.system]: target.system,
    [SPAN_ATTRIBUTES.operationType]: 'process',
    [SPAN_ATTRIBUTES.operationName]: 'process',
    [SPAN_ATTRIBUTES.destination]: target.destination,
    [SPAN_ATTRIBUTES.messageId]: info.id,
    [SPAN_ATTRIBUTES.bodySize]: info.bodySize,
    [SPAN_ATTRIBUTES.pipeline]: info.pipeline,
    [SPAN_ATTRIBUTES.attempt]: info.attempt,
    [SPAN_ATTRIBUTES.redelivered]: info.redelivered,
  };
  if (info.name !== undefined) attributes[SPAN_ATTRIBUTES.jobName] = info.name;
  if (info.maxAttempts !== undefined) attributes[SPAN_ATTRIBUTES.maxAttempts] = info.maxAttempts;
  return attributes;
}
