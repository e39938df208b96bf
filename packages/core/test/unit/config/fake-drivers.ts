/*
 * Test-only driver definitions that prove driver-owned schemas plug into the config: a fake `memory`,
 * a fake `amqp` (options queue/prefetch/queue_type/max_priority, an `amqp:` section, a doctor hook)
 * and a fake `sqs`. None of them can create a real driver.
 */
import { z } from 'zod';
import { DriverRegistry, durationMs, type AnyDriverDefinition, type Diagnostic } from '../../../src/index.js';

function noCreate(): never {
  throw new Error('fake driver: create() is not used in config tests');
}

export const fakeMemoryDriver: AnyDriverDefinition = {
  name: 'memory',
  optionsSchema: z.strictObject({ queue: z.string().optional().describe('Queue name.') }),
  create: noCreate,
};

export const fakeAmqpDriver: AnyDriverDefinition = {
  name: 'amqp',
  optionsSchema: z.strictObject({
    queue: z.string().optional().describe('Queue name; default the pipeline name.'),
    prefetch: z.number().int().positive().optional().describe('Unacked deliveries per consumer.'),
    queue_type: z.enum(['classic', 'quorum']).default('classic').describe('Queue type.'),
    max_priority: z.number().int().min(1).max(255).optional().describe('Highest priority.'),
  }),
  sectionSchema: z.strictObject({
    urls: z.array(z.string()).default(['amqp://guest:guest@127.0.0.1:5672']).describe('Broker URLs.'),
    heartbeat: durationMs().prefault('30s').describe('Heartbeat.'),
  }),
  doctor: (input): Diagnostic[] =>
    input.pipelines
      .filter((pipeline) => (pipeline.maxJobTimeoutMs ?? 0) > 1_800_000)
      .map((pipeline) => ({
        severity: 'warning', code: 'WARREN_WRN_AMQP_FAKE', path: `jobs.pipelines.${pipeline.name}`,
        message: `a job timeout of ${pipeline.maxJobTimeoutMs}ms exceeds the broker's consumer_timeout`, hint: 'raise consumer_timeout',
      })),
  create: noCreate,
};

export const fakeSqsDriver: AnyDriverDefinition = {
  name: 'sqs',
  optionsSchema: z.strictObject({ queue_url: z.string(), visibility_timeout: z.number().optional(), message_group: z.string().optional() }),
  create: noCreate,
};

/** A registry with the given fakes (default: memory and amqp). */
export function fakeRegistry(...drivers: AnyDriverDefinition[]): DriverRegistry {
  const registry = new DriverRegistry();
  for (const driver of drivers.length ? drivers : [fakeMemoryDriver, fakeAmqpDriver]) registry.register(driver);
  return registry;
}
