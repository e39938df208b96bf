/*
 * The amqp driver's own doctor checks: what only it can judge from config alone. A job timeout beyond
 * RabbitMQ's consumer_timeout (amqp.consumer_timeout; the broker closes the channel when an ack is that late) is a warning;
 * max_priority on a quorum queue and delivery_limit on a classic one are errors. Never throws, never connects.
 */
import { formatDurationMs, type Diagnostic, type DriverDoctorInput } from '@warren/core';
import { resolvePipelineOptions, type AmqpPipelineOptions, type AmqpSection } from './amqp-options.js';
import { AMQP_WARNING_CODES } from './amqp-warning-codes.js';

/** RabbitMQ's default consumer_timeout (30 minutes since 3.8.15). */
export const RABBITMQ_DEFAULT_CONSUMER_TIMEOUT_MS = 30 * 60_000;

/** Diagnostics for the pipelines that use the amqp driver. */
export function amqpDoctor(input: DriverDoctorInput<AmqpPipelineOptions, AmqpSection | undefined>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const file = input.file === undefined ? {} : { file: input.file };
  const consumerTimeoutMs = input.section?.consumerTimeoutMs ?? RABBITMQ_DEFAULT_CONSUMER_TIMEOUT_MS;
  for (const pipeline of input.pipelines) {
    const options = resolvePipelineOptions(pipeline.name, pipeline.concurrency, pipeline.options);
    const path = `jobs.pipelines.${pipeline.name}.options`;
    if (options.queueType === 'quorum' && options.maxPriority !== undefined) {
      diagnostics.push({
        severity: 'error', code: 'WARREN_ERR_CONFIG_INVALID', path: `${path}.max_priority`, ...file,
        message: `pipeline "${pipeline.name}" sets max_priority on a quorum queue; x-max-priority is for classic queues only`,
        hint: 'Remove max_priority, or use queue_type: classic for this pipeline.',
      });
    }
    if (options.queueType === 'classic' && options.deliveryLimit !== undefined) {
      diagnostics.push({
        severity: 'error', code: 'WARREN_ERR_CONFIG_INVALID', path: `${path}.delivery_limit`, ...file,
        message: `pipeline "${pipeline.name}" sets delivery_limit on a classic queue; x-delivery-limit is for quorum queues only`,
        hint: 'Remove delivery_limit, or use queue_type: quorum for this pipeline.',
      });
    }
    if (consumerTimeoutMs > 0 && pipeline.maxJobTimeoutMs !== undefined && pipeline.maxJobTimeoutMs > consumerTimeoutMs) {
      diagnostics.push({
        severity: 'warning', code: 'WARREN_WRN_101', path: `jobs.pipelines.${pipeline.name}`, ...file,
        message: `a job of pipeline "${pipeline.name}" may run ${formatDurationMs(pipeline.maxJobTimeoutMs)}, longer than RabbitMQ's consumer_timeout (${formatDurationMs(consumerTimeoutMs)}, amqp.consumer_timeout)`,
        hint: AMQP_WARNING_CODES.WARREN_WRN_101.hint,
      });
    }
  }
  return diagnostics;
}
