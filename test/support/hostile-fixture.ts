/*
 * HostileFixture: one Warren with one AMQP pipeline on a queue of its own, its log lines captured, plus a
 * raw amqplib confirm channel that plays the foreign (or hostile) producer and reads Q.dlq. For the
 * "every message ends somewhere" tests. dispose() closes both and deletes every queue it created.
 */
import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import '../../packages/amqp/dist/index.js';
import { LogCapture } from './log-capture.js';
import { DEFAULT_TEST_AMQP_URL } from './require-broker.js';
import { JobRegistry, Warren, type JobClass } from './warren-packages.js';

export const TEST_AMQP_URL = process.env.WARREN_TEST_AMQP_URL ?? DEFAULT_TEST_AMQP_URL;

export interface HostileFixtureOptions {
  /** Short label, part of the queue name. */
  readonly label: string;
  readonly jobs: readonly JobClass[];
  /** Called with the registry before Warren starts (e.g. to inject a fault into it). */
  readonly prepare?: (registry: JobRegistry) => void;
  readonly concurrency?: number;
  /** Delays (ms) whose Q.delay.<ms> queues the test creates, deleted at dispose (unlisted ones expire by themselves). */
  readonly delayQueuesMs?: readonly number[];
  /** Extra `amqp:` keys (e.g. max_payload), and the URL Warren uses (default the test broker's). */
  readonly amqp?: Record<string, unknown>;
  readonly url?: string;
}

export class HostileFixture {
  readonly logs = new LogCapture('debug');
  #warren: Warren | undefined;
  #connection: amqplib.ChannelModel | undefined;
  #channel: amqplib.ConfirmChannel | undefined;

  private constructor(readonly queue: string, readonly delayQueuesMs: readonly number[]) {}

  get dlq(): string {
    return `${this.queue}.dlq`;
  }

  get warren(): Warren {
    if (!this.#warren) throw new Error('the fixture is not started');
    return this.#warren;
  }

  get channel(): amqplib.ConfirmChannel {
    if (!this.#channel) throw new Error('the fixture is not started');
    return this.#channel;
  }

  /** Starts Warren consuming `main` on `hostile-<label>-<random>`, and the raw producer channel. */
  static async start(options: HostileFixtureOptions): Promise<HostileFixture> {
    const fixture = new HostileFixture(`hostile-${options.label}-${randomUUID().slice(0, 8)}`, options.delayQueuesMs ?? []);
    const registry = new JobRegistry();
    for (const job of options.jobs) registry.add(job);
    options.prepare?.(registry);
    fixture.#connection = await amqplib.connect(TEST_AMQP_URL);
    fixture.#channel = await fixture.#connection.createConfirmChannel();
    fixture.#warren = await Warren.fromConfig(
      {
        version: 1,
        amqp: { urls: [options.url ?? TEST_AMQP_URL], heartbeat: '2s', redial: { schedule: ['50ms', '200ms'], jitter: 0 }, ...options.amqp },
        jobs: { pipelines: { main: { driver: 'amqp', concurrency: options.concurrency ?? 2, options: { queue: fixture.queue } } } },
        http: { enabled: false },
      },
      { registry, logger: fixture.logs.logger },
    );
    await fixture.#warren.run();
    return fixture;
  }

  /** Publishes raw bytes to Q as any AMQP producer may, and waits for the broker's confirm. */
  async publish(body: Buffer | string, options: amqplib.Options.Publish): Promise<void> {
    this.channel.sendToQueue(this.queue, Buffer.isBuffer(body) ? body : Buffer.from(body), options);
    await this.channel.waitForConfirms();
  }

  /** Takes the next dead letter off Q.dlq, polling until `timeoutMs`. */
  async takeDeadLetter(timeoutMs = 15_000): Promise<amqplib.GetMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const message = await this.channel.get(this.dlq, { noAck: true });
      if (message) return message;
      await sleep(50);
    }
    throw new Error(`no dead letter in ${this.dlq} within ${timeoutMs} ms\n${this.logs.tail(20)}`);
  }

  /** Messages ready in `queue` (default Q). */
  async depth(queue = this.queue): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /** Polls `condition` every 25 ms; fails naming `what` after `timeoutMs`. */
  async until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.logs.tail(20)}`);
      await sleep(25);
    }
  }

  /** Every captured log line, for the no-secret assertions. */
  output(): string {
    return this.logs.lines.join('\n');
  }

  /** Closes Warren, deletes Q, Q.dlq and the listed delay queues (on a fresh channel: rabbitmqctl takes seconds), closes the producer. */
  async dispose(): Promise<void> {
    await this.#warren?.close().catch(() => undefined);
    this.#warren = undefined;
    const connection = this.#connection;
    this.#connection = undefined;
    if (!connection) return;
    try {
      const channel = await connection.createChannel();
      for (const queue of [this.queue, this.dlq, ...this.delayQueuesMs.map((ms) => `${this.queue}.delay.${ms}`)]) await channel.deleteQueue(queue);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
