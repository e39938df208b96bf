/*
 * amqp.publish_fast_path on the real broker, seen by instrumentation that wraps amqplib's ConfirmChannel.publish
 * (what OpenTelemetry's amqplib plugin patches): with the fast path off every dispatch goes through it; with the
 * default fast path none does (the driver encodes the frames itself). Jobs are handled either way.
 */
import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../packages/amqp/dist/index.js';
import { Job, Warren } from '../support/warren-packages.js';
import { DEFAULT_TEST_AMQP_URL } from '../support/require-broker.js';

const AMQP_URL = process.env.WARREN_TEST_AMQP_URL ?? DEFAULT_TEST_AMQP_URL;
const handled: number[] = [];

@Job('instrumented.echo', { pipeline: 'main', attempts: 1 })
class EchoJob {
  handle(payload: { seq: number }) {
    handled.push(payload.seq);
  }
}

type PublishFn = (this: amqplib.ConfirmChannel, ...args: unknown[]) => boolean;
let confirmChannelPrototype: { publish: PublishFn };
let originalPublish: PublishFn;
/** Job types of the publishes the wrapper saw, like an instrumentation's spans. */
const instrumented: string[] = [];

beforeAll(async () => {
  const connection = await amqplib.connect(AMQP_URL);
  const channel = await connection.createConfirmChannel();
  confirmChannelPrototype = Object.getPrototypeOf(channel) as { publish: PublishFn };
  await connection.close();
  originalPublish = confirmChannelPrototype.publish;
  confirmChannelPrototype.publish = function wrapped(this: amqplib.ConfirmChannel, ...args: unknown[]): boolean {
    instrumented.push(String((args[3] as { type?: unknown } | undefined)?.type));
    return originalPublish.apply(this, args);
  };
});

afterAll(() => {
  confirmChannelPrototype.publish = originalPublish;
});

async function dispatchAndHandle(isFastPath: boolean | undefined, jobs: number): Promise<void> {
  const queue = `warren-instr-${randomUUID().slice(0, 8)}`;
  const amqp = isFastPath === undefined ? { urls: [AMQP_URL] } : { urls: [AMQP_URL], publish_fast_path: isFastPath };
  const warren = await Warren.fromConfig({
    version: 1, amqp,
    jobs: { consume: ['main'], pipelines: { main: { driver: 'amqp', concurrency: 5, options: { queue } } } },
    http: { enabled: false }, log: { level: 'error' },
  }, { loadModules: false });
  try {
    await warren.run();
    await Promise.all(Array.from({ length: jobs }, (_, seq) => warren.dispatch(EchoJob, { seq })));
    const deadline = Date.now() + 10_000;
    while (handled.length < jobs && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    await warren.close({ timeoutMs: 5_000 });
    const connection = await amqplib.connect(AMQP_URL);
    const admin = await connection.createChannel();
    for (const name of [queue, `${queue}.dlq`]) await admin.deleteQueue(name).catch(() => undefined);
    await connection.close();
  }
}

describe('amqp.publish_fast_path', () => {
  it('false: every dispatch goes through amqplib ConfirmChannel.publish, where instrumentation sees it', async () => {
    handled.length = 0;
    instrumented.length = 0;
    await dispatchAndHandle(false, 20);
    expect(handled.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, seq) => seq));
    expect(instrumented).toEqual(Array.from({ length: 20 }, () => 'instrumented.echo'));
  });

  it('default (true): dispatches bypass ConfirmChannel.publish and are handled all the same', async () => {
    handled.length = 0;
    instrumented.length = 0;
    await dispatchAndHandle(undefined, 20);
    expect(handled.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, seq) => seq));
    expect(instrumented).toEqual([]);
  });
});
