/*
 * The amqp driver's own doctor checks: what only it can judge from config alone. A job timeout beyond
 * RabbitMQ's consumer_timeout (amqp.consumer_timeout; the broker closes the channel when an ack is that late) is a warning;
 * max_priority on a quorum queue and delivery_limit on a classic one are errors; an unreadable amqp.tls file is an error;
 * a classic queue on a cluster (several URLs) and amqp.tls without an amqps URL are warnings. Never throws, never connects.
 */
import { accessSync, constants } from 'node:fs';
import { formatDurationMs, type Diagnostic, type DriverDoctorInput } from '@warren/core';
import { resolvePipelineOptions, type AmqpPipelineOptions, type AmqpSection } from './amqp-options.js';
import { AMQP_WARNING_CODES } from './amqp-warning-codes.js';

/** RabbitMQ's default consumer_timeout (30 minutes since 3.8.15). */
export const RABBITMQ_DEFAULT_CONSUMER_TIMEOUT_MS = 30 * 60_000;

/** amqp.tls: files that cannot be read are errors (before anything connects); tls without an amqps URL is a warning. */
function tlsDiagnostics(section: AmqpSection | undefined, file: { file?: string }): Diagnostic[] {
  const tls = section?.tls;
  if (!tls) return [];
  const diagnostics: Diagnostic[] = [];
  const files: Array<[string, string | undefined]> = [
    ...(tls.caFiles ?? []).map((ca, i): [string, string] => [tls.caFiles!.length > 1 ? `amqp.tls.ca[${i}]` : 'amqp.tls.ca', ca]),
    ['amqp.tls.cert', tls.certFile], ['amqp.tls.key', tls.keyFile],
  ];
  for (const [key, path] of files) {
    if (path === undefined) continue;
    try {
      accessSync(path, constants.R_OK);
    } catch (error) {
      diagnostics.push({
        severity: 'error', code: 'WARREN_ERR_CONFIG_INVALID', path: key, ...file,
        message: `${key} names ${JSON.stringify(path)}, which cannot be read (${(error as { code?: string }).code ?? 'error'})`,
        hint: `Give the path of a readable PEM file (relative paths are resolved against the working directory, here ${process.cwd()}).`,
      });
    }
  }
  if (!section.urls.some((url) => /^amqps:/i.test(url))) {
    diagnostics.push({
      severity: 'warning', code: 'WARREN_WRN_111', path: 'amqp.tls', ...file,
      message: 'amqp.tls is set, but no URL in amqp.urls uses amqps://', hint: AMQP_WARNING_CODES.WARREN_WRN_111.hint,
    });
  }
  return diagnostics;
}

/** Diagnostics for the pipelines that use the amqp driver. */
export function amqpDoctor(input: DriverDoctorInput<AmqpPipelineOptions, AmqpSection | undefined>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const file = input.file === undefined ? {} : { file: input.file };
  const consumerTimeoutMs = input.section?.consumerTimeoutMs ?? RABBITMQ_DEFAULT_CONSUMER_TIMEOUT_MS;
  diagnostics.push(...tlsDiagnostics(input.section, file));
  const isCluster = (input.section?.urls.length ?? 1) > 1;
  for (const pipeline of input.pipelines) {
    const options = resolvePipelineOptions(pipeline.name, pipeline.concurrency, pipeline.options);
    if (isCluster && options.queueType === 'classic') {
      diagnostics.push({
        severity: 'warning', code: 'WARREN_WRN_110', path: `jobs.pipelines.${pipeline.name}.options.queue_type`, ...file,
        message: `pipeline "${pipeline.name}" uses a classic queue on a cluster (amqp.urls lists ${input.section?.urls.length} nodes): while the node holding it is down, the pipeline stops`,
        hint: AMQP_WARNING_CODES.WARREN_WRN_110.hint,
      });
    }
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
