/*
 * Public API of @warren/amqp. Importing this module registers the driver (name `amqp`) and its error
 * codes with @warren/core, which is why package.json says "sideEffects": true.
 */
import { driverRegistry, registerErrorCodes } from '@warren/core';
import { AMQP_ERROR_CODES } from './errors.js';
import { AMQP_WARNING_CODES } from './amqp-warning-codes.js';
import { amqpDriverDefinition } from './amqp-driver-definition.js';

registerErrorCodes(AMQP_ERROR_CODES);
registerErrorCodes(AMQP_WARNING_CODES);
driverRegistry.register(amqpDriverDefinition);

// the driver
export { amqpDriverDefinition } from './amqp-driver-definition.js';
/** Alias of `amqpDriverDefinition`. */
export { amqpDriverDefinition as amqpDriver } from './amqp-driver-definition.js';
export { AmqpDriver, AMQP_DRIVER_NAME } from './amqp-driver.js';

// config
export {
  amqpSectionSchema, amqpPipelineOptionsSchema, parseAmqpSection, parseAmqpPipelineOptions, resolvePipelineOptions,
} from './amqp-options.js';
export type { AmqpSection, AmqpPipelineOptions, ResolvedPipelineOptions } from './amqp-options.js';
export { amqpDoctor, RABBITMQ_DEFAULT_CONSUMER_TIMEOUT_MS } from './amqp-doctor.js';
export { AMQP_WARNING_CODES } from './amqp-warning-codes.js';
export type { AmqpWarningCode } from './amqp-warning-codes.js';

// errors
export { AMQP_ERROR_CODES, amqpError } from './errors.js';
export type { AmqpErrorCode } from './errors.js';
export * as amqpReplyCodes from './amqp-reply-codes.js';

// states and events (for tests, health and operators)
export { CONNECTION_TRANSITIONS, canTransition, toDriverState } from './connection/connection-state.js';
export type { ConnectionState } from './connection/connection-state.js';
export type { ConnectionManagerEventMap } from './connection/connection-manager-options.js';
export { CONSUMER_TRANSITIONS, canConsumerTransition } from './consumer/consumer-state.js';
export type { PipelineConsumerEventMap } from './consumer/pipeline-consumer.js';
export type { ConsumerState } from './consumer/consumer-state.js';
export { PUBLISHER_TRANSITIONS, canPublisherTransition } from './publisher/publisher-state.js';
export type { PublisherState } from './publisher/publisher-state.js';
export { PROBE_DIAL_MIN_GAP_MS, PROBE_DIALS_PER_OPENING } from './connection/probe-dial-policy.js';
export type { BreakerState } from './breaker/broker-breaker.js';
export { DurableOutbox } from './publisher/durable-outbox.js';
export type { DurableOutboxOptions, OutboxFsyncPolicy } from './publisher/durable-outbox.js';
export { decodeOutboxFile, encodeOutboxRecord, pendingMessages } from './publisher/outbox-record.js';
export type { OutboxRecord, OutboxMessageRecord, OutboxConfirmRecord, DecodedOutbox } from './publisher/outbox-record.js';
export { redialDelayMs } from './connection/redial-schedule.js';
export { deadLetterQueueName, delayQueueName, mainQueueArguments, delayQueueArguments } from './topology/queue-names.js';
export { DELAY_LADDER_MS, DELAY_LADDER_TOP_MS, delayStepMs } from './topology/delay-ladder.js';
