/*
 * createTestDriver: builds the AMQP driver for broker tests exactly as Warren would (the driver
 * definition's `create` with a parsed `amqp:` section), but without a config file. The `amqp`
 * package is imported from its built output, like core (see warren-packages.ts).
 */
import type { Driver, Logger } from './warren-packages.js';

type AmqpPackage = typeof import('../../packages/amqp/dist/index.js');
/**
 * WARREN_TEST_AMQP_ENTRY points the chaos suite at another build of the driver (a deliberately broken
 * copy, to check that the suite catches it). Default: the real build.
 */
const amqpPackage: AmqpPackage = await import(process.env.WARREN_TEST_AMQP_ENTRY ?? '../../packages/amqp/dist/index.js');

/** The `amqp:` section as written in warren.yaml (durations as '2s' strings or ms numbers). */
export type RawAmqpSection = Record<string, unknown>;

export interface TestPipeline {
  readonly name: string;
  readonly queue: string;
  readonly prefetch: number;
  readonly concurrency: number;
}

export interface CreateTestDriverOptions {
  readonly section: RawAmqpSection;
  readonly pipelines: readonly TestPipeline[];
  readonly logger: Logger;
}

/** The AMQP driver for `pipelines`, not started. */
export function createTestDriver(options: CreateTestDriverOptions): Driver {
  const { amqpDriverDefinition, parseAmqpSection, parseAmqpPipelineOptions } = amqpPackage;
  return amqpDriverDefinition.create({
    section: parseAmqpSection(options.section),
    pipelines: options.pipelines.map((p) => ({
      name: p.name,
      concurrency: p.concurrency,
      options: parseAmqpPipelineOptions({ queue: p.queue, prefetch: p.prefetch }),
    })),
    logger: options.logger,
  });
}

/** The driver package itself, for tests that need its exports (error codes, test hooks). */
export { amqpPackage };

/** The minimal surface of an amqplib channel the 406 provocation needs. */
interface AckableChannel {
  ack(message: { fields: { deliveryTag: number } }): void;
}

/**
 * Makes the broker close the consumer channel of `pipeline` with 406 PRECONDITION_FAILED, by acking
 * a delivery tag that channel never delivered (through the driver's test hook; see amqp-api.md).
 */
export async function provokeConsumerChannelError(driver: Driver, pipeline: string): Promise<void> {
  const hooks = (driver as unknown as { testHooks?: { consumerChannel?(pipeline: string): AckableChannel | undefined } }).testHooks;
  const channel = hooks?.consumerChannel?.(pipeline);
  if (!channel) throw new Error(`the driver exposes no consumer channel for "${pipeline}" (testHooks.consumerChannel; see /work/notes/amqp-api.md)`);
  channel.ack({ fields: { deliveryTag: 2 ** 31 } });
}
